"""The exercise kinds with this course's settings: its files, table layouts and users.

Lesson modules subclass these, so that each exercise declares only what is its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData

from sample_app.extensions import NAMING_CONVENTION

from ..judge import kinds
from . import layouts

CONTENT_DIR = Path(__file__).parent


class MigrationExercise(kinds.MigrationExercise):
    """A revision script continuing a history of ``migrations/``, on the course's users."""

    files = CONTENT_DIR
    visible_rows = layouts.VISIBLE_USERS
    hidden_rows = layouts.HIDDEN_USERS
    naming_convention = NAMING_CONVENTION
    changed_table = "user"
    table_nouns = {"user": ("user", "users"), "post": ("post", "posts")}
    forbidden_imports = {
        "sample_app": (
            "a migration must not import the app (sample_app) or its models: the models change "
            "after the migration is written, the migration must not. Describe the tables it "
            "needs inside the script, with sa.table(...)"
        )
    }

    def metadata(self, layout: str) -> MetaData:
        return layouts.build_metadata(layout)

    def seed_tables(self, users: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        return layouts.seed_tables(self.metadata(self.start_layout), users)


class FunctionExercise(kinds.FunctionExercise):
    """A module defining a function, called on databases of the course's layouts."""

    files = CONTENT_DIR
    metadata_source = f"{layouts.__name__}:build_metadata"

    def metadata(self, layout: str) -> MetaData:
        return layouts.build_metadata(layout)


class FactoryExercise(kinds.FactoryExercise):
    """An app package's ``__init__.py``, judged beside the course's ``User`` model."""

    files = CONTENT_DIR

    def metadata(self, layout: str) -> MetaData:
        return layouts.build_metadata(layout)


class HistoryTestExercise(kinds.HistoryTestExercise):
    """A test of migration histories, run on the course's revisions and layouts."""

    files = CONTENT_DIR
    metadata_source = f"{layouts.__name__}:build_metadata"
    naming_convention = NAMING_CONVENTION
