"""Composition root: where the use cases meet the adapters that serve them."""

from registration.application import RegistrationService
from registration.infrastructure.nameko_event_publisher import (
    Dispatch,
    NamekoEventPublisher,
)


def build_registration_service(dispatch: Dispatch) -> RegistrationService:
    return RegistrationService(event_publisher=NamekoEventPublisher(dispatch))
