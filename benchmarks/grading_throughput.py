"""Exercise-gradings per second when grading a generated class, against the nbgrader way.

Builds a class of N learners (every exercise; a fixed-seed mix of right, known-wrong,
untouched and broken answers, and quiz answers), grades it with ``grade_class`` (every
answer judged by children behind the Linux boundary, hidden checks included), and prints
the wall time, gradings per second and peak memory. The baseline, measured in the same
run, executes each learner's exercise notebooks with nbclient, as nbgrader's autograder
does; it is run for a few learners and its rate compared per grading. Then the cost of the
boundary per check (starting and ending one child: forked without a boundary, forked from
the clean helper into namespaces, and bubblewrap with a fresh interpreter when ``bwrap``
is installed), the same class graded without the boundary (what the boundary costs on
this content), and where the time goes: the median grading time of each exercise.

    python benchmarks/grading_throughput.py [--learners 200] [--jobs N] [--baseline-learners 4]
                                            [--no-hostile] [--no-trusted]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "grading"))

from class_builder import learner_folder  # noqa: E402
from quiz_answers import RIGHT, wrong_answer  # noqa: E402
from test_hostile import attacks  # noqa: E402
from wrong_answers import WRONG_ANSWERS  # noqa: E402

from checker.content.catalogue import EXERCISES  # noqa: E402
from checker.course import load  # noqa: E402
from checker.grading.batch import default_jobs, grade_class  # noqa: E402
from checker.judge import sandbox  # noqa: E402

TARGET_RATE = 12
TARGET_RATIO = 25
SESSIONS = 40
HOSTILE_TIMEOUT = 10.0
MIX = (("right", 0.70), ("known wrong", 0.15), ("untouched", 0.10), ("syntax error", 0.05))


def choose_answer(exercise_id: str, rng: random.Random) -> tuple[str, str | None]:
    """A kind of answer drawn from the mix, and its source (None keeps the starter)."""
    kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
    exercise = EXERCISES[exercise_id]
    if kind == "right":
        return kind, exercise.solution
    if kind == "known wrong":
        wrong = [w.source for w in WRONG_ANSWERS if w.exercise_id == exercise_id]
        return kind, rng.choice(wrong)
    if kind == "syntax error":
        return kind, exercise.solution.replace("):\n", ")\n", 1)
    return kind, None


def build_class(submissions: Path, learners: int) -> Counter:
    rng = random.Random(20261121)
    kinds: Counter = Counter()
    for number in range(learners):
        answers = {}
        for exercise_id in EXERCISES:
            kind, source = choose_answer(exercise_id, rng)
            kinds[kind] += 1
            if source is not None:
                answers[exercise_id] = source
        quiz = {q: RIGHT[q] if rng.random() < 0.8 else wrong_answer(q) for q in RIGHT}
        learner_folder(submissions, f"learner-{number:04d}", answers, quiz)
    return kinds


def peak_memory_mb() -> tuple[float, float]:
    """Peak resident memory of this process, and of the largest process it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return own * scale / 2**20, children * scale / 2**20


def run_notebooks(learner: Path) -> float:
    """Execute every exercise notebook of a learner, as nbgrader's autograder would."""
    started = time.perf_counter()
    for path in sorted((learner / "exercises").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute(stderr=subprocess.DEVNULL)  # kernels' start-up warnings
    return time.perf_counter() - started


def baseline(submissions: Path, learners: int, jobs: int, scratch: Path) -> tuple[float, int]:
    """Wall time to run the notebooks of the first learners (on copies), ``jobs`` at once."""
    copies = []
    for source in sorted(submissions.iterdir())[:learners]:
        copy = scratch / source.name
        shutil.copytree(source, copy)
        copies.append(copy)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(run_notebooks, copies))
    return time.perf_counter() - started, len(copies) * len(EXERCISES)


def with_hostile_learners(submissions: Path, jobs: int, timeout: float) -> None:
    """Grade the class again with the hostile learners of the tests added, and show that
    the batch grows only by what their own grading costs: the time limits they hit."""
    hostile = submissions.parent / "with-hostile"
    shutil.copytree(submissions, hostile, symlinks=True)
    scratch = submissions.parent / "attacks"
    names = attacks(scratch / "notebook.ipynb", scratch / "out", scratch / "canary")
    for name, (answers, _) in names.items():
        learner_folder(hostile, f"hostile-{name}", answers)
    started = time.perf_counter()
    records = grade_class(load(), hostile, jobs=jobs, timeout=timeout, progress=False).learners
    wall = time.perf_counter() - started
    hit = sum(
        item.outcome == "timed out" for r in records if r.learner.startswith("hostile-")
        for item in r.items
    )  # fmt: skip
    print(
        f"with {len(names)} hostile learners added: wall {wall:7.1f} s; they hit {hit} time "
        f"limits of {timeout:g} s ({hit * timeout / jobs:.1f} s over {jobs} workers)"
    )


