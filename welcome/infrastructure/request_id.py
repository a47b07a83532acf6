"""The id of the request that caused an event, as the consumer logs it."""

from typing import Any

from nameko.extensions import DependencyProvider

# The producer sends it in the `nameko.request_id` header; Nameko gives the
# consuming worker its `nameko.*` headers as context data, without the prefix.
REQUEST_ID_CONTEXT_KEY = "request_id"
REQUEST_ID_HEADER = f"nameko.{REQUEST_ID_CONTEXT_KEY}"
MAX_LENGTH = 128
UNKNOWN = "-"


def loggable_request_id(value: object) -> str:
    """`value` when it is a short id that cannot break a log line, else "-".

    It arrives from the broker, where any publisher may have set it.
    """
    if (
        isinstance(value, str)
        and 0 < len(value) <= MAX_LENGTH
        and value.isprintable()
        and not any(character.isspace() for character in value)
    ):
        return value
    return UNKNOWN


class RequestIdProvider(DependencyProvider):  # type: ignore[misc]
    """Gives a worker the request id its event came with, or "-"."""

    def get_dependency(self, worker_ctx: Any) -> str:
        return request_id_of(worker_ctx)


def request_id_of(worker_ctx: Any) -> str:
    return loggable_request_id(worker_ctx.data.get(REQUEST_ID_CONTEXT_KEY))
