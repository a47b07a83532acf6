"""The OpenAPI document of the service's HTTP routes, shipped in this package."""

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

DOCUMENT_FILE = "openapi.yaml"


@cache
def openapi_document() -> dict[str, Any]:
    """The document, read once; `GET /openapi.json` answers it as JSON."""
    text = files(__package__).joinpath(DOCUMENT_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document
