from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from uuid import UUID, uuid4

from registration.domain.email_address import EmailAddress


def _now() -> datetime:
    return datetime.now(UTC)


# Every kind of event by its name, so a stored payload can be read back.
_EVENT_TYPES: dict[str, type["DomainEvent"]] = {}


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened in the domain, told to the rest of the system.

    Every event gets its own id and timestamp when it is made. `as_dict` is
    the wire payload: JSON primitives only, so its form does not depend on
    the serialiser of whatever carries it.

    `correlation_id` names what caused the event, such as the request that
    registered the entry, so that its effects can be traced across services.
    It is metadata that travels beside the payload, never in it.
    """

    name: ClassVar[str]
    event_id: UUID = field(default_factory=uuid4)
    timestamp: datetime = field(default_factory=_now)
    correlation_id: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__
        _EVENT_TYPES[cls.name] = cls

    def __post_init__(self) -> None:
        if self.timestamp.utcoffset() is None:
            raise ValueError("an event timestamp must be timezone-aware")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "event_id": str(self.event_id),
            "timestamp": self.timestamp.astimezone(UTC).isoformat(),
        }

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Self:
        """The event that `payload`, made by `as_dict`, describes."""
        return cls(**cls._common_fields(payload))

    @classmethod
    def _common_fields(cls, payload: dict[str, Any]) -> dict[str, Any]:
        if payload.get("name") != cls.name:
            raise ValueError(f"payload is not a {cls.name}: {payload.get('name')!r}")
        return {
            "event_id": UUID(payload["event_id"]),
            "timestamp": datetime.fromisoformat(payload["timestamp"]),
        }


@dataclass(frozen=True)
class RegisteredEntryEvent(DomainEvent):
    """An email address was registered as the entry `entry_id`."""

    email: EmailAddress
    entry_id: UUID

    def as_dict(self) -> dict[str, Any]:
        return {
            **super().as_dict(),
            "email": self.email.value,
            "entry_id": str(self.entry_id),
        }

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Self:
        return cls(
            email=EmailAddress(payload["email"]),
            entry_id=UUID(payload["entry_id"]),
            **cls._common_fields(payload),
        )


def event_from_dict(payload: dict[str, Any]) -> DomainEvent:
    """The event an `as_dict` payload describes, of the kind its name gives."""
    event_type = _EVENT_TYPES.get(payload.get("name", ""))
    if event_type is None:
        raise ValueError(f"no kind of event is named {payload.get('name')!r}")
    return event_type.from_dict(payload)
