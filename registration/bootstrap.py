"""Composition root: where the use cases meet the adapters that serve them."""

from collections.abc import Callable

from registration.application import OutboxRelay, RegistrationService, UnitOfWork
from registration.infrastructure.metrics import CountingEventPublisher, ServiceMetrics
from registration.infrastructure.nameko_event_publisher import (
    Dispatch,
    NamekoEventPublisher,
)


def build_registration_service(
    uow_factory: Callable[[], UnitOfWork],
) -> RegistrationService:
    return RegistrationService(uow_factory=uow_factory)


def build_outbox_relay(
    uow_factory: Callable[[], UnitOfWork], dispatch: Dispatch, metrics: ServiceMetrics
) -> OutboxRelay:
    return OutboxRelay(
        uow_factory=uow_factory,
        event_publisher=CountingEventPublisher(NamekoEventPublisher(dispatch), metrics),
    )
