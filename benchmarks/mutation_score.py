"""The mutation score of each exercise's checks: how many small wrong versions of its
solution (``tests/mutants.py``) the checks kill, and how many only hidden checks kill.

    .venv/bin/python benchmarks/mutation_score.py [EXERCISE_ID ...]

Prints, per exercise: mutants generated, listed as equivalent, killed by a visible check,
killed only by a hidden check, surviving, and the score (killed / non-equivalent), and the
seconds it took, judged on two worker processes.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from mutants import Mutant, killed_by, mutants  # noqa: E402
from mutants_equivalent import EQUIVALENT  # noqa: E402

from checker.content.catalogue import EXERCISES  # noqa: E402


def judged(mutant: Mutant) -> tuple[str, str, str]:
    return mutant.exercise_id, mutant.label, killed_by(mutant)


def main() -> None:
    chosen = sys.argv[1:] or list(EXERCISES)
    generated = [m for exercise_id in chosen for m in mutants(exercise_id)]
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(judged, generated, chunksize=4))
    seconds = time.perf_counter() - started
    header = f"{'exercise':<26}{'mutants':>8}{'equiv.':>8}{'visible':>9}{'hidden':>8}{'alive':>7}"
    print(header + f"{'score':>8}")
    totals: Counter[str] = Counter()
    for exercise_id in chosen:
        mine = [r for r in results if r[0] == exercise_id]
        equivalent = sum((exercise_id, label) in EQUIVALENT for _, label, _ in mine)
        counts = Counter(
            killed or ("equivalent" if (exercise_id, label) in EQUIVALENT else "alive")
            for _, label, killed in mine
        )
        counted = len(mine) - equivalent
        score = (counts["visible"] + counts["hidden"]) / counted if counted else 1.0
        totals.update(counts | {"mutants": len(mine)})
        print(
            f"{exercise_id:<26}{len(mine):>8}{equivalent:>8}{counts['visible']:>9}"
            f"{counts['hidden']:>8}{counts['alive']:>7}{score:>8.1%}"
        )
    counted = totals["mutants"] - totals["equivalent"]
    killed = totals["visible"] + totals["hidden"]
    print(
        f"{'all':<26}{totals['mutants']:>8}{totals['equivalent']:>8}{totals['visible']:>9}"
        f"{totals['hidden']:>8}{totals['alive']:>7}{killed / counted:>8.1%}"
    )
    print(f"judged in {seconds:.1f} s on two processes ({len(generated) / seconds:.1f} mutants/s)")


if __name__ == "__main__":
    main()
