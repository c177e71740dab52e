"""Lesson 03, First migrations: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "First migrations"


class AddPasswordHash(MigrationExercise):
    """Add a nullable column with a migration that can be undone."""

    id = "03-add-password-hash"
    title = "Add a nullable column, with a working downgrade"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+password"
    task = """\
**Start:** the `user` table has `id` (INTEGER, primary key), `username` (VARCHAR(80), NOT NULL,
unique constraint `uq_user_username`) and `email` (VARCHAR(120), NOT NULL, unique constraint
`uq_user_email`), and holds users. One migration has been applied: `5e1f0c2a9b01` (create user
table).

**Write** the next migration, revision `7b3c2e4d9f03`:
- `upgrade()` adds a nullable column `password_hash` of type VARCHAR(128) to `user`;
- `downgrade()` removes it again.

**Preserve:** every user and all their values, through the upgrade (their `password_hash` is NULL)
and through the downgrade.
"""
    hints = (
        (
            "SQLite cannot alter most things in place: in this app every change to a table goes "
            "through batch mode."
        ),
        (
            "Look up `op.batch_alter_table` and the `add_column` and `drop_column` of the "
            "`batch_op` it gives; the column is an `sa.Column` with a type and `nullable`."
        ),
        (
            "`batch_op.add_column(sa.Column('password_hash', sa.String(length=128), "
            "nullable=True))` inside `with op.batch_alter_table('user') as batch_op:`; "
            "`batch_op.drop_column('password_hash')` in `downgrade()`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "password_hash": None}


class AddNotNullRole(MigrationExercise):
    """Add a NOT NULL column to a table that already holds rows."""

    id = "03-add-role"
    title = "Add a NOT NULL column to a table that has rows"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+role"
    task = """\
**Start:** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`, `email`),
holding users.

**Write** the next migration, revision `8c4d3f5e0a04`:
- `upgrade()` adds a column `role`, VARCHAR(20), **NOT NULL**; every existing user gets the role
  `'member'`;
- `downgrade()` removes the column.

**Preserve:** every user and all their other values, both ways. After the upgrade the column must
be NOT NULL, and no user may be left without a role.
"""
    hints = (
        (
            "Adding a NOT NULL column to a table with rows fails unless the database knows what "
            "to put in the existing rows."
        ),
        (
            "Lesson 03's `default=` versus `server_default=`: only a *server* default is known to "
            "the database, so only it fills existing rows. Another way: add the column nullable, "
            "fill it with an `UPDATE`, then make it NOT NULL with `alter_column`."
        ),
        (
            "`sa.Column('role', sa.String(length=20), nullable=False, server_default='member')` "
            'added in a batch; or, step by step, `op.execute("UPDATE \\"user\\" SET role = '
            "'member'\")` (quote `user`: PostgreSQL reserves the word) between adding the column "
            "nullable and `batch_op.alter_column('role', existing_type=sa.String(length=20), "
            "nullable=False)`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "role": "member"}


EXERCISES = (
    AddPasswordHash,
    AddNotNullRole,
)

QUESTIONS = (
    Question(
        id="03-migrate-vs-upgrade",
        prompt='You ran `flask db migrate -m "add bio"`. What has changed in the database?',
        kind="single",
        keys=("6fe686c7073a2c24a765ba5cd671abc91dff7abd16b00301bc97f801df77d546",),
        options=(
            Option(
                "Nothing in its tables: only a script was written",
                "`migrate` writes a script; `upgrade` applies it.",
            ),
            Option(
                "The `bio` column was added",
                "Not yet: that happens when you run `flask db upgrade`.",
            ),
            Option(
                "The `alembic_version` row now names the new revision",
                "The version changes only when a migration is applied.",
            ),
        ),
        explanation="Review the script between the two commands.",
    ),
    Question(
        id="03-version-rows",
        prompt=(
            "Two migrations have been applied to a database, one after the other. How many rows "
            "does its `alembic_version` table hold?"
        ),
        kind="number",
        keys=("fbc40975904d16728b8f4ed8c9a662792e0ba3037c2bdd60e29d64794f3552f9",),
        explanation=(
            "Alembic records where the database is now, not every step it took to get there."
        ),
    ),
)
