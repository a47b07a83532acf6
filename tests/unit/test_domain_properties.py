"""Properties of the domain that hold for any input, not only chosen examples."""

import json
from datetime import UTC, datetime
from uuid import UUID

from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.provisional import domains

from registration.domain import EmailAddress, InvalidEmailAddress, RegisteredEntryEvent

local_parts = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.+_-]{0,30}", fullmatch=True)
addresses = st.builds(
    lambda local, domain, padding: f"{padding}{local}@{domain.upper()}{padding}",
    local_parts,
    domains(max_length=60),
    st.sampled_from(["", " ", "\t", "  \n"]),
)


def valid_address(text: str) -> EmailAddress:
    try:
        return EmailAddress(text)
    except InvalidEmailAddress:
        assume(False)
        raise


@given(addresses)
def test_normalising_an_address_twice_changes_nothing(text: str) -> None:
    address = valid_address(text)

    assert EmailAddress(address.value) == address


@given(addresses)
def test_a_normalised_address_has_a_lower_case_domain_and_no_padding(
    text: str,
) -> None:
    address = valid_address(text)

    local, _, domain = address.value.rpartition("@")
    assert domain == domain.lower()
    assert address.value == address.value.strip()
    assert local == text.strip().rpartition("@")[0]


@given(st.text(max_size=80))
def test_any_text_is_either_a_valid_address_or_refused_as_invalid(text: str) -> None:
    try:
        address = EmailAddress(text)
    except InvalidEmailAddress:
        return

    assert "@" in address.value


@given(addresses, st.uuids(version=4), st.datetimes(timezones=st.just(UTC)))
def test_an_event_payload_survives_json_and_rebuilds_an_equal_event(
    text: str, entry_id: UUID, timestamp: datetime
) -> None:
    event = RegisteredEntryEvent(
        valid_address(text), entry_id=entry_id, timestamp=timestamp
    )

    rebuilt = RegisteredEntryEvent.from_dict(json.loads(json.dumps(event.as_dict())))

    assert rebuilt == event
