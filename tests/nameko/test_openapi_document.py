"""The OpenAPI document: valid, served, and in step with the service's routes."""

import re
from typing import Any

from nameko.containers import ServiceContainer
from nameko.web.handlers import HttpRequestHandler
from openapi_spec_validator import validate

from registration.entrypoints.openapi import DOCUMENT_FILE, openapi_document
from registration.entrypoints.service import RegistrationNamekoService
from tests.nameko.http_client import ServiceClient, media_type
from tests.support.openapi import operations_in

# Werkzeug's `<converter:name>` or `<name>` in a route, OpenAPI's `{name}`.
ROUTE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def routes_the_service_answers(config: dict[str, object]) -> set[str]:
    """`METHOD /path` of each `@http` entrypoint bound to the service's container."""
    container = ServiceContainer(RegistrationNamekoService, config)
    return {
        f"{method.strip().upper()} {openapi_path(entrypoint.url)}"
        for entrypoint in container.entrypoints
        if isinstance(entrypoint, HttpRequestHandler)
        for method in entrypoint.method.split(",")
    }


def openapi_path(url: str) -> str:
    return ROUTE_VARIABLE.sub(r"{\1}", url)


def test_the_document_is_valid_openapi_3_1() -> None:
    document = openapi_document()

    validate(document)

    assert document["openapi"].startswith("3.1.")


def test_the_document_describes_exactly_the_routes_the_service_answers(
    service_config: dict[str, object],
) -> None:
    answered = routes_the_service_answers(service_config)
    described = operations_in(openapi_document())

    assert answered - described == set(), (
        f"routes the service answers but registration/entrypoints/{DOCUMENT_FILE} "
        "does not describe: add each, with its responses, to the document"
    )
    assert described - answered == set(), (
        f"operations registration/entrypoints/{DOCUMENT_FILE} describes but the "
        "service does not answer: remove them from the document"
    )


def test_the_service_serves_its_document_as_json(
    registration_container: Any, client: ServiceClient
) -> None:
    registration_container.start()

    response = client.request("GET", "/openapi.json")

    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert response.json() == openapi_document()


def test_the_document_asks_for_an_address_the_service_can_register() -> None:
    schemas = openapi_document()["components"]["schemas"]

    email = schemas["RegistrationRequest"]["properties"]["email"]

    assert email["format"] == "email"
    assert email["maxLength"] == 254


def test_every_error_the_document_names_is_a_problem_but_readiness() -> None:
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                content = resolved(response).get("content", {})
                if int(status) < 400 or (path, status) == ("/health/ready", "503"):
                    continue

                assert list(content) == ["application/problem+json"], (
                    f"{method.upper()} {path} {status}"
                )


def resolved(response: dict[str, Any]) -> dict[str, Any]:
    """A response object, or the one its `$ref` names in `components`."""
    reference = response.get("$ref")
    if reference is None:
        return response
    name = reference.removeprefix("#/components/responses/")
    found: dict[str, Any] = openapi_document()["components"]["responses"][name]
    return found
