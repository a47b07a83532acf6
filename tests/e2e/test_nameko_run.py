"""The services as `nameko run` starts them from config.yaml."""

import json
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from registration.infrastructure.schema import expected_migrations
from tests.e2e.conftest import NAMEKO, ROOT, SERVICES, RunningService
from tests.support.databases import throwaway_database
from tests.support.raw_queue import RawQueue
from tests.support.tcp_proxy import TcpProxy

RunService = Callable[..., RunningService]
CONFIG = ROOT / "config.yaml"


def test_a_registration_crosses_rabbitmq_in_its_published_form(
    run_service: RunService,
    rabbit_config: dict[str, str],
    registered_entries: RawQueue,
) -> None:
    service = run_service(rabbit_config["AMQP_URI"])

    response = requests.post(
        f"{service.url}/register", json={"email": "annabel@example.com"}, timeout=10
    )
    message = registered_entries.get()
    log = service.wait_for_log("welcome sent to a***@example.com")

    assert response.status_code == 201
    assert message.body == {
        "name": "RegisteredEntryEvent",
        "event_id": response.json()["event_id"],
        "email": "annabel@example.com",
        "entry_id": response.json()["id"],
        "timestamp": message.body["timestamp"],
    }
    assert "annabel" not in log


def test_the_startup_log_names_the_broker_without_its_password(
    run_service: RunService, rabbit_config: dict[str, str]
) -> None:
    service = run_service(rabbit_config["AMQP_URI"])

    log = service.wait_for_log("transport is RabbitMQ")

    assert "guest:**@localhost:5672" in log
    assert "guest:guest" not in log


def test_with_no_broker_both_services_share_the_in_process_transport(
    run_service: RunService,
) -> None:
    service = run_service("memory://localhost/")

    response = requests.post(
        f"{service.url}/register", json={"email": "ann@example.com"}, timeout=10
    )
    log = service.wait_for_log(f"for event {response.json()['event_id']}")

    assert response.status_code == 201
    assert "transport is the in-process memory:// broker" in log


def test_with_log_format_json_each_line_is_a_masked_json_object(
    run_service: RunService,
    rabbit_config: dict[str, str],
) -> None:
    service = run_service(rabbit_config["AMQP_URI"], LOG_FORMAT="json")

    response = requests.post(
        f"{service.url}/register",
        json={"email": "annabel@example.com"},
        headers={"X-Request-ID": "e2e-json-1"},
        timeout=10,
    )
    service.wait_for_log("welcome sent to a***@example.com")
    lines = [json.loads(line) for line in service.log().splitlines() if line[:1] == "{"]

    by_logger = {line["logger"]: line for line in lines}
    assert by_logger["registration.access"] == {
        **by_logger["registration.access"],
        "level": "INFO",
        "method": "POST",
        "route": "/register",
        "status": 201,
        "request_id": "e2e-json-1",
    }
    assert by_logger["registration.access"]["duration_ms"] > 0
    welcome = by_logger["welcome.infrastructure.notifier"]["message"]
    assert welcome.endswith(f"{response.json()['event_id']}, request e2e-json-1")
    assert any("guest:**@localhost" in line["message"] for line in lines)
    assert "annabel" not in service.log()
    assert "guest:guest" not in service.log()


def test_the_shell_recipe_registers_and_dispatches_when_piped(
    run_service: RunService,
    rabbit_config: dict[str, str],
    registered_entries: RawQueue,
) -> None:
    service = run_service(rabbit_config["AMQP_URI"])
    recipe = (ROOT / "examples" / "register_in_shell.py").read_bytes()

    shell = subprocess.run(
        [NAMEKO, "shell", "--config", "config.yaml"],
        cwd=ROOT,
        env=service.env,
        input=recipe,
        capture_output=True,
        timeout=60,
    )
    arrived = {
        message.body["email"]: message.body
        for message in (
            registered_entries.get(),
            registered_entries.get(),
        )
    }
    registered, dispatched = arrived["ann@example.com"], arrived["bob@example.com"]

    assert shell.returncode == 0, shell.stderr.decode()
    assert f"with event {registered['event_id']}" in shell.stdout.decode()
    assert f"dispatched {dispatched['event_id']}" in shell.stdout.decode()
    service.wait_for_log(f"for event {registered['event_id']}")
    service.wait_for_log(f"for event {dispatched['event_id']}")


