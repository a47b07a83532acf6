import json
import logging
import sys

from registration.infrastructure.json_log_format import MaskedJsonFormatter
from registration.infrastructure.log_masking import MaskEmailAddresses


def record_of_a_failure(**extra: object) -> logging.LogRecord:
    try:
        raise ValueError("cannot welcome jörg.lee@example.com")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "any",
        logging.ERROR,
        __file__,
        1,
        "failed for %s",
        ("ann@example.com",),
        exc_info,
    )
    record.__dict__.update(extra)
    return record


def formatted(record: logging.LogRecord) -> str:
    MaskEmailAddresses().filter(record)
    return MaskedJsonFormatter("%(levelname)s %(name)s %(message)s").format(record)


def test_a_line_is_one_json_object_with_the_record_s_fields() -> None:
    line = formatted(record_of_a_failure(request_id="req-1"))

    document = json.loads(line)
    assert "\n" not in line
    assert document["levelname"] == "ERROR"
    assert document["message"] == "failed for a***@example.com"
    assert document["request_id"] == "req-1"


def test_addresses_are_masked_in_the_traceback_and_in_extra_fields() -> None:
    line = formatted(record_of_a_failure(recipient="bob@example.com"))

    document = json.loads(line)
    assert "ValueError: cannot welcome j***@example.com" in document["exc_info"]
    assert document["recipient"] == "b***@example.com"
    assert "jörg" not in line
    assert "j\\u00f6rg" not in line
    assert "bob@" not in line
