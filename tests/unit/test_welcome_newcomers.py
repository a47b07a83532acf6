import pytest

from tests.welcome_fakes import InMemoryHandledEvents, RecordingNotifier
from welcome.application import WelcomeNewcomers
from welcome.domain import Welcome

EVENT_ID = "6f1c1d0e-8a4b-4b8e-9d7e-2f0e1c3a5b7d"


def test_an_event_is_welcomed_and_remembered() -> None:
    notifier, handled = RecordingNotifier(), InMemoryHandledEvents()

    welcome = WelcomeNewcomers(notifier, handled).welcome("ann@example.com", EVENT_ID)

    assert welcome == Welcome(email="ann@example.com", event_id=EVENT_ID)
    assert notifier.sent == [welcome]
    assert handled.stored == {EVENT_ID}


def test_a_redelivered_event_sends_nothing_the_second_time() -> None:
    notifier, stored = RecordingNotifier(), set[str]()
    WelcomeNewcomers(notifier, InMemoryHandledEvents(stored)).welcome(
        "ann@example.com", EVENT_ID
    )

    again = WelcomeNewcomers(notifier, InMemoryHandledEvents(stored)).welcome(
        "ann@example.com", EVENT_ID
    )

    assert again is None
    assert len(notifier.sent) == 1


def test_a_failed_send_leaves_the_event_unhandled_for_its_next_delivery() -> None:
    notifier, stored = RecordingNotifier(fails_for=("ann@example.com",)), set[str]()
    with pytest.raises(ConnectionError):
        WelcomeNewcomers(notifier, InMemoryHandledEvents(stored)).welcome(
            "ann@example.com", EVENT_ID
        )
    notifier.broken = False

    welcome = WelcomeNewcomers(notifier, InMemoryHandledEvents(stored)).welcome(
        "ann@example.com", EVENT_ID
    )

    assert welcome is not None
    assert notifier.sent == [welcome]
    assert stored == {EVENT_ID}


def test_different_events_for_one_address_are_each_welcomed() -> None:
    notifier, handled = RecordingNotifier(), InMemoryHandledEvents()
    use_case = WelcomeNewcomers(notifier, handled)

    use_case.welcome("ann@example.com", EVENT_ID)
    use_case.welcome("ann@example.com", "another-event")

    assert [welcome.event_id for welcome in notifier.sent] == [
        EVENT_ID,
        "another-event",
    ]
