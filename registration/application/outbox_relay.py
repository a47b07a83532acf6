import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from registration.application.ports import (
    EventPublisher,
    EventPublishingFailed,
    UnitOfWork,
)
from registration.domain import DomainEvent

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OutboxStatus:
    """What an operator sees of the outbox: the events still to publish."""

    pending: int
    oldest_age_seconds: float | None


class OutboxRelay:
    """Primary port: hands the events waiting in the outbox to the broker.

    Each event is published at least once. One the broker took is marked
    published in the transaction that claimed it; should that transaction
    not commit, or the process die before it does, the event goes again.
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        event_publisher: EventPublisher,
        clock: Clock = _now,
    ) -> None:
        self._uow_factory = uow_factory
        self._event_publisher = event_publisher
        self._clock = clock

    def relay(self, batch_size: int) -> int:
        """Publish up to `batch_size` of the oldest waiting events; how many.

        When the broker refuses some, those it took are marked published
        and the others wait for the next call.
        """
        with self._uow_factory() as uow:
            claimed = uow.outbox.claim_pending(batch_size)
            published = self._publish(claimed)
            if published:
                uow.outbox.mark_published(published, self._clock())
                uow.commit()

        return len(published)

    def prune(self, retention: timedelta, batch_size: int) -> int:
        """Forget up to `batch_size` events published over `retention` ago."""
        with self._uow_factory() as uow:
            pruned = uow.outbox.delete_published_before(
                self._clock() - retention, batch_size
            )
            uow.commit()

        return pruned

    def status(self) -> OutboxStatus:
        with self._uow_factory() as uow:
            pending = uow.outbox.pending()

        oldest = pending.oldest_stored_at
        return OutboxStatus(
            pending=pending.count,
            oldest_age_seconds=(
                None
                if oldest is None
                else max((self._clock() - oldest).total_seconds(), 0.0)
            ),
        )

    def _publish(self, events: Sequence[DomainEvent]) -> list[UUID]:
        if not events:
            return []
        try:
            self._event_publisher.publish(events)
        except EventPublishingFailed as refused:
            logger.debug(
                "outbox: the broker took %d of %d events; the rest wait",
                len(refused.published),
                len(events),
            )
            return list(refused.published)
        return [event.event_id for event in events]
