"""Regrading a class after one learner resubmits, next to grading the whole class.

Builds a class of N learners (each with right answers to a fixed-seed third of the
exercises, the rest untouched, and quiz answers), grades it from scratch with
``python -m checker grade --fresh`` (the baseline), then measures, each several times:
a run where nothing changed; a run after one learner changed one answer; and
``--learner`` for that learner alone. Prints the median wall time of each, its ratio to
the full grading, and how many items each run judged.

    python benchmarks/incremental_regrade.py [--learners 200] [--jobs N] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from class_builder import learner_folder, notebook_for, with_answers  # noqa: E402
from quiz_answers import RIGHT  # noqa: E402
from wrong_answers import WRONG_ANSWERS  # noqa: E402

from checker.content.catalogue import EXERCISES  # noqa: E402
from checker.grading.batch import default_jobs  # noqa: E402

CHANGED = "03-add-password-hash"


def build_class(submissions: Path, learners: int) -> None:
    rng = random.Random(20261122)
    for number in range(learners):
        chosen = rng.sample(sorted(EXERCISES), k=len(EXERCISES) // 3)
        answers = {exercise_id: EXERCISES[exercise_id].solution for exercise_id in chosen}
        answers[CHANGED] = EXERCISES[CHANGED].solution
        learner_folder(submissions, f"learner-{number:04d}", answers, RIGHT)


def grade(submissions: Path, out: Path, jobs: int, *options: str) -> tuple[float, str]:
    """Wall time of one grading command, and its summary line."""
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "checker", "grade", str(submissions), "--out", str(out),
         f"--jobs={jobs}", *options],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return time.perf_counter() - started, run.stdout.splitlines()[0]


def resubmit(submissions: Path, learner: str, source: str) -> None:
    path = submissions / learner / "exercises" / notebook_for(CHANGED).name
    nbformat.write(with_answers(path, {CHANGED: source}), path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    wrong = next(w.source for w in WRONG_ANSWERS if w.exercise_id == CHANGED)
    with tempfile.TemporaryDirectory(prefix="regrade-benchmark-") as scratch:
        submissions, out = Path(scratch) / "class", Path(scratch) / "out"
        build_class(submissions, args.learners)
        print(f"class: {args.learners} learners, {len(EXERCISES)} exercises and the quizzes each")
        full, summary = grade(submissions, out, args.jobs, "--fresh")
        print(f"full grading (--fresh, baseline): {full:7.1f} s  [{summary}]")
        learner = "learner-0007"
        timings: dict[str, list[float]] = {"nothing changed": [], "one answer changed": [],
                                           f"--learner {learner}": []}  # fmt: skip
        summaries = {}
        for repeat in range(args.repeats):
            seconds, summaries["nothing changed"] = grade(submissions, out, args.jobs)
            timings["nothing changed"].append(seconds)
            resubmit(
                submissions, learner, wrong if repeat % 2 == 0 else EXERCISES[CHANGED].solution
            )
            seconds, summaries["one answer changed"] = grade(submissions, out, args.jobs)
            timings["one answer changed"].append(seconds)
            seconds, summaries[f"--learner {learner}"] = grade(
                submissions, out, args.jobs, "--learner", learner, "--fresh"
            )
            timings[f"--learner {learner}"].append(seconds)
        for name, seconds in timings.items():
            median = statistics.median(seconds)
            judged = summaries[name].split(": ", 1)[1].split(";")[0]
            print(
                f"{name:<28} median {median:6.1f} s over {len(seconds)} runs, "
                f"{full / median:6.1f}x faster than full ({judged})"
            )


if __name__ == "__main__":
    main()
