"""Lesson 04, Moving through history: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "Moving through history"


class RestoreLostRevision(MigrationExercise):
    """Write back a revision whose file was deleted, so that the history loads again."""

    id = "04-restore-lost-revision"
    title = "Restore a migration whose file was deleted"
    practice = "the lost migration ships with the course, in the exercises' migrations folder"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    followers = ("9e8d7c6b5a40_add_phone_to_user.py",)
    start_layout = "user"
    target_layout = "user+password+phone"
    task = """\
**Start:** a teammate deleted a migration file by mistake. The history was `5e1f0c2a9b01` (create
user table), then `6a2b1d3c8e02`, then `9e8d7c6b5a40` (add `phone`, VARCHAR(20), nullable, whose
script says `down_revision = '6a2b1d3c8e02'`). Every `flask db` command that reads the history now
warns "Revision 6a2b1d3c8e02 referenced from ... is not present" and stops with `KeyError:
'6a2b1d3c8e02'`, so databases at `5e1f0c2a9b01` cannot be upgraded. The lost migration added
`password_hash`, VARCHAR(128), nullable, to `user`.

**Write** the lost migration again:
- its revision id is the one the next migration names, and it follows `5e1f0c2a9b01`, so that the
  history has one head again, `9e8d7c6b5a40`;
- `upgrade()` adds `password_hash` as it was; `downgrade()` removes it.

**Preserve:** every user and all their values, through the upgrade to the head and the downgrade
back to `5e1f0c2a9b01`. The check upgrades a database at `5e1f0c2a9b01` through your migration and
the next one, then back.
"""
    hints = (
        "Alembic finds a migration by the id in its `revision` variable, not by its file name.",
        (
            "`flask db revision` cannot help while the history is broken: start from the starter "
            "(any migration's shape) and set `revision` to the id the next migration's "
            "`down_revision` names."
        ),
        (
            "`down_revision = '5e1f0c2a9b01'`; the body is a `batch_op.add_column(...)` of "
            "`password_hash` in `upgrade()` and a `batch_op.drop_column(...)` in `downgrade()`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "password_hash": None, "phone": None}


EXERCISES = (RestoreLostRevision,)

QUESTIONS = (
    Question(
        id="04-downgrade-data",
        prompt=(
            "The newest migration added `password_hash`, and some users have one. What does "
            "`flask db downgrade` followed by `flask db upgrade` leave in that column?"
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
