import json
import time
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from registration.domain import EmailAddress, RegisteredEntryEvent

ANN = EmailAddress("ann@example.com")


def test_no_two_events_share_an_id() -> None:
    events = [RegisteredEntryEvent(ANN) for _ in range(1000)]

    assert len({event.event_id for event in events}) == len(events)


def test_an_event_made_later_has_a_later_timestamp() -> None:
    first = RegisteredEntryEvent(ANN)
    time.sleep(0.001)

    second = RegisteredEntryEvent(ANN)

    assert second.timestamp > first.timestamp


def test_an_event_is_stamped_with_the_time_it_was_made() -> None:
    before = datetime.now(UTC)

    event = RegisteredEntryEvent(ANN)

    assert before <= event.timestamp <= datetime.now(UTC)
    assert event.timestamp.utcoffset() == timedelta(0)


def test_the_event_id_is_a_version_4_uuid() -> None:
    assert RegisteredEntryEvent(ANN).event_id.version == 4


def test_the_payload_names_the_event_and_carries_only_json_primitives() -> None:
    event = RegisteredEntryEvent(ANN)

    payload = event.as_dict()

    assert payload == {
        "name": "RegisteredEntryEvent",
        "event_id": str(event.event_id),
        "email": "ann@example.com",
        "timestamp": event.timestamp.isoformat(),
    }
    assert json.loads(json.dumps(payload)) == payload


def test_the_payload_timestamp_is_utc_even_for_an_event_made_elsewhere() -> None:
    paris = timezone(timedelta(hours=1))
    event = RegisteredEntryEvent(ANN, timestamp=datetime(2026, 1, 2, 13, tzinfo=paris))

    assert event.as_dict()["timestamp"] == "2026-01-02T12:00:00+00:00"


def test_a_payload_rebuilds_the_event_it_came_from() -> None:
    event = RegisteredEntryEvent(ANN)

    rebuilt = RegisteredEntryEvent.from_dict(json.loads(json.dumps(event.as_dict())))

    assert rebuilt == event


def test_a_payload_of_another_event_is_refused() -> None:
    payload = {**RegisteredEntryEvent(ANN).as_dict(), "name": "SomethingElse"}

    with pytest.raises(ValueError, match="not a RegisteredEntryEvent"):
        RegisteredEntryEvent.from_dict(payload)


def test_an_event_cannot_have_a_naive_timestamp() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        RegisteredEntryEvent(ANN, timestamp=datetime(2026, 1, 2, 12))


def test_an_event_is_immutable() -> None:
    event = RegisteredEntryEvent(ANN)

    with pytest.raises(AttributeError):
        event.event_id = UUID(int=0)  # type: ignore[misc]
