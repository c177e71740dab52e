"""Lesson 02, Tags: a function that compares models with a database, and a quiz question."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData

from checker.judge import kinds
from checker.judge.quizzes import Option, Question

from .. import layouts

TITLE = "Tags"


class MissingTables(kinds.FunctionExercise):
    """Name the tables the models define and the database lacks."""

    id = "02-missing-tables"
    title = "Find the tables a database lacks"
    files = Path(__file__).parent
    function_name = "missing_tables"
    metadata_source = f"{layouts.__name__}:build_metadata"
    task = """\
Define `missing_tables(engine, metadata)`: the set of the names of the tables `metadata` defines
and the database behind `engine` lacks (an empty set when none is missing).
"""
    hints = (
        "`sqlalchemy.inspect(engine).get_table_names()` lists the database's tables.",
        "Subtract them from `{table.name for table in metadata.tables.values()}`.",
    )
    cases = (
        kinds.FunctionCase(
            "finds-tag", "finds the new tag table", "note", "note+tag", frozenset({"tag"})
        ),
        kinds.FunctionCase(
            "nothing-missing",
            "finds nothing when nothing is missing",
            "note+tag",
            "note+tag",
            frozenset(),
        ),
        kinds.FunctionCase(
            "ignores-extra",
            "ignores tables only the database has",
            "note+tag",
            "note",
            frozenset(),
            hidden=True,
        ),
    )

    def metadata(self, layout: str) -> MetaData:
        return layouts.build_metadata(layout)


EXERCISES = (MissingTables,)
QUESTIONS = (
    Question(
        id="02-apply",
        prompt="Which command applies the migrations a database has not had yet?",
        kind="single",
        keys=("48ce45e6685932a8a8ea954fd9bd541f097db6a310751e2e4c8840e590718a2a",),
        options=(
            Option("flask db upgrade", "It runs every migration after the database's revision."),
            Option("flask db migrate", "It writes a new script; it changes no table."),
        ),
    ),
)
