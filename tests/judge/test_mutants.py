"""Every small wrong version of a solution fails a check, unless it is listed as a right
answer after all (``tests/mutants_equivalent.py``, with the reason).

The exercises are shared over classes of similar cost, so that test workers (pytest-xdist
groups a module's tests by class) judge them side by side.
"""

from __future__ import annotations

import pytest
from mutants import killed_by, mutants
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
        killed = killed_by(mutant)
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


HEAVY = ["04-rename-username", "06-rename-bio"]
POSTGRESQL = ["11-enum-column", "13-unique-email-online", "08-display-name"]
OTHERS = [e for e in EXERCISES if e not in HEAVY + POSTGRESQL]


def test_the_classes_cover_every_exercise():
    assert sorted(HEAVY + POSTGRESQL + OTHERS) == sorted(EXERCISES)


class TestRenames:
    @pytest.mark.parametrize("exercise_id", HEAVY)
    def test_every_mutant_is_killed(self, exercise_id):
        assert_every_mutant_is_killed(exercise_id)


class TestPostgresqlAndDataMigrations:
    @pytest.mark.parametrize("exercise_id", POSTGRESQL)
    def test_every_mutant_is_killed(self, exercise_id):
        assert_every_mutant_is_killed(exercise_id)


class TestTheOtherExercises:
    @pytest.mark.parametrize("exercise_id", OTHERS)
    def test_every_mutant_is_killed(self, exercise_id):
        assert_every_mutant_is_killed(exercise_id)
