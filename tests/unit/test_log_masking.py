import logging
import sys

import pytest

from registration.infrastructure.log_masking import (
    MaskEmailAddresses,
    mask_email_addresses,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            '"POST {"email": "secret.person@example.com"}"',
            '"POST {"email": "s***@example.com"}"',
        ),
        ("ann+tag@x.org and bob@例え.jp", "a***@x.org and b***@例え.jp"),
        ("already a***@example.com", "already a***@example.com"),
        ("amqp://guest:**@localhost:5672/", "amqp://guest:**@localhost:5672/"),
        ("no address @ all", "no address @ all"),
        ("GET /entries/ann%40example.com", "GET /entries/a***%40example.com"),
        (
            "database postgresql+pg8000://postgres@127.0.0.1:5432/test",
            "database postgresql+pg8000://p***@127.0.0.1:5432/test",
        ),
    ],
)
def test_the_local_part_of_every_address_is_hidden(text: str, masked: str) -> None:
    assert mask_email_addresses(text) == masked


def test_the_filter_masks_a_record_formatted_with_arguments() -> None:
    record = logging.LogRecord(
        "any",
        logging.INFO,
        __file__,
        1,
        "bad request %r",
        ("annabel@example.com",),
        None,
    )

    assert MaskEmailAddresses().filter(record)

    assert record.getMessage() == "bad request 'a***@example.com'"


def test_the_filter_masks_the_traceback_of_a_record() -> None:
    try:
        raise ValueError("Key (email)=(rpcdup@example.com) already exists.")
    except ValueError:
        record = logging.LogRecord(
            "any", logging.WARNING, __file__, 1, "failed", (), sys.exc_info()
        )

    MaskEmailAddresses().filter(record)
    formatted = logging.Formatter().format(record)

    assert "rpcdup@" not in formatted
    assert "(email)=(r***@example.com)" in formatted
