import logging
import re

# Anything shaped like an address: what comes before the @ is hidden but
# for its first character, whatever logged it (this service, Nameko,
# Eventlet's protocol errors, kombu).
_ADDRESS = re.compile(r"""([^\s@"'<>()\[\],;:\\*])[^\s@"'<>()\[\],;:\\*]*@(?=[^\s@])""")


def mask_email_addresses(text: str) -> str:
    return _ADDRESS.sub(r"\1***@", text)


class MaskEmailAddresses(logging.Filter):
    """Log filter: hides the local part of every email address in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_email_addresses(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
