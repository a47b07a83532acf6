import logging
import re

# Anything shaped like an address, written plainly or URL-encoded: what comes
# before the @ is hidden but for its first character, whatever logged it
# (this service, Nameko, Eventlet's protocol errors, kombu, a traceback).
_ADDRESS = re.compile(
    r"""([^\s@"'<>()\[\],;:\\*/=])[^\s@"'<>()\[\],;:\\*/=]*(@|%40)(?=[^\s@])"""
)
_FORMATTER = logging.Formatter()


def mask_email_addresses(text: str) -> str:
    if "@" not in text and "%40" not in text:
        return text
    return _ADDRESS.sub(r"\1***\2", text)


class MaskEmailAddresses(logging.Filter):
    """Log filter: hides the local part of every email address in a record,
    its traceback included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_email_addresses(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_email_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_email_addresses(record.stack_info)
        return True
