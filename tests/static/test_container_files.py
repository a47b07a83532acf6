"""The Dockerfile and compose file agree with the code and config they ship."""

import importlib
import importlib.util
import inspect
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from registration.entrypoints.openapi import DOCUMENT_FILE

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
CONFIG_FILE = ROOT / "config.yaml"

APP_SERVICES = ("registration", "welcome")
ROOT_USERS = {"root", "0"}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """Each instruction of the Dockerfile as (keyword, arguments)."""
    logical_lines: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical_lines.append(pending + stripped)
        pending = ""

    instructions = []
    for logical_line in logical_lines:
        keyword, _, arguments = logical_line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_arguments(keyword: str) -> list[str]:
    """The arguments of every Dockerfile instruction with this keyword."""
    return [
        arguments
        for instruction, arguments in dockerfile_instructions()
        if instruction == keyword
    ]


def exec_form(arguments: str) -> list[str]:
    """The words of an instruction written as a JSON array."""
    words = json.loads(arguments)
    assert isinstance(words, list), f"not in exec form: {arguments}"
    return [str(word) for word in words]


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML file's top-level mapping."""
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    return document


def compose_services() -> dict[str, Any]:
    """The services of the compose file, by name."""
    services = load_yaml(COMPOSE_FILE)["services"]
    assert isinstance(services, dict)
    return services


def command_words(command: str | list[str]) -> list[str]:
    """A compose `command` as a list of words, in either of its forms."""
    if isinstance(command, str):
        return command.split()
    return [str(word) for word in command]


def service_modules() -> set[str]:
    """Every module the image's CMD and the compose commands give to Nameko."""
    modules = set(exec_form(dockerfile_arguments("CMD")[-1]))
    for service in APP_SERVICES:
        modules.update(command_words(compose_services()[service]["command"]))
    return modules


def defines_nameko_service(module_name: str) -> bool:
    """Whether the module has a class with a service name and an entrypoint."""
    if importlib.util.find_spec(module_name) is None:
        return False
    module = importlib.import_module(module_name)
    return any(
        cls.__module__ == module_name
        and isinstance(getattr(cls, "name", None), str)
        and any(
            getattr(member, "nameko_entrypoints", None) for member in vars(cls).values()
        )
        for _, cls in inspect.getmembers(module, inspect.isclass)
    )


def configured_default(key: str) -> str:
    """The default config.yaml gives `key` when the environment does not."""
    value = str(load_yaml(CONFIG_FILE)[key])
    default = re.fullmatch(rf"\$\{{{key}:(.+)\}}", value)
    assert default, f"{key} has no default: {value}"
    return default.group(1)


def configured_web_port() -> str:
    """The port in config.yaml's default WEB_SERVER_ADDRESS."""
    return configured_default("WEB_SERVER_ADDRESS").rpartition(":")[2]


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    assert hadolint.exists(), "hadolint is missing from the virtualenv"

    result = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_file_runs_the_broker_and_both_services() -> None:
    services = compose_services()

    assert set(services) >= {"rabbitmq", *APP_SERVICES}


def test_the_image_starts_nameko_with_the_shipped_config() -> None:
    entrypoint = exec_form(dockerfile_arguments("ENTRYPOINT")[-1])

    assert entrypoint == ["nameko", "run", "--config", "config.yaml"]


def test_every_module_the_containers_run_defines_a_nameko_service() -> None:
    modules = service_modules()

    without_service = sorted(
        module for module in modules if not defines_nameko_service(module)
    )

    assert {"registration.entrypoints.service", "welcome.entrypoints"} <= modules
    assert not without_service, f"no Nameko service in {without_service}"


def test_every_path_the_dockerfile_copies_exists() -> None:
    sources = []
    for arguments in dockerfile_arguments("COPY"):
        words = exec_form(arguments) if arguments.startswith("[") else arguments.split()
        assert not any(word.startswith("--from") for word in words)
        paths = [word for word in words if not word.startswith("--")]
        sources.extend(paths[:-1])

    missing = [source for source in sources if not (ROOT / source).exists()]

    assert sources
    assert not missing, f"the Dockerfile copies missing paths: {missing}"


def test_the_image_installs_the_openapi_document_with_the_package() -> None:
    """`pip install .` copies only the data files that package-data names."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
        "setuptools"
    ]

    shipped = setuptools["package-data"]["registration.entrypoints"]

    assert DOCUMENT_FILE in shipped
    assert (ROOT / "registration" / "entrypoints" / DOCUMENT_FILE).is_file()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_app_service_takes_the_broker_address_from_the_environment(
    service: str,
) -> None:
    environment = compose_services()[service]["environment"]

    assert str(environment["AMQP_URI"]).startswith("${AMQP_URI:-")


def test_the_image_runs_as_a_non_root_user() -> None:
    users = dockerfile_arguments("USER")

    assert users, "the Dockerfile never sets a USER"
    assert users[-1].partition(":")[0] not in ROOT_USERS


def test_the_image_is_built_on_slim_python_3_11() -> None:
    base_image = dockerfile_arguments("FROM")[-1].split()[0]

    assert re.fullmatch(
        r"python:3\.11(\.\d+)?-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", base_image
    ), base_image


def test_the_broker_reports_its_health() -> None:
    healthcheck = compose_services()["rabbitmq"]["healthcheck"]

    assert "rabbitmq-diagnostics" in command_words(healthcheck["test"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_app_service_waits_for_a_healthy_broker(service: str) -> None:
    depends_on = compose_services()[service]["depends_on"]

    assert depends_on["rabbitmq"]["condition"] == "service_healthy"


def test_the_published_port_is_the_exposed_and_configured_port() -> None:
    published = compose_services()["registration"]["ports"]
    exposed = dockerfile_arguments("EXPOSE")

    container_ports = {str(port).rpartition(":")[2] for port in published}
    exposed_ports = {
        port.partition("/")[0] for arguments in exposed for port in arguments.split()
    }

    assert container_ports == exposed_ports == {configured_web_port()}


def test_the_database_reports_its_health() -> None:
    healthcheck = compose_services()["postgres"]["healthcheck"]

    assert "pg_isready" in command_words(healthcheck["test"])


def test_the_migrations_run_in_the_image_before_the_service_starts() -> None:
    services = compose_services()
    migrate = services["migrate"]

    assert command_words(migrate["entrypoint"]) == ["alembic", "upgrade", "head"]
    assert (ROOT / "alembic.ini").exists()
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (
        services["registration"]["depends_on"]["migrate"]["condition"]
        == "service_completed_successfully"
    )


def test_the_service_and_its_migrations_use_one_database_from_the_environment() -> None:
    services = compose_services()
    urls = {
        services[name]["environment"]["DATABASE_URL"]
        for name in ("migrate", "registration")
    }

    assert len(urls) == 1
    assert urls.pop().startswith("${DATABASE_URL:-postgresql+pg8000://")


def test_the_service_reports_its_health_through_its_readiness_route() -> None:
    healthcheck = compose_services()["registration"]["healthcheck"]

    assert any("/health/ready" in word for word in command_words(healthcheck["test"]))


def test_the_service_may_open_twice_as_many_files_as_http_connections() -> None:
    """The connections may take half the descriptors; the database, the
    broker and the process need the rest."""
    service = compose_services()["registration"]
    environment = service["environment"]
    cap = int(
        environment.get("WEB_MAX_CONNECTIONS")
        or configured_default("WEB_MAX_CONNECTIONS")
    )

    open_files = service["ulimits"]["nofile"]

    assert open_files["soft"] <= open_files["hard"]
    assert open_files["soft"] >= 2 * cap
