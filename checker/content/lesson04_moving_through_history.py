"""Lesson 04, Moving through history: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "Moving through history"


class RenameUsername(MigrationExercise):
    """Rename a column that carries a unique constraint, keeping its data."""

    id = "04-rename-username"
    title = "Rename a column without losing its data"
    lesson = "04"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "6a2b1d3c8e02_add_password_hash_to_user.py",
    )
    start_layout = "user+password"
    target_layout = "user(login)+password"
    task = """\
**Start:** two migrations applied, `5e1f0c2a9b01` (create user table) and `6a2b1d3c8e02` (add
`password_hash`). The `user` table has `id`, `username` (VARCHAR(80), NOT NULL, unique constraint
`uq_user_username`), `email` and `password_hash`, and holds users.

**Write** the next migration, revision `9d5e4a6f1b05`, which renames `username` to `login`:
- after `upgrade()`: a column `login`, VARCHAR(80), NOT NULL, whose unique constraint is named
  `uq_user_login` (the app's naming convention); no `username` column; every user's `login` is
  their old `username`;
- `downgrade()` renames it back, with its constraint named `uq_user_username` again.

**Preserve:** every user and every value, both ways. `flask db migrate` writes this change as
"drop `username`, add `login`", which loses every name: write it by hand.
"""
    hints = (
        (
            "A rename is `alter_column` with `new_column_name`: inside `with "
            "op.batch_alter_table('user') as batch_op:` call `batch_op.alter_column('username', "
            "new_column_name='login', existing_type=sa.String(length=80), "
            "existing_nullable=False)`."
        ),
        (
            "The unique constraint keeps its old name through a rename. Drop it in the same batch "
            "with `batch_op.drop_constraint('uq_user_username', type_='unique')`, then create "
            "`batch_op.create_unique_constraint('uq_user_login', ['login'])` in a second `with "
            "op.batch_alter_table('user')` block: a constraint on a column renamed in the same "
            "batch is lost."
        ),
        (
            "downgrade() is the mirror image: drop `uq_user_login`, rename `login` back to "
            "`username`, create `uq_user_username`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        renamed = {"login" if key == "username" else key: value for key, value in row.items()}
        return renamed


EXERCISES = (RenameUsername,)

QUESTIONS = (
    Question(
        id="04-downgrade-data",
        prompt=(
            "A migration added `password_hash`, and some users have one. What does `flask db "
            "downgrade` followed by `flask db upgrade` leave in that column?"
        ),
        kind="single",
        keys=("8c52259ee221443211f5c21861d68f40abca74b27ae77c1763825a038a9affba",),
        options=(
            Option(
                "NULL for every user",
                "The downgrade dropped the column and its values; the upgrade made an empty one.",
            ),
            Option(
                "The values as before",
                "A dropped column's values are gone; the upgrade only recreates the structure.",
            ),
            Option(
                "An error: the column already exists",
                "The downgrade removed it, so the upgrade can add it again.",
            ),
        ),
        explanation="Downgrade is an undo for the schema, not for the data.",
    ),
    Question(
        id="04-not-up-to-date",
        prompt=(
            '`flask db migrate` says "Target database is not up to date". Which statements are '
            "true? Select all that apply."
        ),
        kind="multiple",
        keys=(
            "bce774370bf03afbae284a2a39a5ce3028cff6beadb00217cf59943e25e88710",
            "ba41c104d3f64bcf2bd8b4cacfd76baf1eb78df9cfcac0f4318a836e16605634",
        ),
        options=(
            Option(
                "A migration script exists that the database has not had",
                "The database is behind the scripts.",
            ),
            Option(
                "`flask db upgrade` before generating fixes it",
                "Bring the database to head, then generate.",
            ),
            Option(
                "Deleting `migrations/` fixes it",
                "That throws away the history every other database depends on.",
            ),
            Option(
                "The models have a syntax error",
                "A syntax error would show a Python traceback, not this message.",
            ),
        ),
        explanation=(
            "Autogenerate compares the models with a database at head; it refuses one that is "
            "behind."
        ),
    ),
)
