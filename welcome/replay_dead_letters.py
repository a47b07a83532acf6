"""Send the welcome service's dead letters back to be handled again.

    python -m welcome.replay_dead_letters [--config config.yaml] [--limit N]

Run it once the cause of the failures is fixed. The broker is `AMQP_URI`
from the config file (which takes it from the environment). An event that
fails again goes through its retries and back to the dead-letter queue.
"""

import argparse
import logging
import sys
from pathlib import Path

import yaml
from nameko.cli.main import setup_yaml_parser

from welcome.messaging import broker_connection, replay_dead_letters

SERVICE_NAME = "welcome_service"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m welcome.replay_dead_letters", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--config", type=Path, default=Path("config.yaml"))
    parser.add_argument("--service", default=SERVICE_NAME)
    parser.add_argument("--limit", type=int, help="replay at most this many")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    setup_yaml_parser()
    with arguments.config.open() as config_file:
        config = yaml.safe_load(config_file)
    with broker_connection(config) as connection:
        replayed = replay_dead_letters(connection, arguments.service, arguments.limit)

    print(f"replayed {replayed} dead letter(s) of {arguments.service}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
