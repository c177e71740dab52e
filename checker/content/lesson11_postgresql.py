"""Lesson 11, The same app on PostgreSQL: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "The same app on PostgreSQL"


class EnumColumn(MigrationExercise):
    """Create and remove a PostgreSQL enum type together with its column."""

    id = "11-enum-column"
    title = "An enum column on PostgreSQL, created and removed cleanly"
    database_kind = "postgresql"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+role_enum"
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`,
`email`), holding users. The check runs on a real PostgreSQL server.

**Write** the next migration, revision `b7d9f1a3c5e7`:
- `upgrade()` adds `role`, of the PostgreSQL enum type `user_role` with the values `'member'` and
  `'admin'`, **NOT NULL**; every existing user is a `'member'`;
- `downgrade()` removes the column **and the type**, so that upgrading again works.

**Preserve:** every user and all their other values, both ways. The script autogenerate writes for
this model change fails on PostgreSQL: `type "user_role" does not exist`.
"""
    hints = (
        (
            "On PostgreSQL an enum is a type of its own, and the type must exist before a column "
            "uses it and go after the column does."
        ),
        (
            "Look up `sa.Enum(..., name=...)` and its `create(bind, checkfirst=True)` and "
            "`drop(...)`; `op.get_bind()` is the migration's connection."
        ),
        (
            "At module level `user_role = sa.Enum('member', 'admin', name='user_role')`; in "
            "`upgrade()` `user_role.create(op.get_bind(), checkfirst=True)` before adding "
            "`sa.Column('role', user_role, nullable=False, server_default='member')`; in "
            "`downgrade()` drop the column, then `user_role.drop(op.get_bind(), checkfirst=True)`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "role": "member"}


EXERCISES = (EnumColumn,)

QUESTIONS = (
    Question(
        id="11-transactional-ddl",
        prompt="A migration adds a column, then fails on its next statement. What is left behind?",
        kind="single",
        keys=("450722043346544154f17391a5e7627a6e0e4628d4e63ae9c9746d06a522dd5c",),
        options=(
            Option(
                (
                    "On PostgreSQL nothing; on SQLite the new column stays, and alembic_version "
                    "still names the old revision"
                ),
                (
                    "PostgreSQL runs DDL inside the transaction and rolls it all back; on "
                    "SQLite, Python's sqlite3 opens no transaction before DDL, so each DDL "
                    "statement stays."
                ),
            ),
            Option(
                "On both databases, nothing",
                (
                    "On SQLite the column is committed at once: Python's sqlite3 opens no "
                    "transaction before DDL, so the failure cannot roll it back."
                ),
            ),
            Option(
                "On both databases, the new column stays",
                "PostgreSQL rolls back the whole migration, column included.",
            ),
        ),
        explanation="Keep SQLite migrations small, and test them on a copy.",
    ),
    Question(
        id="11-enum",
        prompt=(
            "A PostgreSQL enum type `user_role` needs a new value. What does the migration contain?"
        ),
        kind="single",
        keys=("b99ac19b32382a0830b64822c42433694983630c7f46fe525d0cd399e87b9999",),
        options=(
            Option(
                "`op.execute(\"ALTER TYPE user_role ADD VALUE 'moderator'\")`, written by hand",
                "Autogenerate does not see the new value; the SQL is written by hand.",
            ),
            Option(
                "Whatever `flask db migrate` generates",
                "Autogenerate does not compare the values of an enum type.",
            ),
            Option(
                "`batch_op.alter_column('role', type_=...)`",
                "That changes which type the column uses, not the values of the type.",
            ),
        ),
        explanation="Removing a value is harder still: PostgreSQL has no DROP VALUE.",
    ),
)