def test_an_address_in_a_malformed_request_is_logged_only_masked(
    run_service: RunService,
) -> None:
    service = run_service("memory://localhost/")
    body = b'{"email": "secret.person@example.com"}'
    request = (
        b"POST /register HTTP/1.1\r\nHost: localhost\r\nGarbage line\r\n"
        b"Content-Type: application/json\r\n\r\n" + body
    )

    with socket.create_connection(("127.0.0.1", service.port), timeout=5) as sock:
        sock.sendall(request)
        sock.recv(65536)
    log = service.wait_for_log("s***@example.com")

    assert "secret.person" not in log


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy(("127.0.0.1", 5672)).start()
    yield proxy
    proxy.restore()


def test_events_pending_when_the_service_is_killed_are_published_after_restart(
    run_service: RunService,
    rabbit_config: dict[str, str],
    registered_entries: RawQueue,
    proxy: TcpProxy,
    tmp_path: Path,
) -> None:
    broker = urlsplit(rabbit_config["AMQP_URI"])
    through_proxy = urlunsplit(
        broker._replace(netloc=f"guest:guest@127.0.0.1:{proxy.port}")
    )
    database = tmp_path / "kept.db"
    killed = run_service(through_proxy, database)
    proxy.cut()
    responses = [
        requests.post(
            f"{killed.url}/register", json={"email": f"u{n}@example.com"}, timeout=10
        )
        for n in range(10)
    ]
    pending = requests.get(f"{killed.url}/outbox", timeout=10).json()["pending"]

    killed.kill()
    proxy.restore()
    restarted = run_service(through_proxy, database)
    published = [registered_entries.get(timeout=20).body for _ in responses]

    assert [response.status_code for response in responses] == [201] * 10
    assert pending == 10
    assert sorted(body["event_id"] for body in published) == sorted(
        response.json()["event_id"] for response in responses
    )
    assert registered_entries.is_empty()
    assert "outbox: 10 events pending" in restarted.log()


def start_to_failure(
    config: Path = CONFIG, /, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`nameko run` on the in-process broker with `settings`, which must end
    of itself."""
    env = {
        **os.environ,
        "AMQP_URI": "memory://localhost/",
        "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        **settings,
    }
    return subprocess.run(
        [NAMEKO, "run", "--config", str(config), *SERVICES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("setting", "fault"),
    [
        ({"AMQP_URI": ""}, "AMQP_URI is empty"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is empty"),
        ({"WEB_SERVER_ADDRESS": "localhost"}, "WEB_SERVER_ADDRESS is 'localhost'"),
        ({"WEB_SERVER_ADDRESS": "127.0.0.1:99999"}, "WEB_SERVER_ADDRESS is '127."),
        ({"OUTBOX_RELAY_INTERVAL": "abc"}, "OUTBOX_RELAY_INTERVAL is 'abc'"),
        ({"OUTBOX_RETENTION_HOURS": "abc"}, "OUTBOX_RETENTION_HOURS is 'abc'"),
    ],
)
def test_a_faulty_setting_stops_the_start_with_a_failure_that_names_it(
    setting: dict[str, str], fault: str
) -> None:
    run = start_to_failure(**setting)

    assert run.returncode != 0
    assert f"ERROR registration.entrypoints.container: configuration: {fault}" in (
        run.stderr
    )
    assert "Traceback" not in run.stderr


def test_a_quoted_placeholder_is_named_before_the_broker_url_is_read(
    tmp_path: Path,
) -> None:
    quoted = tmp_path / "config.yaml"
    quoted.write_text(
        CONFIG.read_text().replace(
            "AMQP_URI: ${AMQP_URI:amqp://guest:guest@localhost:5672/}",
            'AMQP_URI: "${AMQP_URI:amqp://guest:guest@localhost:5672/}"',
        )
    )

    run = start_to_failure(quoted)

    assert run.returncode != 0
    assert "configuration: AMQP_URI holds '${AMQP_URI:" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_without_migrations_stops_the_start_with_a_failure_that_says_so(
    kind: str, tmp_path: Path
) -> None:
    with throwaway_database(kind, tmp_path) as url:
        run = start_to_failure(DATABASE_URL=url)

    assert run.returncode != 0
    assert (
        "ERROR registration.entrypoints.startup: database schema: the database "
        f"has no migrations, the service needs {expected_migrations().head}: "
        "run `make migrate` (or `alembic upgrade head`)"
    ) in run.stderr
    assert "Traceback" not in run.stderr
