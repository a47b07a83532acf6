"""Reading and checking a JSON request body, within bounds."""

import json
from typing import Any

from eventlet.wsgi import ChunkReadError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
)
from werkzeug.wrappers import Request

from registration.entrypoints.problems import INVALID_REQUEST_BODY

MAX_BODY_BYTES = 16 * 1024

# Keys the web server puts in the WSGI environ for this module.
BODY = "registration.body"
CLOSE_CONNECTION = "registration.close_connection"
CONFLICTING_LENGTHS = "registration.conflicting_content_lengths"


def read_body(request: Request) -> bytes:
    """The request body, read once and kept in the environ.

    A body over the limit is refused from its `Content-Length` before it is
    read, and a chunked one is read no further than the limit. Whenever the
    body is refused the connection is closed after the answer, so nothing
    more of it is read.
    """
    environ = request.environ
    if BODY not in environ:
        try:
            environ[BODY] = _read_within_bounds(request)
        except HTTPException:
            environ.get(CLOSE_CONNECTION, _keep_connection)()
            raise
    body: bytes = environ[BODY]
    return body


def refuse_unframed_body(environ: dict[str, Any]) -> None:
    """Refuse a request whose body the server cannot delimit, closing the
    connection, whatever its route.

    Eventlet reads a body by its `Content-Length` or as chunked. Under any
    other transfer coding it would take the body to be empty and read its
    bytes as the next request on the connection.
    """
    coding = environ.get("HTTP_TRANSFER_ENCODING")
    # Eventlet's own test, to the character: any value it would not read as
    # chunked, such as one with a form feed after it, is refused.
    if coding is not None and coding.lower() != "chunked":
        environ.get(CLOSE_CONNECTION, _keep_connection)()
        raise BadRequest(
            f"The body's length cannot be told under Transfer-Encoding "
            f"{coding!r}: send it with Content-Length, or chunked alone."
        )


def read_json_object(request: Request, fields: frozenset[str]) -> dict[str, Any]:
    """The request's JSON object body, holding no field but `fields`."""
    if request.mimetype != "application/json":
        raise _unsupported_media_type(request.mimetype)
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType(f"The body must be UTF-8, not {charset}.")

    document = _parse_json(read_body(request))

    if not isinstance(document, dict):
        raise INVALID_REQUEST_BODY(
            f"The body must be a JSON object, not {_json_type(document)}."
        )
    unknown = sorted(set(document) - fields)
    if unknown:
        raise INVALID_REQUEST_BODY(f"Unknown fields: {', '.join(unknown)}.")
    return document


def require_string(document: dict[str, Any], field: str) -> str:
    if field not in document:
        raise INVALID_REQUEST_BODY(f"The field '{field}' is missing.")
    value = document[field]
    if not isinstance(value, str):
        raise INVALID_REQUEST_BODY(
            f"The field '{field}' must be a string, not {_json_type(value)}."
        )
    return value


def _read_within_bounds(request: Request) -> bytes:
    if request.environ.get(CONFLICTING_LENGTHS):
        raise BadRequest("The request has Content-Length headers that disagree.")
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise _too_large()
    chunked = request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if length is None and not chunked:
        return b""

    # Eventlet's input stream ends at Content-Length or at the last chunk,
    # so one read past the limit tells an oversized body without reading it.
    try:
        body: bytes = request.environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
    except TimeoutError:
        raise RequestTimeout("The body did not arrive in time.") from None
    except ChunkReadError:
        raise BadRequest("The chunked body is malformed.") from None
    if len(body) > MAX_BODY_BYTES:
        raise _too_large()
    if length is not None and len(body) < length:
        raise BadRequest(
            f"The body ended after {len(body)} of the {length} bytes "
            "its Content-Length declares."
        )
    return body


def _too_large() -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"The body must be at most {MAX_BODY_BYTES} bytes.")


def _keep_connection() -> None:
    """Stands in for the server's closing hook where there is none."""


class _DuplicateField(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateField(key)
        document[key] = value
    return document


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"), object_pairs_hook=_refuse_duplicates)
    except UnicodeDecodeError:
        raise INVALID_REQUEST_BODY("The body is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise INVALID_REQUEST_BODY(
            f"The body is not valid JSON: {error.msg} "
            f"at line {error.lineno}, column {error.colno}."
        ) from None
    except _DuplicateField as error:
        raise INVALID_REQUEST_BODY(
            f"The field '{error}' appears more than once."
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


def _unsupported_media_type(mimetype: str) -> HTTPException:
    shown = mimetype or "missing"
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
