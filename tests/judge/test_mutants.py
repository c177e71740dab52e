"""Every small wrong version of a solution fails a check, unless it is listed as a right
answer after all (``tests/mutants_equivalent.py``, with the reason).

Each exercise's mutants may be judged on any test worker.
"""

from __future__ import annotations

import pytest
from mutants import is_killed, mutants
from mutants_equivalent import EQUIVALENT

from checker.content.catalogue import EXERCISES


def assert_every_mutant_is_killed(exercise_id: str) -> None:
    generated = mutants(exercise_id)
    assert len(generated) >= 10, "too few mutants to say anything"
    labels = {mutant.label for mutant in generated}
    listed = {label for (owner, label) in EQUIVALENT if owner == exercise_id}
    assert listed <= labels, f"listed as equivalent but no longer generated: {listed - labels}"
    survivors, killed_but_listed = [], []
    for mutant in generated:
        killed = is_killed(mutant)
        if not killed and mutant.label not in listed:
            survivors.append(mutant.label)
        if killed and mutant.label in listed:
            killed_but_listed.append(mutant.label)
    assert not survivors, (
        f"mutants no check kills (add a check, or list why equivalent): {survivors}"
    )
    assert not killed_but_listed, (
        f"listed as equivalent, yet a check kills them: {killed_but_listed}"
    )


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_mutant_is_killed(exercise_id):
    assert_every_mutant_is_killed(exercise_id)
