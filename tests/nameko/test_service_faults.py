from unittest.mock import MagicMock

from kombu.exceptions import OperationalError

from tests.nameko.http_client import ServiceClient, media_type, problem_in

REVEALING_WORDS = ("secret", "Traceback", "RuntimeError", "OperationalError")


def test_an_unexpected_error_is_a_500_that_reveals_nothing(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    dispatch.side_effect = RuntimeError("secret internal text")

    response = client.register({"email": "ann@example.com"})

    assert response.status_code == 500
    assert media_type(response) == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 500
    assert problem["title"] == "Internal Server Error"
    for word in REVEALING_WORDS:
        assert word not in response.text


def test_a_broker_that_cannot_take_the_event_is_a_503_to_retry_later(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    dispatch.side_effect = OperationalError(
        "secret broker text: [Errno 111] Connection refused"
    )

    response = client.register({"email": "ann@example.com"})

    problem = problem_in(response, 503)
    assert problem["type"] == "/problems/broker-unavailable"
    assert int(response.headers["Retry-After"]) > 0
    for word in (*REVEALING_WORDS, "Connection refused", "Errno"):
        assert word not in response.text
