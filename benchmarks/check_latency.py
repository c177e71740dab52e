"""Median latency of ``check()`` for each exercise, as a learner meets it in a notebook.

Each exercise's official solution is checked several times in one process (the first,
which starts the sandbox's fork server, is reported apart). The baseline, measured in the
same run, is what one check would cost before doing any work if it started a fresh Python
and imported SQLAlchemy and Alembic, the naive way to isolate learner code.

    python benchmarks/check_latency.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from checker.content.catalogue import EXERCISES

TARGET_MS = 500


def baseline_ms() -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import sqlalchemy, alembic.command, alembic.script"], check=True
    )
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed checks per exercise")
    args = parser.parse_args()

    baseline = statistics.median(baseline_ms() for _ in range(args.repeat))
    print(f"{'baseline: fresh python + imports':<34} median {baseline:6.0f} ms")
    for exercise in EXERCISES.values():
        first_started = time.perf_counter()
        report = exercise.judge(exercise.solution)
        first = (time.perf_counter() - first_started) * 1000
        if not report.passed:
            raise SystemExit(f"{exercise.id}: the solution did not pass: {report.message}")
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            exercise.judge(exercise.solution)
            runs.append((time.perf_counter() - started) * 1000)
        median = statistics.median(runs)
        verdict = "ok" if median < TARGET_MS else f"over the {TARGET_MS} ms target"
        print(
            f"{exercise.id:<34} median {median:6.0f} ms  ({median / baseline:4.2f}x baseline; "
            f"first {first:.0f} ms; {len(report.checks)} checks; {verdict})"
        )


if __name__ == "__main__":
    main()
