"""Where the bench finds the broker and the database, from the environment."""

import os
from pathlib import Path

from bench.targets import ROOT

AMQP_URI = os.environ.get("BENCH_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
RABBIT_MANAGEMENT_URL = os.environ.get(
    "BENCH_RABBIT_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672/"
)
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+pg8000://postgres@127.0.0.1:5432/test"
)
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "results"))
