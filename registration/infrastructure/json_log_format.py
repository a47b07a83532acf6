"""Log lines as JSON objects, for log collectors, masked as the text ones are."""

from typing import Any

from pythonjsonlogger.core import LogData
from pythonjsonlogger.json import JsonFormatter

from registration.infrastructure.log_masking import mask_email_addresses


class MaskedJsonFormatter(JsonFormatter):
    """Log formatter: one JSON object a line, email addresses masked in every field.

    The masking filter on the handler covers the message and the traceback
    text it caches, but this formatter formats a traceback anew and adds the
    fields a call passed as `extra`; so it masks all it writes, before the
    text is encoded as JSON.
    """

    def process_log_record(self, log_data: LogData) -> LogData:
        masked: LogData = _masked(log_data)
        return masked


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_email_addresses(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value
