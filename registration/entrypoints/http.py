"""Nameko's HTTP entrypoint, answering every error with a problem body."""

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from rfc9457 import Problem
from werkzeug.exceptions import (
    HTTPException,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from werkzeug.wrappers import Request, Response

from registration.entrypoints.problems import (
    EXPECTED_ERRORS,
    INVALID_REQUEST_BODY,
    problem_for,
    problem_response,
)

MAX_BODY_BYTES = 16 * 1024


# The environ key under which the protocol offers to close the connection.
CLOSE_CONNECTION = "registration.close_connection"


class ClosingProtocol(HttpOnlyProtocol):  # type: ignore[misc]
    """Eventlet's HTTP protocol, letting the app close a connection.

    After a response Eventlet reads and discards whatever is left of the
    request body, to reuse the connection. For a body refused as too large
    that would read the very bytes the refusal was meant to spare.
    """

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ[CLOSE_CONNECTION] = self._close_after_response
        return environ

    def _close_after_response(self) -> None:
        self.close_connection = 1


class ProblemWsgiApp(WsgiApp):  # type: ignore[misc]
    """Routes requests like Nameko's, but answers 404 and 405 with problems."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values  # type: ignore[attr-defined]
            response = provider.handle_request(request)
        except HTTPException as error:
            response = problem_response(problem_for(error))
        if response.status_code == RequestEntityTooLarge.code:
            environ[CLOSE_CONNECTION]()
        return response(environ, start_response)  # type: ignore[no-any-return]


class ProblemWebServer(WebServer):  # type: ignore[misc]
    """Nameko's web server with the app and protocol above."""

    def get_wsgi_app(self) -> ProblemWsgiApp:
        return ProblemWsgiApp(self)

    def get_wsgi_server(self, sock: Any, wsgi_app: Any, **kwargs: Any) -> Any:
        return super().get_wsgi_server(sock, wsgi_app, protocol=ClosingProtocol)


class ProblemHttpEntrypoint(HttpRequestHandler):  # type: ignore[misc]
    """Nameko's HTTP entrypoint, with a problem body in place of its error text."""

    server = ProblemWebServer()

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


def read_json_object(request: Request, fields: frozenset[str]) -> dict[str, Any]:
    """The request's JSON object body, holding no field but `fields`.

    The body is refused unread when its `Content-Length` is over the limit,
    and a body without one is read no further than the limit.
    """
    if request.mimetype != "application/json":
        raise _unsupported_media_type(request.mimetype)

    document = _parse_json(_read_body(request))

    if not isinstance(document, dict):
        raise INVALID_REQUEST_BODY(
            f"The body must be a JSON object, not {_json_type(document)}."
        )
    unknown = sorted(set(document) - fields)
    if unknown:
        raise INVALID_REQUEST_BODY(f"Unknown fields: {', '.join(unknown)}.")
    return document


def _read_body(request: Request) -> bytes:
    too_large = RequestEntityTooLarge(
        f"The body must be at most {MAX_BODY_BYTES} bytes."
    )
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise too_large
    chunked = request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if length is None and not chunked:
        return b""

    # Eventlet's input stream ends at Content-Length or at the last chunk,
    # so one read past the limit tells an oversized body without reading it.
    body: bytes = request.environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise too_large
    return body


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise INVALID_REQUEST_BODY("The body is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise INVALID_REQUEST_BODY(
            f"The body is not valid JSON: {error.msg} "
            f"at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise INVALID_REQUEST_BODY(
            "The body nests arrays or objects too deeply."
        ) from None
    except ValueError:
        raise INVALID_REQUEST_BODY(
            "The body holds a value too large to read, such as a number "
            "of thousands of digits."
        ) from None


def require_string(document: dict[str, Any], field: str) -> str:
    if field not in document:
        raise INVALID_REQUEST_BODY(f"The field '{field}' is missing.")
    value = document[field]
    if not isinstance(value, str):
        raise INVALID_REQUEST_BODY(
            f"The field '{field}' must be a string, not {_json_type(value)}."
        )
    return value


def _unsupported_media_type(mimetype: str) -> HTTPException:
    shown = mimetype or "none"
    return UnsupportedMediaType(
        f"The body must be application/json; the request's content type is {shown}."
    )


_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)
