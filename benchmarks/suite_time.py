"""Where the test suite's time goes: worker-seconds by kind of test, against the wall time.

Runs the suite as ``make test`` does (pytest with the project's options, its workers) with
``--durations=0``, or reads the output of such a run (``--log``), and adds up every test's
setup, call and teardown by kind: lessons re-run as "Restart Kernel and Run All", classes
graded through the ``grade`` command and the engines (``tests/grading``), mutation testing,
notebooks executed by nbval, and the rest. Worker-seconds summed over the workers exceed
the wall time; their ratio says how busy the workers were. The baseline, measured in the
same run, is one ``flask`` command in a lesson's workspace, next to a bare ``python``: most
of a lesson is such commands, each a process of its own.

    python benchmarks/suite_time.py [--log FILE] [--top N] [-- PYTEST_ARGS...]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from checker.lessons import workspace

ROOT = Path(__file__).resolve().parents[1]
DURATION = re.compile(r"^([0-9.]+)s (setup|call|teardown)\s+(\S.*)$")
KINDS = (
    ("lesson re-runs", lambda test: "test_rerun_lessons.py" in test),
    ("whole-class gradings", lambda test: test.startswith("tests/grading/")),
    ("mutants", lambda test: "test_mutants.py" in test),
    ("nbval notebooks", lambda test: ".ipynb::" in test),
    ("other", lambda test: True),
)


def kind_of(test: str) -> str:
    return next(name for name, matches in KINDS if matches(test))


def durations(lines: list[str]) -> list[tuple[float, str, str]]:
    """Every (seconds, phase, test) that ``--durations=0`` printed: setup, call and teardown
    apart."""
    found = []
    for line in lines:
        matched = DURATION.match(line.strip())
        if matched:
            found.append((float(matched.group(1)), matched.group(2), matched.group(3)))
    return found


def run_suite(pytest_args: list[str]) -> tuple[list[str], float]:
    """The output of one run of the suite, and its wall time."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0",
         *pytest_args],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the suite failed:\n{result.stdout[-3000:]}")
    return result.stdout.splitlines(), elapsed


def command_seconds(command: list[str], environment: dict[str, str], cwd: Path) -> float:
    """The median wall time of five runs of ``command``."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=environment, capture_output=True, check=True)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def flask_baseline() -> tuple[float, float]:
    """Median seconds of ``flask db current`` in a fresh workspace, and of a bare Python."""
    with tempfile.TemporaryDirectory() as scratch:
        space = workspace.reset(Path(scratch) / "workspace")
        environment = {**os.environ, **space.environ()}
        subprocess.run(["flask", "db", "init"], cwd=space.path, env=environment,
                       capture_output=True, check=True)  # fmt: skip
        flask = command_seconds(["flask", "db", "current"], environment, space.path)
        python = command_seconds([sys.executable, "-c", "pass"], environment, space.path)
    return flask, python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, help="read a finished run's output instead")
    parser.add_argument("--top", type=int, default=12, help="largest items to list")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args()
    if args.log:
        lines, wall = args.log.read_text().splitlines(), None
        summary = next((line for line in reversed(lines) if " passed" in line), "")
        if matched := re.search(r" in ([0-9.]+)s", summary):
            wall = float(matched.group(1))
    else:
        lines, wall = run_suite(args.pytest_args)
    found = durations(lines)
    if not found:
        raise SystemExit("no durations found: was the run made with --durations=0?")
    by_kind = Counter()
    for seconds, _, test in found:
        by_kind[kind_of(test)] += seconds
    total = sum(by_kind.values())
    if wall:
        print(f"wall time {wall:7.0f} s; worker-seconds {total:7.0f} ({total / wall:.2f} per s)")
    for name, _ in KINDS:
        print(f"  {name:<22} {by_kind[name]:7.0f} worker-s  ({by_kind[name] / total:5.1%})")
    print(f"largest {args.top}:")
    for seconds, phase, test in sorted(found, reverse=True)[: args.top]:
        print(f"  {seconds:6.1f} s  {phase:<8} {test}")
    flask, python = flask_baseline()
    print(
        f"baseline: `flask db current` in a workspace {flask:.2f} s (median of 5), a bare "
        f"Python {python:.2f} s: each lesson command costs {flask / python:.0f}x a bare start"
    )


if __name__ == "__main__":
    main()
