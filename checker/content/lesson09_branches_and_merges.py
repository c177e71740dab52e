"""Lesson 09, Branches and merges: its exercises and quiz questions."""

from __future__ import annotations

from typing import Any

from ..judge.quizzes import Option, Question
from .command_line import FLASK_COMMAND_LINE
from .kinds import MigrationExercise

TITLE = "Branches and merges"


class MergeHeads(MigrationExercise):
    """Join two heads of a history with a merge revision."""

    id = "09-merge-heads"
    title = "Merge two heads into one"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "1b2c3d4e5f60_add_phone_to_user.py",
        "2c3d4e5f6a71_add_bio_to_user.py",
    )
    merges = ("1b2c3d4e5f60", "2c3d4e5f6a71")
    start_layout = "user+phone+bio"
    target_layout = "user+phone+bio"
    task = """\
**Start:** two people branched from the first migration, `5e1f0c2a9b01` (create user table), at
the same time. One wrote `1b2c3d4e5f60` (add `phone`), the other `2c3d4e5f6a71` (add `bio`); both
revise `5e1f0c2a9b01`. The history now has two heads, and `flask db upgrade` refuses to guess. The
database has both migrations applied and holds users.

**Write** the merge migration, revision `f8d0b2c4e6a9`, the script `flask db merge` would write:
- it follows **both** heads, so that the history has a single head again;
- it changes nothing in the schema or the data, in either direction.

**Preserve:** every user and every value; both columns.
"""
    hints = (
        "A merge revision is an ordinary script that follows more than one revision.",
        "`down_revision` can be a tuple; `flask db heads` lists what to put in it.",
        (
            "`down_revision = ('1b2c3d4e5f60', '2c3d4e5f6a71')`, and both functions stay `pass`: "
            "`flask db merge heads` writes exactly this."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)


EXERCISES = (MergeHeads,)

QUESTIONS = (
    Question(
        id="09-multiple-heads",
        prompt=(
            "Two migrations in the history both revise the same parent. What does `flask db "
            "upgrade` do?"
        ),
        kind="single",
        keys=("ced45ad525da978997e1eb5476ba37836ae22c8a4eaf1450d1cfe288c109aa84",),
        options=(
            Option(
                "It refuses: there are multiple head revisions",
                'It cannot tell which head "head" means, so it stops and asks for a target.',
            ),
            Option(
                "It applies them in alphabetical order",
                "Names play no part: the default target `head` names one revision, and with two "
                "heads there is none to pick. `flask db upgrade heads` applies both branches.",
            ),
            Option(
                "It applies the newest file only",
                "File dates play no part in Alembic's history.",
            ),
        ),
        explanation="Merge the heads, then upgrade.",
    ),
    Question(
        id="09-merge-command",
        prompt=(
            "Type the command that writes a merge migration for all current heads, as you would in "
            "a terminal."
        ),
        kind="text",
        command_line=FLASK_COMMAND_LINE,
        keys=("dd704e56cd72399afe2096171548f41a2ce917f74678637edaef79f024cfde1a",),
        options=(
            Option("flask db merge", "Say what to merge: the current heads, `heads`."),
            Option(
                "flask db upgrade heads",
                "That applies every head to the database; it does not join them into one.",
            ),
            Option("flask db heads", "That lists the heads; it does not merge them."),
            Option("db merge heads", "Close: Flask-Migrate's commands run through `flask`."),
        ),
        explanation=(
            "The merge script's down_revision names both heads, and its upgrade() is usually empty."
        ),
    ),
)
