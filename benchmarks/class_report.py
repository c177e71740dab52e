"""How long the class report's matching answers take for a large class.

A synthetic class of learners hands in every exercise's solution with a line of their own
added (so every pair is nearly alike: the most work the comparison can have). The figure
is the median of several runs of ``similar_pairs``; the baseline, measured in the same run,
compares the same answers of one exercise pair by pair with ``difflib``'s ratio, the
obvious way to do it, scaled to every exercise.

    python benchmarks/class_report.py [--learners N] [--repeat N]
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import time
from itertools import combinations

from checker.content.catalogue import EXERCISES
from checker.grading.records import ExerciseRecord, LearnerRecord
from checker.grading.similarity import similar_pairs, tokens

TARGET_SECONDS = 10


def synthetic_class(size: int) -> list[LearnerRecord]:
    """Learners whose answers are the solutions with one line of their own each."""
    chance = random.Random(1)
    learners = []
    for number in range(size):
        items = []
        for exercise in EXERCISES.values():
            lines = exercise.solution.splitlines()
            lines.insert(chance.randrange(len(lines)), f"note_{number} = {chance.random()!r}")
            items.append(
                ExerciseRecord(
                    exercise.id, exercise.title, "passed", 1, 1, "", answer="\n".join(lines)
                )  # fmt: skip
            )
        learners.append(LearnerRecord(f"learner-{number}", items))
    return learners


def difflib_seconds(learners: list[LearnerRecord]) -> float:
    """Every pair of one exercise compared with difflib, times the number of exercises."""
    answers = [tokens(learner.items[0].answer) for learner in learners]
    started = time.perf_counter()
    for first, second in combinations(answers, 2):
        difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()
    return (time.perf_counter() - started) * len(learners[0].items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    learners = synthetic_class(arguments.learners)
    runs = []
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        pairs = similar_pairs(learners)
        runs.append(time.perf_counter() - started)
    median = statistics.median(runs)
    baseline = difflib_seconds(learners)
    print(f"{arguments.learners} learners, {len(learners[0].items)} exercises, {len(pairs)} pairs")
    runs_text = f"median {median:.2f} s of {arguments.repeat} runs"
    print(f"similar_pairs: {runs_text} (target < {TARGET_SECONDS} s)")
    print(f"baseline, difflib pair by pair: {baseline:.1f} s ({baseline / median:.1f}x slower)")


if __name__ == "__main__":
    main()
