import logging
from collections.abc import Mapping
from typing import Any

import eventlet
import pytest
from kombu.exceptions import OperationalError

from registration.application import EventPublishingFailed
from registration.domain import EmailAddress, Entry
from registration.infrastructure import nameko_event_publisher
from registration.infrastructure.nameko_event_publisher import NamekoEventPublisher
from registration.infrastructure.outage_log import OutageLog


class FlakyBroker:
    """A dispatch that refuses the first `refusals` messages, then takes them,
    but for those of the addresses in `refused`, which it always refuses."""

    def __init__(self, refusals: int, refused: frozenset[str] = frozenset()) -> None:
        self.refusals = refusals
        self.refused = refused
        self.taken: list[tuple[str, dict[str, Any]]] = []
        self.headers: list[Mapping[str, str]] = []

    def __call__(
        self,
        name: str,
        payload: dict[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if payload["email"] in self.refused:
            raise OperationalError("[Errno 111] ECONNREFUSED")
        if self.refusals:
            self.refusals -= 1
            raise OperationalError("[Errno 111] ECONNREFUSED")
        self.taken.append((name, payload))
        self.headers.append(headers or {})


@pytest.fixture(autouse=True)
def fresh_outage_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        nameko_event_publisher,
        "_outage",
        OutageLog(nameko_event_publisher.logger, "still cannot publish", "again"),
    )


def test_each_event_is_dispatched_under_its_name_with_its_payload() -> None:
    broker = FlakyBroker(refusals=0)
    [event] = Entry.register(EmailAddress("ann@example.com")).events

    NamekoEventPublisher(broker).publish([event])

    assert broker.taken == [("RegisteredEntryEvent", event.as_dict())]


def test_the_correlation_id_goes_in_a_header_and_not_in_the_payload() -> None:
    broker = FlakyBroker(refusals=0)
    [event] = Entry.register(EmailAddress("ann@example.com"), "req-1").events

    NamekoEventPublisher(broker).publish([event])

    assert broker.headers == [{"nameko.request_id": "req-1"}]
    assert "req-1" not in broker.taken[0][1].values()


def test_an_event_without_a_correlation_id_gets_no_header_for_it() -> None:
    broker = FlakyBroker(refusals=0)
    [event] = Entry.register(EmailAddress("ann@example.com")).events

    NamekoEventPublisher(broker).publish([event])

    assert broker.headers == [{}]


def test_an_outage_is_logged_once_with_its_cause_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    broker = FlakyBroker(refusals=50)
    publisher = NamekoEventPublisher(broker)
    [event] = Entry.register(EmailAddress("ann@example.com")).events

    for _ in range(50):
        with pytest.raises(EventPublishingFailed):
            publisher.publish([event])
    publisher.publish([event])

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "ECONNREFUSED" in errors[0].getMessage()
    assert "again, after" in caplog.records[-1].getMessage()
    assert "50 failures" in caplog.records[-1].getMessage()


def test_a_batch_the_broker_partly_refuses_names_the_events_it_took() -> None:
    addresses = [f"user{n}@example.com" for n in range(5)]
    events = [Entry.register(EmailAddress(a)).events[0] for a in addresses]
    broker = FlakyBroker(refusals=0, refused=frozenset({addresses[1], addresses[3]}))

    with pytest.raises(EventPublishingFailed) as refused:
        NamekoEventPublisher(broker).publish(events)

    assert refused.value.published == tuple(events[n].event_id for n in (0, 2, 4))
    assert len(broker.taken) == 3


def test_a_batch_is_published_side_by_side_within_a_bound() -> None:
    in_flight = peak = 0

    def slow_broker(
        name: str, payload: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        eventlet.sleep(0.01)
        in_flight -= 1

    events = [
        Entry.register(EmailAddress(f"user{n}@example.com")).events[0]
        for n in range(20)
    ]

    NamekoEventPublisher(slow_broker).publish(events)

    assert peak == nameko_event_publisher.PUBLISH_CONCURRENCY
