"""Nameko's HTTP entrypoint and web server, answering every error as a problem."""

import errno
import functools
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import eventlet
from eventlet import greenio, wsgi
from eventlet.event import Event
from eventlet.semaphore import Semaphore
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from rfc9457 import Problem
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from registration.entrypoints.observability import (
    REQUEST_ID,
    ROUTE,
    Metrics,
    ObservedWsgiApp,
)
from registration.entrypoints.problems import (
    EXPECTED_ERRORS,
    SHUTTING_DOWN,
    problem_for,
    problem_response,
)
from registration.entrypoints.request_body import (
    CLOSE_CONNECTION,
    CONFLICTING_LENGTHS,
    read_body,
    refuse_unframed_body,
)
from registration.entrypoints.request_id import REQUEST_ID_CONTEXT_KEY
from registration.entrypoints.shutdown import DRAIN_SECONDS, wait_until
from registration.infrastructure.configuration import (
    NUMBERS,
    web_server_address,
    whole_number_setting,
)

logger = logging.getLogger(__name__)

# How long a client may leave the connection silent: while it sends its
# request, and between requests on a kept-alive connection.
CLIENT_TIMEOUT_SECONDS = 10.0

# Each open connection holds a file descriptor for as long as its client
# keeps it, up to CLIENT_TIMEOUT_SECONDS when the client is silent. Half the
# usual limit of 1024 descriptors leaves the rest to the database pool, the
# broker connections, the listening socket and the files of the process.
MAX_CONNECTIONS_KEY = "WEB_MAX_CONNECTIONS"
DEFAULT_MAX_CONNECTIONS = int(NUMBERS[MAX_CONNECTIONS_KEY].default)

