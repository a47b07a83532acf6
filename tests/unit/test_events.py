import json
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from registration.domain import EmailAddress, RegisteredEntryEvent, event_from_dict

ANN = EmailAddress("ann@example.com")
ENTRY_ID = UUID("7d3f1a2e-5b6c-4d8e-9f01-23456789abcd")


def registered(**fields: Any) -> RegisteredEntryEvent:
    return RegisteredEntryEvent(ANN, ENTRY_ID, **fields)


def test_no_two_events_share_an_id() -> None:
    events = [registered() for _ in range(1000)]

    assert len({event.event_id for event in events}) == len(events)


def test_an_event_made_later_has_a_later_timestamp() -> None:
    first = registered()
    time.sleep(0.001)

    second = registered()

    assert second.timestamp > first.timestamp


def test_an_event_is_stamped_with_the_time_it_was_made() -> None:
    before = datetime.now(UTC)

    event = registered()

    assert before <= event.timestamp <= datetime.now(UTC)
    assert event.timestamp.utcoffset() == timedelta(0)


def test_the_event_id_is_a_version_4_uuid() -> None:
    assert registered().event_id.version == 4


def test_the_payload_names_the_event_and_carries_only_json_primitives() -> None:
    event = registered()

    payload = event.as_dict()

    assert payload == {
        "name": "RegisteredEntryEvent",
        "event_id": str(event.event_id),
        "email": "ann@example.com",
        "entry_id": str(ENTRY_ID),
        "timestamp": event.timestamp.isoformat(),
    }
    assert json.loads(json.dumps(payload)) == payload


def test_the_payload_timestamp_is_utc_even_for_an_event_made_elsewhere() -> None:
    paris = timezone(timedelta(hours=1))
    event = registered(timestamp=datetime(2026, 1, 2, 13, tzinfo=paris))

    assert event.as_dict()["timestamp"] == "2026-01-02T12:00:00+00:00"


def test_a_payload_rebuilds_the_event_it_came_from() -> None:
    event = registered()

    rebuilt = RegisteredEntryEvent.from_dict(json.loads(json.dumps(event.as_dict())))

    assert rebuilt == event


def test_the_correlation_id_stays_out_of_the_payload() -> None:
    event = registered(correlation_id="req-1")

    assert "correlation_id" not in event.as_dict()
    assert "req-1" not in event.as_dict().values()


def test_a_payload_of_another_event_is_refused() -> None:
    payload = {**registered().as_dict(), "name": "SomethingElse"}

    with pytest.raises(ValueError, match="not a RegisteredEntryEvent"):
        RegisteredEntryEvent.from_dict(payload)


def test_a_stored_payload_is_read_back_as_the_event_its_name_gives() -> None:
    event = registered()

    rebuilt = event_from_dict(json.loads(json.dumps(event.as_dict())))

    assert rebuilt == event
    assert rebuilt.as_dict() == event.as_dict()


def test_a_payload_of_no_known_event_is_refused() -> None:
    payload = {**registered().as_dict(), "name": "SomethingElse"}

    with pytest.raises(ValueError, match="no kind of event"):
        event_from_dict(payload)


def test_an_event_cannot_have_a_naive_timestamp() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        registered(timestamp=datetime(2026, 1, 2, 12))


def test_an_event_is_immutable() -> None:
    event = registered()

    with pytest.raises(AttributeError):
        event.event_id = UUID(int=0)  # type: ignore[misc]
