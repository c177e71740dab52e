"""Lesson 01, Notes: a migration adding a column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData

from checker.judge import kinds

from .. import layouts

TITLE = "Notes"


class AddBody(kinds.MigrationExercise):
    """Add a nullable column to the note table."""

    id = "01-add-body"
    title = "Give every note a body"
    files = Path(__file__).parent
    base_revisions = ("a1b2c3d4e5f6_create_note_table.py",)
    start_layout = "note"
    target_layout = "note+body"
    changed_table = "note"
    table_nouns = {"note": ("note", "notes")}
    visible_rows = layouts.VISIBLE_NOTES
    hidden_rows = layouts.HIDDEN_NOTES
    naming_convention = layouts.NAMING_CONVENTION
    task = """\
**Start:** the `note` table (`id`, `title`) of revision `a1b2c3d4e5f6`, holding notes.

**Write** revision `b2c3d4e5f6a7`: `upgrade()` adds a nullable TEXT column `body` to `note`;
`downgrade()` removes it. **Preserve** every note, both ways.
"""
    hints = (
        "SQLite changes a table through batch mode: `op.batch_alter_table('note')`.",
        "`batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))`, and "
        "`batch_op.drop_column('body')` in `downgrade()`.",
    )

    def metadata(self, layout: str) -> MetaData:
        return layouts.build_metadata(layout)

    def seed_tables(self, rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        return layouts.seed_tables(rows)

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "body": None}


EXERCISES = (AddBody,)
QUESTIONS = ()