# accept() failures that say the process or the system is out of descriptors
# or memory for now: they pass as connections close, so the loop waits and
# tries again instead of ending.
EXHAUSTED_RESOURCES = frozenset(
    {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
)
ACCEPT_RETRY_SECONDS = 0.1


class BoundedProtocol(HttpOnlyProtocol):  # type: ignore[misc]
    """Eventlet's HTTP protocol, adapted so a client cannot hold the server.

    The app may close the connection after its answer: otherwise Eventlet
    reads and discards the rest of a refused body to reuse the connection.
    Conflicting Content-Length headers are flagged for the app to refuse,
    and the protocol's own error lines go to the log, not to stderr.
    """

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ[CLOSE_CONNECTION] = self._close_after_response
        if len(set(self.headers.get_all("Content-Length") or ())) > 1:
            environ[CONFLICTING_LENGTHS] = True
        if self.headers.get("Content-Type") is None:
            environ.pop("CONTENT_TYPE", None)
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        # What the client sent, such as a request line, is escaped: it may
        # hold control characters that would forge or garble log lines.
        logger.info(
            "HTTP from %s: %s", self.client_address[0], _printable(format % args)
        )

    def _close_after_response(self) -> None:
        self.close_connection = 1


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class ProblemWsgiApp(WsgiApp):  # type: ignore[misc]
    """Routes requests like Nameko's; reads the body before a worker is taken.

    A client that sends its body slowly then holds a green thread of the
    web server, not one of the service's workers.
    """

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if self.server.draining:
            environ[CLOSE_CONNECTION]()
            refusal = problem_response(SHUTTING_DOWN("The service is stopping."))
            return refusal(environ, start_response)

        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            refuse_unframed_body(environ)
            rule, values = adapter.match(return_rule=True)
            environ[ROUTE], provider = rule.rule, rule.endpoint
            request.path_values = values  # type: ignore[attr-defined]
            read_body(request)
            response = provider.handle_request(request)
        except HTTPException as error:
            response = problem_response(problem_for(error))
        if self.server.draining:
            environ[CLOSE_CONNECTION]()
        return response(environ, start_response)  # type: ignore[no-any-return]


class ProblemWebServer(WebServer):  # type: ignore[misc]
    """Nameko's web server with the app and protocol above, observed, which drains.

    When its entrypoints stop, it stops accepting connections and answers
    the requests it has begun, with `Connection: close`, for at most
    `DRAIN_SECONDS`. A request read after that began, on a kept-alive
    connection, is a 503 problem with `Connection: close`; connections
    waiting for a request, and any request still unanswered at the end,
    are then closed.

    It keeps at most `WEB_MAX_CONNECTIONS` connections open: at that many
    it accepts no more until one closes, so further clients wait in the
    kernel's listen backlog rather than take the process's descriptors.
    """

    metrics = Metrics()

    def __init__(self) -> None:
        super().__init__()
        self.draining = False
        self._drained = Event()
        # Eventlet's state of each open connection: [address, socket, state].
        self._connections: list[list[Any]] = []
        self._max_connections = DEFAULT_MAX_CONNECTIONS
        self._free_slots = Semaphore(DEFAULT_MAX_CONNECTIONS)
        self._full_log = _OncePer(seconds=60.0)
        self._exhausted_log = _OncePer(seconds=60.0)

    def setup(self) -> None:
        self._max_connections = whole_number_setting(
            self.container.config, MAX_CONNECTIONS_KEY
        )
        self._free_slots = Semaphore(self._max_connections)
        super().setup()

    def run(self) -> None:
        """Nameko's accept loop, bounded, and kept alive through a shortage
        of descriptors: the connections it holds free them as they close."""
        while self._is_accepting:
            self._take_slot()
            try:
                sock, address = self._sock.accept()
            except OSError as error:
                self._free_slots.release()
                if error.errno not in EXHAUSTED_RESOURCES:
                    raise
                if self._exhausted_log.due():
                    logger.error(
                        "HTTP: cannot accept connections, %d open: %s; "
                        "retrying every %.1f s",
                        len(self._connections),
                        error,
                        ACCEPT_RETRY_SECONDS,
                    )
                eventlet.sleep(ACCEPT_RETRY_SECONDS)
                continue
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(
                functools.partial(self.process_request, sock, address)
            )

    def _take_slot(self) -> None:
        if self._free_slots.locked() and self._full_log.due():
            logger.warning(
                "HTTP: %d connections open, as many as %s allows; "
                "new ones wait until one closes",
                self._max_connections,
                MAX_CONNECTIONS_KEY,
            )
        self._free_slots.acquire()

    def process_request(self, sock: Any, address: Any) -> None:
        connection = [address, sock, wsgi.STATE_IDLE]
        self._connections.append(connection)
        try:
            self._serv.process_request(connection)
        finally:
            self._connections.remove(connection)
            self._free_slots.release()

    def drain(self) -> None:
        """Answer what was taken and close every connection; once, however
        many entrypoints ask."""
        if self.draining:
            self._drained.wait()
            return
        self.draining = True
        if self._sock is not None:
            self._is_accepting = False
            self._gt.kill()
            self._sock.close()
        if not wait_until(self._answered_all, DRAIN_SECONDS):
            logger.warning("HTTP: unanswered after %.0f s; closing", DRAIN_SECONDS)
        for _, sock, _ in list(self._connections):
            greenio.shutdown_safe(sock)
        self._drained.send(True)

    def _answered_all(self) -> bool:
        return all(state != wsgi.STATE_REQUEST for _, _, state in self._connections)

    @property
    def bind_addr(self) -> Any:
        # Nameko's own ConfigurationError here would end `nameko run` with
        # status 0; this raises InvalidConfiguration, as the other checks do.
        return web_server_address(self.container.config)

    def get_wsgi_app(self) -> ObservedWsgiApp:
        return ObservedWsgiApp(ProblemWsgiApp(self), self.metrics.service_metrics)

    def context_data_from_headers(self, request: Request) -> dict[str, Any]:
        return {REQUEST_ID_CONTEXT_KEY: request.environ.get(REQUEST_ID)}

    def get_wsgi_server(self, sock: Any, wsgi_app: Any, **kwargs: Any) -> Any:
        return wsgi.Server(
            sock,
            sock.getsockname(),
            wsgi_app,
            protocol=BoundedProtocol,
            log=logging.getLogger("nameko.web.server"),
            # The access log is ObservedWsgiApp's, with the route and request id.
            log_output=False,
            socket_timeout=CLIENT_TIMEOUT_SECONDS,
        )


class _OncePer:
    """Says when a condition that may last for minutes is due to be logged
    again, so that it is one line a minute rather than one each turn."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._last: float | None = None

    def due(self) -> bool:
        now = time.monotonic()
        if self._last is not None and now - self._last < self._seconds:
            return False
        self._last = now
        return True


class ProblemHttpEntrypoint(HttpRequestHandler):  # type: ignore[misc]
    """Nameko's HTTP entrypoint, with a problem body in place of its error text."""

    server = ProblemWebServer()

    def stop(self) -> None:
        self.server.drain()
        super().stop()

    def response_from_exception(self, exc: Exception) -> Response:
        return problem_response(problem_for(exc))


Handler = Callable[..., Response]


def http(method: str, url: str) -> Callable[[Handler], Handler]:
    """Declare an HTTP route whose client errors are answered as problems.

    Errors the client caused, or must be told of, are answered inside the
    worker, so Nameko does not log them as failures of the service; any
    other error is logged with its traceback and answered as a bare 500.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def answer_problems(*args: Any, **kwargs: Any) -> Response:
            try:
                return handler(*args, **kwargs)
            except (Problem, HTTPException, *EXPECTED_ERRORS) as error:
                return problem_response(problem_for(error))

        return ProblemHttpEntrypoint.decorator(method, url)(answer_problems)  # type: ignore[no-any-return]

    return decorate
