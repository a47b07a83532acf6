"""An HTTP client for the service under test, and what its answers must hold."""

import time
from collections.abc import Iterable
from typing import Any

import requests

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


class ServiceClient:
    """Sends requests to the service's web server on its local port."""

    def __init__(self, connections: requests.Session, port: int) -> None:
        self._connections = connections
        self.port = port

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 5)
        url = f"http://127.0.0.1:{self.port}{path}"
        return self._connections.request(method, url, **kwargs)

    def register(self, document: object, **kwargs: Any) -> requests.Response:
        return self.request("POST", "/register", json=document, **kwargs)

    def wait_until_relayed(self, timeout: float = 5.0) -> None:
        """Return once `GET /outbox` shows no event waiting to be published."""
        deadline = time.monotonic() + timeout
        while self.request("GET", "/outbox").json()["pending"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"events still waiting after {timeout} s")
            time.sleep(0.02)

    def post_body(
        self,
        body: bytes | Iterable[bytes],
        content_type: str | None = "application/json",
    ) -> requests.Response:
        headers = {} if content_type is None else {"Content-Type": content_type}
        return self.request("POST", "/register", data=body, headers=headers)


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").partition(";")[0].strip()


def problem_in(response: requests.Response, status: int) -> dict[str, Any]:
    """The problem body of `response`, once it is shown to be a `status` problem."""
    assert response.status_code == status, response.text
    assert media_type(response) == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem.keys() >= PROBLEM_FIELDS, problem
    assert problem["status"] == status
    return problem
