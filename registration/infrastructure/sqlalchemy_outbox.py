import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from registration.application import Outbox, PendingEvents
from registration.domain import DomainEvent, event_from_dict
from registration.infrastructure.database import OutboxRecord, as_utc, storage_errors


class SqlAlchemyOutbox(Outbox):
    """Secondary adapter: the `outbox` table, in the session of a unit of work.

    On PostgreSQL a claim locks its rows with `FOR UPDATE SKIP LOCKED`, so
    relays of several instances share the work without taking an event
    twice. SQLite has no row locks and ignores the clause: there, one
    instance of the service may relay.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, events: Sequence[DomainEvent]) -> None:
        stored_at = datetime.now(UTC)
        self._session.add_all(
            OutboxRecord(
                event_id=event.event_id,
                name=event.name,
                payload=json.dumps(event.as_dict()),
                created_at=stored_at,
                correlation_id=event.correlation_id,
            )
            for event in events
        )

    def claim_pending(self, limit: int) -> list[DomainEvent]:
        with storage_errors():
            rows = self._session.execute(
                select(OutboxRecord.payload, OutboxRecord.correlation_id)
                .where(OutboxRecord.published_at.is_(None))
                .order_by(OutboxRecord.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
        return [
            _event_from(payload, correlation_id) for payload, correlation_id in rows
        ]

    def mark_published(self, event_ids: Sequence[UUID], at: datetime) -> None:
        with storage_errors():
            self._session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.event_id.in_(event_ids))
                .values(published_at=at),
                execution_options={"synchronize_session": False},
            )

    def delete_published_before(self, cutoff: datetime, limit: int) -> int:
        oldest = (
            select(OutboxRecord.id)
            .where(OutboxRecord.published_at < cutoff)
            .order_by(OutboxRecord.published_at)
            .limit(limit)
        )
        with storage_errors():
            result = self._session.execute(
                delete(OutboxRecord).where(OutboxRecord.id.in_(oldest)),
                execution_options={"synchronize_session": False},
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def pending(self) -> PendingEvents:
        with storage_errors():
            count, oldest = self._session.execute(
                select(func.count(), func.min(OutboxRecord.created_at)).where(
                    OutboxRecord.published_at.is_(None)
                )
            ).one()
        return PendingEvents(
            count=count, oldest_stored_at=None if oldest is None else as_utc(oldest)
        )


def _event_from(payload: str, correlation_id: str | None) -> DomainEvent:
    return replace(event_from_dict(json.loads(payload)), correlation_id=correlation_id)
