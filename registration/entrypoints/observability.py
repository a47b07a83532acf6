"""What operators see of the service: its metrics and a log line per request."""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from nameko.extensions import DependencyProvider, SharedExtension

from registration.entrypoints.request_id import REQUEST_ID_HEADER, request_id_from
from registration.infrastructure.metrics import UNMATCHED_ROUTE, ServiceMetrics

access_log = logging.getLogger("registration.access")

# Keys the web server puts in the WSGI environ: the request id, and the
# template of the route that took the request (as `/entries/<entry_id>`).
REQUEST_ID = "registration.request_id"
ROUTE = "registration.route"

_REQUEST_ID_ENVIRON = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


class Metrics(SharedExtension):  # type: ignore[misc]
    """The service's metrics, one set per container, shared by its extensions."""

    def setup(self) -> None:
        self.service_metrics = ServiceMetrics()


class MetricsProvider(DependencyProvider):  # type: ignore[misc]
    """Gives a worker the container's metrics."""

    metrics = Metrics()

    def get_dependency(self, worker_ctx: Any) -> ServiceMetrics:
        return self.metrics.service_metrics


class ObservedWsgiApp:
    """Wraps the service's WSGI app: each request gets a request id, echoed in
    the `X-Request-ID` header of its answer, is counted and timed by route,
    and is logged in one line.

    The id is the client's `X-Request-ID` when that is a short token, or a
    new one. It costs no call to the database or the broker.
    """

    def __init__(self, app: WsgiApp, metrics: ServiceMetrics) -> None:
        self._app = app
        self._metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = environ[REQUEST_ID] = request_id_from(
            environ.get(_REQUEST_ID_ENVIRON)
        )
        status = 500

        def start_with_request_id(
            status_line: str, headers: list[tuple[str, str]], *exc_info: Any
        ) -> Any:
            nonlocal status
            status = int(status_line[:3])
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(status_line, headers, *exc_info)

        try:
            return self._app(environ, start_with_request_id)
        finally:
            self._observe(environ, status, time.perf_counter() - started)

    def _observe(self, environ: dict[str, Any], status: int, seconds: float) -> None:
        route = environ.get(ROUTE, UNMATCHED_ROUTE)
        self._metrics.observe_request(route, status, seconds)
        access_log.info(
            "%s %s %d %.1f ms request %s",
            environ.get("REQUEST_METHOD", "-"),
            route,
            status,
            seconds * 1000,
            environ[REQUEST_ID],
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "request_id": environ[REQUEST_ID],
            },
        )
