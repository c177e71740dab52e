"""Checks declare what they need, and one that could not do its work never passes."""

from __future__ import annotations

import pytest

from checker.content.catalogue import EXERCISES
from checker.judge.checks import Check, Checks, check
from checker.judge.kinds.migration import MigrationExercise
from checker.judge.outcomes import CheckFailed, Status

SCRIPT = EXERCISES["03-add-password-hash"]


def test_a_typo_in_needs_is_refused_when_the_exercise_is_defined():
    with pytest.raises(TypeError, match="needs 'histroy', which is no check"):

        class Misspelt(MigrationExercise):
            @check("own", needs="histroy")
            def own(self, trial):
                """a check of its own"""


def test_a_typo_in_after_is_refused_when_the_exercise_is_defined():
    with pytest.raises(TypeError, match="after 'upgrade-dat', which is no check"):

        class Misplaced(MigrationExercise):
            @check("own", after="upgrade-dat")
            def own(self, trial):
                """a check of its own"""


def test_upgrade_again_is_never_given_without_a_downgrade():
    """The other data is damaged, so other-data stops before its downgrade; upgrade-again
    must then run the downgrade itself, and this downgrade leaves the column behind."""
    source = SCRIPT.solution.replace(
        "def upgrade():\n",
        "def upgrade():\n    op.execute('DELETE FROM \"user\" WHERE id >= 100')\n",
    ).replace("        batch_op.drop_column('password_hash')\n", "        pass\n")
    report = SCRIPT.judge(source, hidden=True)
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["other-data"] is Status.FAILED
    assert statuses["upgrade-again"] is Status.FAILED


def test_data_checks_fail_when_the_step_they_judge_did_not_happen():
    from checker.judge.kinds.migration_trial import Database, MigrationTrial
    from checker.judge.outcomes import CheckFailed

    trial = MigrationTrial(None, None, "", "", "", None, {})
    with pytest.raises(CheckFailed, match="could not be judged"):
        trial.require(Database("sqlite:///x"), "downgraded", "the downgrade")
    trial.states["sqlite:///x"] = "downgraded"
    trial.require(Database("sqlite:///x"), "downgraded", "the downgrade")


def test_every_column_of_every_start_table_holds_the_awkward_values():
    """Seeded data a migration can damage: NULL where allowed, the empty string, spaces at
    both ends, quotes and non-ASCII text, the longest value; in every column."""
    for exercise in EXERCISES.values():
        if not hasattr(exercise, "start_layout"):
            continue
        metadata = exercise.metadata(exercise.start_layout)
        for rows in (exercise.seed_tables(exercise.visible_rows),):
            for table, seeded in rows.items():
                for column in metadata.tables[table].columns:
                    values = [row[column.name] for row in seeded]
                    if column.primary_key or column.foreign_keys:
                        continue
                    if column.nullable:
                        assert None in values, (exercise.id, table, column.name)
                    if hasattr(column.type, "length") and not hasattr(column.type, "enums"):
                        texts = [v for v in values if isinstance(v, str)]
                        assert "" in texts, (exercise.id, column.name, "empty")
                        assert any(v != v.strip() for v in texts), (exercise.id, column.name)
                        assert any("'" in v or '"' in v for v in texts), (exercise.id, column.name)
                        assert any(not v.isascii() for v in texts), (exercise.id, column.name)
                        longest = column.type.length
                        assert longest is None or any(len(v) == longest for v in texts), (
                            exercise.id,
                            column.name,
                            "longest",
                        )


def test_slow_checks_run_last_only_when_judging_until_the_first_failure():
    declared = [
        Check("first", "first"),
        Check("slow", "slow", slow=True),
        Check("needs-slow", "needs slow", needs="slow"),
        Check("fails", "fails"),
    ]

    def verify(check: Check) -> None:
        ran.append(check.name)
        if check.name == "fails":
            raise CheckFailed("wrong")

    ran: list[str] = []
    Checks().run_all(declared, verify)
    assert ran == ["first", "slow", "needs-slow", "fails"]
    ran = []
    Checks().run_all(declared, verify, until_failure=True)
    assert ran == ["first", "fails"]
    ran = []
    Checks().run_all([c for c in declared if c.name != "fails"], verify, until_failure=True)
    assert ran == ["first", "slow", "needs-slow"]


def test_the_live_traffic_checks_are_the_slow_ones():
    slow = {c.name for e in EXERCISES.values() for c in e.checks() if c.slow}
    assert slow == {
        "gives-way-when-blocked",
        "sign-ups-go-on",
        "runs-again-without-blocking",
        "inserts-go-on",
        "copies-past-a-held-user",
    }
