"""Lesson 10, Production workflow: its exercises and quiz questions."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..judge.checks import check
from ..judge.kinds.migration import MigrationTrial
from ..judge.outcomes import CheckFailed
from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "Production workflow"


class DeploySafeColumn(MigrationExercise):
    """Add a NOT NULL column that the previous version of the app can live with."""

    id = "10-deploy-safe-column"
    title = "A column the running version of the app can live with"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+is_active"
    # The new code marks a user inactive after the upgrade: the downgrade keeps that user.
    changed_after_upgrade = [{"id": 3, "is_active": False}]
    task = """\
**Start:** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`, `email`),
holding users. In production the migration runs first, and for a while the *previous* version of
the app keeps serving requests: it knows nothing of the new column, and inserts users with `INSERT
INTO user (username, email) VALUES (...)`.

**Write** the next migration, revision `a3e5c7f9b1d2`:
- `upgrade()` adds `is_active`, BOOLEAN, **NOT NULL**; every existing user is active;
- users inserted afterwards by the previous version of the app (which does not mention
  `is_active`) must be accepted, and be active;
- `downgrade()` removes the column, and keeps every user: those the new code marked inactive
  after the upgrade too.

**Preserve:** every user and all their other values, both ways.
"""
    hints = (
        (
            "The old code's INSERT names only `username` and `email`. For a NOT NULL column it "
            "does not mention, the database itself must supply a value."
        ),
        (
            "Lesson 03's `server_default`: the database's own value for an omitted column, which "
            "also fills the existing rows when the column is added."
        ),
        (
            "`batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False, "
            "server_default=sa.true()))`, and `batch_op.drop_column('is_active')` in "
            "`downgrade()`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "is_active": 1}

    @check("old-code-inserts", after="upgrade-data", needs="history")
    def old_code_inserts(self, trial: MigrationTrial) -> None:
        """the version of the app still running can insert users without knowing the column"""
        copy = trial.observe(trial.visible_db, "upgrade").removeprefix("sqlite:///")
        connection = sqlite3.connect(copy)
        try:
            connection.execute(
                "INSERT INTO user (username, email) VALUES ('old-code', 'old@example.com')"
            )
            (active,) = connection.execute(
                "SELECT is_active FROM user WHERE username = 'old-code'"
            ).fetchone()
        except sqlite3.Error as error:
            raise CheckFailed(
                f"the previous version of the app cannot insert a user any more: {error}."
            ) from None
        finally:
            connection.close()
        if active != 1:
            raise CheckFailed(
                f"a user inserted by the previous version of the app has is_active = {active!r}, "
                "not active (1)."
            )


EXERCISES = (DeploySafeColumn,)

QUESTIONS = (
    Question(
        id="10-stamp",
        prompt="What does `flask db stamp head` do to a database?",
        kind="single",
        keys=("4f9d8dc41830556b9b76e73d71c3e63b217fecd33f2d652180ff0a4bb66a7ac8",),
        options=(
            Option(
                "Writes the head revision into alembic_version, without running any migration",
                "It changes the record of where the database is, and nothing else.",
            ),
            Option("Runs every migration up to head", "That is `flask db upgrade`."),
            Option(
                "Checks that the schema matches the head revision, then records it",
                "Stamp checks nothing: it trusts you.",
            ),
        ),
        explanation="Stamp only a database whose schema you know matches that revision.",
    ),
    Question(
        id="10-deploy-order",
        prompt=(
            "A release adds a migration that only adds to the schema (a nullable column the new "
            "code uses and the old code ignores). In which order do you deploy it?"
        ),
        kind="single",
        keys=("76d7c5556e7a3c5f5711b20ccbd2e558899d3dd15268e066f2ad9075e93a5d62",),
        options=(
            Option(
                "Back up the database, run `flask db upgrade`, then start the new code",
                (
                    "The new code expects the new schema; the old code must survive the new "
                    "schema for a moment."
                ),
            ),
            Option(
                "Start the new code, then run `flask db upgrade`",
                "Until the upgrade runs, the new code queries columns that do not exist yet.",
            ),
            Option(
                "Run `flask db migrate` on the production server",
                (
                    "Migrations are generated and reviewed in development, and committed; "
                    "production only applies them."
                ),
            ),
        ),
        explanation="Migrations must be compatible with the code still running while they apply.",
    ),
)
