"""RFC 9457 problem details: the one place errors become HTTP answers."""

import json
import logging
from dataclasses import dataclass

from rfc9457 import Problem
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from registration.application import (
    EntryNotFound,
    StorageUnavailable,
)
from registration.domain import EmailAlreadyRegistered, InvalidEmailAddress

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem this API answers with, documented in the README."""

    status: int
    slug: str
    title: str

    def __call__(self, detail: str, **headers: str) -> Problem:
        return Problem(
            self.title,
            type_=f"/problems/{self.slug}",
            detail=detail,
            status=self.status,
            headers=headers or None,
        )


INVALID_REQUEST_BODY = ProblemType(400, "invalid-request-body", "Invalid request body")
INVALID_EMAIL_ADDRESS = ProblemType(
    422, "invalid-email-address", "Invalid email address"
)
EMAIL_ALREADY_REGISTERED = ProblemType(
    409, "email-already-registered", "Email address already registered"
)
ENTRY_NOT_FOUND = ProblemType(404, "entry-not-found", "Entry not found")
DATABASE_UNAVAILABLE = ProblemType(503, "database-unavailable", "Database unavailable")
SHUTTING_DOWN = ProblemType(503, "shutting-down", "Service shutting down")

# Errors of the core that a client can cause or must be told about. Any
# other exception is a fault of the service: a 500 that reveals nothing.
EXPECTED_ERRORS = (
    InvalidEmailAddress,
    EmailAlreadyRegistered,
    EntryNotFound,
    StorageUnavailable,
)


def problem_for(error: Exception) -> Problem:
    """The problem a client is shown for `error`."""
    if isinstance(error, Problem):
        return error
    if isinstance(error, InvalidEmailAddress):
        return INVALID_EMAIL_ADDRESS(f"email: {error}")
    if isinstance(error, EmailAlreadyRegistered):
        return EMAIL_ALREADY_REGISTERED("email: this address is already registered.")
    if isinstance(error, EntryNotFound):
        return ENTRY_NOT_FOUND("No entry has this id.")
    if isinstance(error, StorageUnavailable):
        return DATABASE_UNAVAILABLE(
            "The database did not answer; nothing was changed. Try again later.",
            **{"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(error, HTTPException) and error.code is not None:
        return _plain_http_problem(error)
    return Problem(
        "Internal Server Error",
        type_="about:blank",
        detail="The service failed to handle the request. The failure is logged.",
        status=500,
    )


def problem_response(problem: Problem) -> Response:
    logger.info("answered %s %s: %s", problem.status, problem.type, problem.detail)
    return Response(
        json.dumps(problem.marshal()),
        status=problem.status,
        mimetype=PROBLEM_JSON,
        headers=dict(problem.headers or {}),
    )


def _plain_http_problem(error: HTTPException) -> Problem:
    # Werkzeug's own headers carry what the status needs, such as `Allow`
    # on a 405; its content type is replaced by the problem's.
    headers = {
        name: value
        for name, value in error.get_headers()
        if name.lower() != "content-type"
    }
    return Problem(
        error.name,
        type_="about:blank",
        detail=error.description,
        status=error.code or 500,
        headers=headers,
    )
