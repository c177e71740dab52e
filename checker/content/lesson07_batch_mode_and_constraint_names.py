"""Lesson 07, SQLite batch mode and constraint names: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.checks import check
from ..judge.kinds.migration import MigrationTrial
from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "SQLite batch mode and constraint names"


class DropUnnamedConstraint(MigrationExercise):
    """Drop a unique constraint that has no name, in batch mode."""

    id = "07-unnamed-constraint"
    title = "Drop a constraint that has no name"
    base_revisions = ("0a7b9c1d2e34_create_user_table.py",)
    start_layout = "user(username unique by any name)"
    target_layout = "user(email not unique)"
    task = """\
**Start:** one legacy migration, `0a7b9c1d2e34`, created the `user` table (`id`, `username`,
`email`) **before the app had a naming convention**: its unique constraints on `username` and on
`email` have no names in the database. The table holds users.

**Write** the next migration, revision `d5b8f0c3e6a7`, for today's app, whose metadata has the
naming convention `uq_%(table_name)s_%(column_0_name)s` for unique constraints:
- `upgrade()` removes the unique constraint on `email` (two users may now share an address); the
  one on `username` stays, and ends up named `uq_user_username`, as the convention names it;
- `downgrade()` puts a unique constraint on `email` back, named `uq_user_email` as the convention
  says; if two users share an address by then, it fails and keeps them both.

**Preserve:** every user and all their values, both ways. Autogenerate does not notice that an
unnamed unique constraint should go, and `drop_constraint(None, ...)` has no name to find it by.
"""
    hints = (
        (
            "Batch mode rebuilds the table from what it reflects, and `drop_constraint` needs the "
            "name of what to drop."
        ),
        (
            "Batch mode reflects the table into a `MetaData` of its own, without the app's naming "
            "convention: give `batch_alter_table(..., naming_convention={'uq': "
            "'uq_%(table_name)s_%(column_0_name)s'})` so the unnamed constraints it reflects get "
            "the names the convention would give them."
        ),
        (
            "Inside `with op.batch_alter_table('user', naming_convention=...) as batch_op:`, "
            "`batch_op.drop_constraint('uq_user_email', type_='unique')`; in `downgrade()`, "
            "`batch_op.create_unique_constraint('uq_user_email', ['email'])`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)

    @check("keeps-users-sharing-an-address", after="downgrade-data", needs="upgrade-schema")
    def keeps_users_sharing_an_address(self, trial: MigrationTrial) -> None:
        """where two users share an address after the upgrade, the downgrade fails and keeps both"""
        database = self.seeded_database(trial, trial.visible_rows, tag="shared-address")
        self.migrate(trial, database, "upgrade", self.head(trial))
        users = trial.visible_rows["user"]
        sharing = self.sharing_an_address(users)
        self.run_step(
            trial.session,
            "write_rows",
            database.child_url,
            "user",
            [sharing],
            [],
            what="Adding a user who shares an address after your upgrade",
            source=trial.source,
        )
        tables = {**trial.visible_rows, "user": [*users, sharing]}
        self.refused_and_kept(
            trial, database, "downgrade", tables, "where two users share an address"
        )


EXERCISES = (DropUnnamedConstraint,)

QUESTIONS = (
    Question(
        id="07-move-and-copy",
        prompt="On SQLite, what does batch mode do to change a column's type?",
        kind="single",
        keys=("cfebd1987e5d161224bb8c51d56cd43f4cd209ed82f466fc55d450663ac254db",),
        options=(
            Option(
                (
                    "Creates a new table, copies the rows into it, drops the old table and "
                    "renames the new one"
                ),
                'That is "move and copy": SQLite cannot alter the column in place.',
            ),
            Option(
                "Runs ALTER TABLE ... ALTER COLUMN",
                "SQLite has no ALTER COLUMN; that is why batch mode exists.",
            ),
            Option(
                "Exports the table to a file and imports it back",
                "Everything happens inside the database, with SQL.",
            ),
        ),
        explanation=(
            "The table is rebuilt from what reflection sees: unnamed constraints are copied as "
            "they are, but every constraint a batch adds or drops needs a name."
        ),
    ),
    Question(
        id="07-naming",
        prompt=(
            'On SQLite, a batch migration fails with "Constraint must have a name". What fixes '
            "it? Select all that apply."
        ),
        kind="multiple",
        keys=(
            "2177cfe93ee23f9c32a8d90ba26325706d99e3b43f986491cd8d37405c759c4d",
            "b3664da96fe035496452006f62a84e1a782fc8addde6794cbbe67c1648ec9d5b",
        ),
        options=(
            Option(
                (
                    "Naming the constraint in the script: create_unique_constraint('uq_user_email',"
                    " ['email']) instead of None"
                ),
                "The direct fix: batch mode needs a name to create or drop a constraint.",
            ),
            Option(
                "A naming convention on the app's MetaData, for constraints created from now on",
                "New constraints then always get predictable names.",
            ),
            Option(
                (
                    "A naming_convention passed to batch_alter_table, to name the old unnamed "
                    "constraints it reflects"
                ),
                (
                    "Not for this error: that names the old unnamed constraints the batch "
                    'reflects, so that a script can refer to one (the fix for "No such '
                    'constraint"). "Constraint must have a name" comes from a constraint the '
                    "script itself creates or drops with the name None."
                ),
            ),
            Option(
                (
                    "Editing the migration that created the table, after it has been applied "
                    "everywhere"
                ),
                "Never edit an applied migration: databases that ran it will not run it again.",
            ),
            Option(
                "Turning batch mode off",
                "Without batch mode SQLite cannot add or drop the constraint at all.",
            ),
        ),
        explanation=(
            "Give every constraint a script creates or drops a name: in the script, or through "
            "the app's naming convention from the start. A naming convention on the batch is "
            "for another error: finding old constraints the database never named."
        ),
    ),
)
