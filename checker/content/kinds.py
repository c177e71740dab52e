"""The exercise kinds with this course's settings: its files, table layouts and users.

Lesson modules subclass these, so that each exercise declares only what is its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData

from sample_app.extensions import NAMING_CONVENTION

from ..judge import kinds
from ..judge.checks import check
from ..judge.kinds.migration_trial import Database, MigrationTrial
from ..judge.outcomes import AnswerProblem, CheckFailed, Outcome
from . import layouts
from .traffic import WriterHoldingTheTable

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

    @staticmethod
    def sharing_an_address(users: list[dict[str, Any]]) -> dict[str, Any]:
        """A new user with the first user's email address, under a name of their own."""
        return {
            "id": max(user["id"] for user in users) + 1,
            "username": "shares_an_address",
            "email": users[0]["email"],
        }


class LintedMigrationExercise(kinds.LintedMigrationExercise, MigrationExercise):
    """A migration of the course's users that must pass squawk as well."""


class GivesWayMigrationExercise(LintedMigrationExercise):
    """A migration that must wait for the table's lock, and gives way while it cannot get
    it: the app's queries must not queue behind it for longer than a few seconds."""

    database_kind = "postgresql"

    @check("gives-way-when-blocked", after="upgrade-data", needs="upgrade-schema", slow=True)
    def gives_way_when_blocked(self, trial: MigrationTrial) -> None:
        """blocked by a long transaction on user, the upgrade gives up on its own, then runs"""
        database = self.seeded_database(trial, trial.visible_rows, tag="held")
        with WriterHoldingTheTable(database) as writer:
            gave_up = None if writer.trouble else self.upgrade_while_held(trial, database)
            insert_error = writer.app_insert_error() if gave_up else None
        if writer.trouble is not None:
            raise CheckFailed(f"the checker could not hold the table: {writer.trouble}.")
        if not gave_up:
            raise CheckFailed(
                "while another transaction was writing to user, your upgrade went through "
                "without waiting for it: the check expected it to wait for a lock on user."
            )
        if writer.waited_for is None:
            raise CheckFailed(
                f"your upgrade stopped ({gave_up}), but the server's lock table never showed it "
                "waiting for a lock on user: it should try to change user, and give way only "
                "while another transaction is in the way."
            )
        self.verify_schema(trial, database, "the upgrade gave up", None)
        if insert_error is not None:
            raise CheckFailed(
                f"after your upgrade gave up, the app still could not add a user ({insert_error})."
            )
        self.migrate(trial, database, "upgrade", self.head(trial))
        self.verify_schema(trial, database, "the upgrade ran again", self.head(trial))

    def upgrade_while_held(self, trial: MigrationTrial, database: Database) -> str | None:
        """Run the upgrade while the table is held: how it gave up (the first line of its
        error), or None when it went through.

        Any error counts, not only PostgreSQL's own timeouts: an upgrade may catch one and
        raise its own, or retry and then give up. The check goes on to ask of the server
        whether the upgrade waited for a lock on user, and whether it left the database as it
        was and runs once the table is free."""
        try:
            self.migrate(trial, database, "upgrade", self.head(trial))
        except AnswerProblem as problem:
            if problem.outcome is Outcome.TIMED_OUT:
                raise CheckFailed(
                    "while another transaction was writing to user, your upgrade waited for "
                    f"its lock until it was stopped after {trial.session.timeout:g} s, and "
                    "every query on user queued behind it. Set a lock_timeout of a few "
                    "seconds first (SET LOCAL lock_timeout), so that it gives up instead."
                ) from None
            if problem.outcome is not Outcome.ERROR:
                raise
            lines = (problem.detail or problem.message).strip().splitlines()
            return lines[0].strip()[:200] if lines else "an error"
        return None


class FunctionExercise(kinds.FunctionExercise):
    """A module defining a function, called on databases of the course's layouts."""

    files = CONTENT_DIR
    metadata_source = f"{layouts.__name__}:build_metadata"

    def metadata(self, layout: str) -> MetaData:
        return layouts.build_metadata(layout)

    def database_rows(self, metadata: MetaData) -> dict[str, list[dict[str, Any]]]:
        return layouts.seed_tables(metadata, layouts.VISIBLE_USERS)


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
