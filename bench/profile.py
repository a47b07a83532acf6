"""`make bench-profile`: where the service on PostgreSQL spends its time under load.

py-spy samples the `nameko run` process for ten seconds while wrk drives it
from 32 clients, without pausing it (--nonblocking). The raw stacks are kept
under results/, and the frames that hold the most samples are printed: by
their own time, and by the time spent in them and what they call.
"""

import argparse
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench import settings
from bench.broker import throwaway_vhost
from bench.load import run_wrk
from bench.measure import warm_up
from bench.targets import POSTGRES, postgres_service

PY_SPY = Path(sys.executable).with_name("py-spy")
LEAD_IN_SECONDS = 2.0


def main() -> None:
    arguments = _arguments()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stacks_path = settings.RESULTS / f"profile-{stamp}.txt"
    stacks_path.parent.mkdir(parents=True, exist_ok=True)
    log_path = settings.RESULTS / "logs" / f"profile-{stamp}.log"

    with (
        throwaway_vhost(settings.AMQP_URI, settings.RABBIT_MANAGEMENT_URL) as amqp,
        postgres_service(amqp, settings.POSTGRES_URL, log_path) as service,
    ):
        warm_up(service, POSTGRES)
        load = threading.Thread(
            target=run_wrk,
            args=(
                service.url,
                arguments.clients,
                arguments.seconds + 2 * LEAD_IN_SECONDS,
                "profile",
            ),
        )
        load.start()
        time.sleep(LEAD_IN_SECONDS)
        subprocess.run(
            [
                str(PY_SPY),
                "record",
                "--nonblocking",
                f"--duration={arguments.seconds:g}",
                "--format=raw",
                f"--output={stacks_path}",
                f"--pid={service.pid}",
                *(["--gil"] if arguments.gil else []),
            ],
            check=True,
            timeout=arguments.seconds + 30,
        )
        load.join()

    print(top_frames(stacks_path.read_text(), arguments.top))
    print(f"\nraw stacks: {stacks_path}")


def top_frames(collapsed: str, top: int) -> str:
    """The frames with most samples in py-spy's collapsed stacks, as a table."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        frames = stack.split(";")
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples

    lines = [f"{total} samples", "", "own time (the frame itself running):"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines += ["", "inclusive time (the frame and what it calls):"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    return "\n".join(lines)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--gil",
        action="store_true",
        help="sample only while the process holds the GIL: its own CPU work, "
        "not its waits in system calls nor the time another process had the core",
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
