"""The notes app's tables, by layout name, and the rows its exercises are seeded with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text

NAMING_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _note(metadata: MetaData, *extra: Column) -> Table:
    return Table(
        "note",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("title", String(40), nullable=False),
        *extra,
    )


def _tag(metadata: MetaData) -> Table:
    return Table(
        "tag",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("note_id", Integer, ForeignKey("note.id"), nullable=False),
        Column("label", String(20), nullable=False),
    )


LAYOUTS = {
    "note": lambda m: _note(m),
    "note+body": lambda m: _note(m, Column("body", Text)),
    "note+tag": lambda m: (_note(m), _tag(m)),
}


def build_metadata(layout: str) -> MetaData:
    """A fresh MetaData holding the tables of ``layout``."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    LAYOUTS[layout](metadata)
    return metadata


VISIBLE_NOTES = [
    {"id": 1, "title": "groceries"},
    {"id": 2, "title": ""},
    {"id": 3, "title": "  padded  "},
    {"id": 4, "title": 'Zoë\'s "list"'},
    {"id": 5, "title": "x" * 40},
]
HIDDEN_NOTES = [{"id": 100 + n, "title": f"note {n}"} for n in range(12)]


def seed_tables(notes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The note table holding ``notes``."""
    return {"note": [dict(note) for note in notes]}
