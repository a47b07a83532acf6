"""The request id: what a request, and all it causes, is known by in the logs."""

import re
from typing import Any
from uuid import uuid4

from nameko.extensions import DependencyProvider

from registration.infrastructure.nameko_event_publisher import (
    REQUEST_ID_CONTEXT_KEY as REQUEST_ID_CONTEXT_KEY,
)

REQUEST_ID_HEADER = "X-Request-ID"
MAX_REQUEST_ID_LENGTH = 128

# The characters of an HTTP token (RFC 9110): no space, quote, comma or @,
# so an id given by a client cannot break a log line or hide an address.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def request_id_from(given: object) -> str:
    """`given` if it is a usable request id, else a new one (32 hex digits).

    A usable id is an HTTP token of at most 128 characters. Anything else
    is replaced rather than refused: a bad id is no reason to fail a request.
    """
    if (
        isinstance(given, str)
        and len(given) <= MAX_REQUEST_ID_LENGTH
        and _TOKEN.fullmatch(given)
    ):
        return given
    return uuid4().hex


class RequestId(DependencyProvider):  # type: ignore[misc]
    """Gives a worker the id of the request it serves.

    That is the id in the worker's context data, which the web server puts
    there from the HTTP request and an RPC caller's Nameko passes on, once
    checked; or a new one. It is left in the context data, so Nameko passes
    it on to whatever the worker calls in turn.
    """

    def get_dependency(self, worker_ctx: Any) -> str:
        request_id = request_id_from(worker_ctx.data.get(REQUEST_ID_CONTEXT_KEY))
        worker_ctx.data[REQUEST_ID_CONTEXT_KEY] = request_id
        return request_id
