"""Lesson 08, Data migrations: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from . import layouts
from .kinds import MigrationExercise

TITLE = "Data migrations"


class DisplayName(MigrationExercise):
    """Add a NOT NULL column computed from existing rows: expand, migrate, contract."""

    id = "08-display-name"
    title = "A NOT NULL column filled from existing rows: expand, migrate, contract"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+display_name"
    visible_rows = [  # first characters whose upper case is two letters, or not their title case
        *layouts.VISIBLE_USERS,
        {"id": 12, "username": "ßtrudel", "email": "strudel@example.com"},
        {"id": 13, "username": "ǆungla", "email": "dzungla@example.com"},
    ]
    task = """\
**Start:** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`, `email`),
holding users.

**Write** the next migration, revision `e6c9a1d4f7b8`:
- `upgrade()` adds `display_name`, VARCHAR(80), **NOT NULL**, and fills it for every existing user
  with their username, its first character in upper case as Python's `str.upper()` writes it
  (`alice` becomes `Alice`, `li_lei` becomes `Li_lei`, `ßtrudel` becomes `SStrudel`; a name
  that starts with a space stays as it is);
- `downgrade()` removes the column.

**Preserve:** every user and all their other values, both ways. Do not import the app's models in
the migration: describe the table you need inside the script.
"""
    hints = (
        (
            "Three steps: add the column as nullable (expand), fill it (migrate the data), then "
            "make it NOT NULL (contract)."
        ),
        (
            "A migration describes the table it needs itself, with `sa.table(...)` and "
            "`sa.column(...)`, reads rows through `op.get_bind()` and writes them with an "
            "`update()`; Python's `str` methods compute each value (mind what `capitalize()` does "
            "to the rest of a name)."
        ),
        (
            "`rows = op.get_bind().execute(sa.select(user.c.id, user.c.username)).all()`, then "
            "for each, `op.execute(user.update().where(user.c.id == "
            "id_).values(display_name=name[:1].upper() + name[1:]))`; finish with "
            "`batch_op.alter_column('display_name', existing_type=sa.String(length=80), "
            "nullable=False)` in a second batch."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        username = row["username"]
        return {**row, "display_name": username[:1].upper() + username[1:]}


EXERCISES = (DisplayName,)

QUESTIONS = (
    Question(
        id="08-local-tables",
        prompt=(
            "Why does a data migration describe the tables it needs with `sa.table(...)` instead "
            "of importing the app's models?"
        ),
        kind="single",
        keys=("db4d361c354eced276e2a38850f4afbf20f2d66124c45b42becb2eb8bfe4d96b",),
        options=(
            Option(
                (
                    "The models will change later, and the migration must keep working against "
                    "the schema of its own time"
                ),
                (
                    "A migration runs against the database as it was at that revision; the models "
                    "describe today's schema."
                ),
            ),
            Option(
                "Importing models inside a migration is a syntax error",
                "It is valid Python; it just ties the migration to code that keeps changing.",
            ),
            Option("`sa.table` is faster", "Speed is not the reason."),
        ),
        explanation="A migration is history: it must not depend on what the models say today.",
    ),
    Question(
        id="08-expand-contract",
        prompt=(
            "A NOT NULL column must be added to a table that has rows, each row's value computed "
            "from its other columns (no server default can compute it). Which steps belong in the "
            "migration? Select all that apply."
        ),
        kind="multiple",
        keys=(
            "41871b47d9397d6fb6ce1a8339a1d3a66314ef9d9c69cd88fedac7c0e4fb2b4f",
            "276661a35b0d19e252bb36136a06a1696cb17f0a7b04d7d0fe3381698598010d",
            "116c2c6beacd1719befcb399ea145cbed2a51b0780860d47d93fb791b0285441",
        ),
        options=(
            Option(
                "Add the column as nullable",
                "That is the expand step: existing rows get NULL for now.",
            ),
            Option("Fill every existing row", "That is the data migration."),
            Option(
                "Make the column NOT NULL",
                "That is the contract step, once every row has a value.",
            ),
            Option("Drop and recreate the table", "That loses the rows."),
        ),
        explanation="Expand, migrate the data, contract.",
    ),
)
