"""Lesson 06, Renaming by hand: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from .command_line import FLASK_COMMAND_LINE
from .kinds import MigrationExercise

TITLE = "Renaming by hand"


class RenameBio(MigrationExercise):
    """Rename a nullable column by hand where autogenerate would drop and add it."""

    id = "06-rename-bio"
    title = "Rename a column and widen it, keeping its values both ways"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "6a2b1d3c8e02_add_password_hash_to_user.py",
        "8b5f3d2e0a14_add_bio_to_user.py",
    )
    start_layout = "user+password+bio"
    target_layout = "user+password+about"
    task = """\
**Start:** three migrations applied: `5e1f0c2a9b01` (create user table), `6a2b1d3c8e02` (add
`password_hash`) and `8b5f3d2e0a14` (add `bio`, VARCHAR(200), nullable). Most users have written a
bio.

**Write** the next migration, revision `c4a7e9b1d2f3`, which renames the column `bio` to `about`
and makes room for longer texts:
- after `upgrade()`: a nullable column `about`, VARCHAR(500), holding each user's old `bio`; no
  `bio` column;
- `downgrade()` makes it `bio`, VARCHAR(200), again, values included: an `about` longer than
  200 characters, written after the upgrade, comes back whole (SQLite does not enforce a
  `VARCHAR`'s length).

**Preserve:** every user and every value, both ways. The script `flask db migrate` writes for this
change ("add `about`, drop `bio`") runs without an error and empties every bio: that is the trap.
"""
    hints = (
        (
            "A rename is one operation, not two: the values stay in the column while its name "
            "changes, and the same operation can change its type."
        ),
        (
            "Look up `alter_column` and its `new_column_name`, `type_` and `existing_type` "
            "arguments, inside a batch."
        ),
        (
            "`batch_op.alter_column('bio', new_column_name='about', "
            "existing_type=sa.String(length=200), type_=sa.String(length=500))`, and the mirror "
            "call in `downgrade()`."
        ),
    )

    written_after_upgrade = [  # an about only the widened column was meant to hold
        {
            "id": 60,
            "username": "late-writer",
            "email": "late-writer@example.com",
            "password_hash": None,
            "about": "Zoë " + "long story " * 44 + " ",
        }
    ]

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {"about" if key == "bio" else key: value for key, value in row.items()}

    @staticmethod
    def after_downgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {"bio" if key == "about" else key: value for key, value in row.items()}


class RenameUsername(MigrationExercise):
    """Rename a column that carries a unique constraint, keeping its data."""

    id = "04-rename-username"
    title = "Rename a column without losing its data"
    practice = (
        "lesson 06 writes this rename in full (the exercise is lesson 06's; its id is older than "
        "the lesson's number)"
    )
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
"drop `username`, add `login`": on a table with users its upgrade fails (nothing fills the new NOT
NULL column), and where it ran it would lose every name. Write it by hand.
"""
    hints = (
        (
            "A rename is one operation (`alter_column` with `new_column_name`); here the column "
            "also carries a unique constraint, whose name includes the column's."
        ),
        (
            "A constraint keeps its old name through a rename, and on SQLite a constraint on a "
            "column renamed in the same batch is lost: drop the old constraint, rename, then "
            "create the new one in a second batch."
        ),
        (
            "`batch_op.drop_constraint('uq_user_username', type_='unique')` and "
            "`batch_op.alter_column('username', new_column_name='login', "
            "existing_type=sa.String(length=80), existing_nullable=False)` in one batch; "
            "`batch_op.create_unique_constraint('uq_user_login', ['login'])` in a second; "
            "`downgrade()` is the mirror image."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        renamed = {"login" if key == "username" else key: value for key, value in row.items()}
        return renamed


EXERCISES = (RenameBio, RenameUsername)

QUESTIONS = (
    Question(
        id="06-rename-op",
        prompt="Which operation renames the column `bio` to `about` and keeps its values?",
        kind="single",
        keys=("64987661b0926a49cac5b63179f0b8c0131f55a0a2817d852b42414d84c78ea5",),
        options=(
            Option(
                "`batch_op.alter_column('bio', new_column_name='about')`",
                "A rename in place: the values stay in the column, which now has another name.",
            ),
            Option(
                "`batch_op.add_column(sa.Column('about', ...))` then `batch_op.drop_column('bio')`",
                "The new column starts empty and the old one takes its values with it.",
            ),
            Option(
                "`op.rename_table('bio', 'about')`",
                "`rename_table` renames tables, not columns.",
            ),
        ),
        explanation="Write the rename by hand; autogenerate cannot.",
    ),
    Question(
        id="06-empty-revision",
        prompt=(
            "Which command creates a new, empty migration script for you to fill in by hand? Type "
            "it as you would in a terminal."
        ),
        kind="text",
        command_line=FLASK_COMMAND_LINE,
        keys=("f3ea8bd631e54cf1b44c33687e3c1f54a38c4cf8f9701d8defa4a83b2c6ce1d2",),
        options=(
            Option(
                "flask db migrate",
                "`migrate` compares the models with the database and writes what it sees: for a "
                "rename, the drop and add you want to avoid.",
            ),
            Option("flask db init", "That creates `migrations/`, once per project."),
            Option("db revision", "Close: Flask-Migrate's commands run through `flask`."),
        ),
        explanation=(
            "It writes a script with empty upgrade() and downgrade() functions and the right "
            "down_revision."
        ),
    ),
)
