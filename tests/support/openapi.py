"""Reading an OpenAPI document's operations."""

from typing import Any

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def operations_in(document: dict[str, Any]) -> set[str]:
    """Each operation of `document` as `METHOD /path`."""
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