def where_the_time_goes(records: list[dict]) -> None:
    durations = defaultdict(list)
    outcomes = defaultdict(Counter)
    for learner in records:
        for item in learner.items:
            if item.kind == "exercise":
                durations[item.id].append(item.duration * 1000)
                outcomes[item.id][item.outcome] += 1
    print("\nwhere the time goes (median grading time per exercise, in one worker):")
    for exercise_id, values in durations.items():
        mix = ", ".join(f"{n} {outcome}" for outcome, n in outcomes[exercise_id].most_common())
        print(f"  {exercise_id:<26} {statistics.median(values):7.0f} ms   ({mix})")


def session_cost_ms(*, isolated: bool) -> float:
    """Median milliseconds to start a child, run one empty step in it and end it."""
    with contextlib.ExitStack() as stack:
        launcher = stack.enter_context(sandbox.Isolated([])) if isolated else sandbox.IN_PROCESS
        with sandbox.Session(launcher, timeout=30) as session:  # the helper's start not counted
            session.call("builtins:len", [])
        times = []
        for _ in range(SESSIONS):
            started = time.perf_counter()
            with sandbox.Session(launcher, timeout=30) as session:
                session.call("builtins:len", [])
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bubblewrap_cost_ms() -> float | None:
    """Median milliseconds for bubblewrap to start a fresh interpreter that imports the steps."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    command = [
        bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
        "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev",
        sys.executable, "-c", "import checker.judge.inside",
    ]  # fmt: skip
    times = []
    for _ in range(SESSIONS // 4):
        started = time.perf_counter()
        subprocess.run(command, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def boundary_costs() -> None:
    """What one check pays for its child, with and without the boundary."""
    plain = session_cost_ms(isolated=False)
    isolated = session_cost_ms(isolated=True)
    bubblewrap = bubblewrap_cost_ms()
    print(f"cost of a child per check (median of {SESSIONS}, start + one step + end):")
    print(f"  forked, no boundary (learners' own checks)   {plain:6.1f} ms")
    print(f"  clean helper fork into namespaces (grading)  {isolated:6.1f} ms")
    print(f"  boundary's own cost per check                {isolated - plain:6.1f} ms")
    if bubblewrap is None:
        print("  bubblewrap + fresh interpreter              (bwrap not installed)")
    else:
        print(f"  bubblewrap + fresh interpreter               {bubblewrap:6.1f} ms")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--baseline-learners", type=int, default=4)
    parser.add_argument(
        "--hostile", action=argparse.BooleanOptionalAction, default=True,
        help="also grade the class with the hostile learners of the tests added",
    )  # fmt: skip
    parser.add_argument(
        "--trusted", action=argparse.BooleanOptionalAction, default=True,
        help="also grade the class without the boundary, to measure what the boundary costs",
    )  # fmt: skip
    args = parser.parse_args()
    boundary_costs()  # first, while this process has a single thread, as a grading worker does

    with tempfile.TemporaryDirectory(prefix="grading-benchmark-") as folder:
        submissions = Path(folder) / "class"
        kinds = build_class(submissions, args.learners)
        gradings = args.learners * len(EXERCISES)
        mix = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        print(f"class: {args.learners} learners x {len(EXERCISES)} exercises = {gradings} gradings")
        print(f"  answers: {mix}; plus {len(RIGHT)} quiz questions each")

        started = time.perf_counter()
        records = grade_class(
            load(), submissions, jobs=args.jobs, timeout=HOSTILE_TIMEOUT, progress=False
        ).learners
        wall = time.perf_counter() - started
        rate = gradings / wall
        own, largest = peak_memory_mb()
        print(
            f"grader   (--jobs {args.jobs}, Linux boundary, hidden checks on): wall {wall:7.1f} s, "
            f"{rate:6.1f} gradings/s; peak memory {own:.0f} MB main, {largest:.0f} MB largest "
            "worker or child"
        )

        base_wall, base_gradings = baseline(
            submissions, args.baseline_learners, args.jobs, Path(folder) / "baseline"
        )
        base_rate = base_gradings / base_wall
        print(
            f"baseline (nbclient runs each learner's notebooks, {args.jobs} at once, "
            f"{args.baseline_learners} learners): wall {base_wall:7.1f} s, "
            f"{base_rate:6.2f} gradings/s (a class of {args.learners}: "
            f"~{gradings / base_rate / 60:.0f} min)"
        )
        ratio = rate / base_rate
        print(f"ratio: {ratio:.1f}x the baseline")
        if args.trusted:
            started = time.perf_counter()
            grade_class(
                load(), submissions, jobs=args.jobs, timeout=HOSTILE_TIMEOUT, progress=False,
                isolation=None, fresh=True,
            )  # fmt: skip
            trusted = time.perf_counter() - started
            print(
                f"the same class trusted (no boundary, children forked in the worker): wall "
                f"{trusted:7.1f} s, {gradings / trusted:6.1f} gradings/s; the boundary costs "
                f"{(wall / trusted - 1) * 100:+.0f} % of the wall time"
            )
        if args.hostile:
            with_hostile_learners(submissions, args.jobs, HOSTILE_TIMEOUT)
        for name, ok in (
            (f"at least {TARGET_RATE} gradings/s", rate >= TARGET_RATE),
            (f"at least {TARGET_RATIO}x the baseline", ratio >= TARGET_RATIO),
        ):
            print(f"target {name}: {'reached' if ok else 'NOT reached'}")
        where_the_time_goes(records)


if __name__ == "__main__":
    main()
