"""Schemathesis drives the running service through the document it serves."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import requests

from tests.e2e.conftest import RunningService
from tests.support.openapi import operations_in

RunService = Callable[..., RunningService]

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
FUZZING_CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_every_operation_answers_as_the_served_document_says(
    run_service: RunService, rabbit_config: dict[str, str], tmp_path: Path
) -> None:
    service = run_service(rabbit_config["AMQP_URI"])
    # Loaded from the service's URL, Schemathesis would leave out the operation
    # that serves the document; loaded from a copy, it tests that one too.
    served = requests.get(f"{service.url}/openapi.json", timeout=10)
    document = tmp_path / "openapi.json"
    document.write_bytes(served.content)
    report = tmp_path / "junit.xml"

    run = subprocess.run(
        [
            SCHEMATHESIS,
            "--config-file",
            str(FUZZING_CONFIG),
            "run",
            str(document),
            "--url",
            service.url,
            "--report-junit-path",
            str(report),
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert operations_tested(report) >= operations_in(served.json()), run.stdout


def operations_tested(junit_report: Path) -> set[str]:
    """The operations Schemathesis reports a test case for."""
    tree = ElementTree.parse(junit_report)  # noqa: S314 (written by the run above)
    return {case.attrib["name"] for case in tree.iter("testcase")}
