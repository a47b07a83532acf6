import re

import pytest

from registration.entrypoints.request_id import request_id_from
from welcome.infrastructure.request_id import loggable_request_id

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    "given", ["abc", "0f8e4c0a-9d1b-4f43", "trace_1.2~x", "A" * 128, "a|b+c*d"]
)
def test_a_short_token_is_taken_as_it_is(given: str) -> None:
    assert request_id_from(given) == given


@pytest.mark.parametrize(
    "given",
    [None, 42, "", "A" * 129, "a b", "a\nb", "a@b", "a,b", "a;b", "é", "a\x00"],
)
def test_anything_else_is_replaced_by_a_new_id(given: object) -> None:
    assert GENERATED.fullmatch(request_id_from(given))


def test_no_two_new_ids_are_alike() -> None:
    assert len({request_id_from(None) for _ in range(1000)}) == 1000


@pytest.mark.parametrize(
    ("header", "logged"),
    [
        ("req-1", "req-1"),
        (None, "-"),
        (b"req-1", "-"),
        ("", "-"),
        ("a\nforged line", "-"),
        ("x" * 129, "-"),
    ],
)
def test_the_consumer_logs_a_request_id_only_when_it_cannot_break_the_line(
    header: object, logged: str
) -> None:
    assert loggable_request_id(header) == logged
