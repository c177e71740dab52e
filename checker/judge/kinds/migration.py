"""Migration exercises: the answer is an Alembic revision script continuing a given history.

The script runs only in the sandbox, on scratch databases seeded at the base revision;
after each step the checker compares the schema, the rows and ``alembic_version`` with
what the exercise declares.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from sqlalchemy import MetaData, create_engine, insert
from sqlalchemy.pool import NullPool

from ...db import postgres
from .. import inside, sandbox
from ..checks import check
from ..inspection import (
    compare_rows,
    database_version,
    enum_type_differences,
    schema_differences,
    user_rows,
)
from ..outcomes import AnswerProblem, CheckFailed, Outcome
from .base import Exercise
from .source import module_assignments, module_functions

SEEDED_SQLITE_FILES: dict[tuple[str, str], bytes] = {}  # (exercise id, tag) -> database file


@dataclass
class MigrationTrial:
    """One answer under judgement: its sandbox, its migrations folder and its revision."""

    session: sandbox.Session
    scratch: Path
    location: Path
    answer_file: Path
    revision: str
    down_revision: Any
    visible_rows: list[dict[str, Any]]
    visible_db: str = ""
    hidden_rows: list[dict[str, Any]] | None = None
    hidden_db: str = ""


class MigrationExercise(Exercise):
    """The answer is a revision script; judged by running it up and down on seeded data.

    Declared by subclasses: the history the script continues (``base_revisions``, files
    of ``files/migrations``), the layouts before and after (``start_layout``,
    ``target_layout``, built by ``metadata``), the users seeded, and how each user row
    should look after the upgrade (``after_upgrade``).
    """

    base_revisions: ClassVar[tuple[str, ...]]
    merges: ClassVar[tuple[str, ...]] = ()
    start_layout: ClassVar[str]
    target_layout: ClassVar[str]
    database_kind: ClassVar[str] = "sqlite"
    visible_users: ClassVar[list[dict[str, Any]]]
    hidden_users: ClassVar[list[dict[str, Any]]]

    def metadata(self, layout: str) -> MetaData:
        """A fresh MetaData holding the tables of ``layout``."""
        raise NotImplementedError

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        """How a seeded user row should look after the upgrade."""
        raise NotImplementedError

    @property
    def parents(self) -> tuple[str, ...]:
        """The revisions the answer must follow: the last one, or the heads a merge joins."""
        return self.merges or (self.base_revisions[-1].split("_", 1)[0],)

    @check("history")
    def history(self, trial: MigrationTrial) -> None:
        """the script continues the history: one head, right after the last migration"""
        down = trial.down_revision
        named = set(down) if isinstance(down, (tuple, list)) else {down}
        if self.merges and named != set(self.merges):
            raise CheckFailed(
                f"down_revision is {down!r}, but a merge must name both heads it joins: "
                f"down_revision = {self.merges!r}."
            )
        if not self.merges and down != self.parents[0]:
            raise CheckFailed(
                f"down_revision is {down!r}, but this migration comes right after the last "
                f"one, {self.parents[0]!r}: set down_revision = {self.parents[0]!r}."
            )
        if trial.revision in {name.split("_", 1)[0] for name in self.base_revisions}:
            raise CheckFailed(
                f"revision {trial.revision!r} is already the id of an earlier "
                "migration; give this one an id of its own."
            )
        facts = self.run_step(
            trial.session,
            "history",
            str(trial.location),
            str(trial.answer_file),
            what="Loading the script",
        )
        heads = facts.get("heads")
        if heads != [trial.revision]:
            raise CheckFailed(
                f"the history should have one head, {trial.revision!r}; it has {heads!r}."
            )

    @check("upgrade-schema", needs="history")
    def upgrade_schema(self, trial: MigrationTrial) -> None:
        """after upgrade, the schema is the target schema"""
        trial.visible_db = self.seeded_database(trial.scratch, trial.visible_rows, tag="visible")
        self.migrate(trial, trial.visible_db, "upgrade", trial.revision)
        self.verify_schema(trial.visible_db, "upgrade", trial.revision)

    @check("upgrade-data", needs="history")
    def upgrade_data(self, trial: MigrationTrial) -> None:
        """after upgrade, every user is there with the right values"""
        expected = [self.after_upgrade(dict(row)) for row in trial.visible_rows]
        compare_rows("after upgrade", expected, user_rows(trial.visible_db))

    @check("downgrade-schema", needs="history")
    def downgrade_schema(self, trial: MigrationTrial) -> None:
        """after downgrade, the schema is back to the start"""
        self.migrate(trial, trial.visible_db, "downgrade", self.parents[0])
        self.verify_schema(trial.visible_db, "downgrade", None)

    @check("downgrade-data", needs="history")
    def downgrade_data(self, trial: MigrationTrial) -> None:
        """after downgrade, every user is back as before"""
        compare_rows("after downgrade", trial.visible_rows, user_rows(trial.visible_db))

    @check("other-data", hidden=True, needs="history")
    def other_data(self, trial: MigrationTrial) -> None:
        """a round trip keeps the data of other users (unusual names, more rows)"""
        rows = self.seed_rows(self.hidden_users)
        trial.hidden_db = self.seeded_database(trial.scratch, rows, tag="hidden")
        self.migrate(trial, trial.hidden_db, "upgrade", trial.revision)
        expected = [self.after_upgrade(dict(row)) for row in rows]
        compare_rows("with other users, after upgrade", expected, user_rows(trial.hidden_db))
        self.migrate(trial, trial.hidden_db, "downgrade", self.parents[0])
        compare_rows("with other users, after downgrade", rows, user_rows(trial.hidden_db))

    @check("upgrade-again", hidden=True, needs="history")
    def upgrade_again(self, trial: MigrationTrial) -> None:
        """upgrade, downgrade, then upgrade again reaches the target schema"""
        self.migrate(trial, trial.hidden_db, "upgrade", trial.revision)
        self.verify_schema(trial.hidden_db, "upgrade after a downgrade", trial.revision)

    def prepare(self, source: str, scratch: Path, session: sandbox.Session) -> MigrationTrial:
        """Read the script's identity, and lay out the history with it in ``scratch``."""
        revision, down_revision = script_identity(source)
        location = scratch / "migrations"
        versions = location / "versions"
        versions.mkdir(parents=True)
        (location / "env.py").write_text(inside.ENV_PY)
        for name in self.base_revisions:
            shutil.copy(self.files / "migrations" / name, versions / name)
        answer_file = versions / "answer.py"
        answer_file.write_text(source, encoding="utf-8")
        return MigrationTrial(
            session,
            scratch,
            location,
            answer_file,
            revision,
            down_revision,
            self.seed_rows(self.visible_users),
        )

    def seed_rows(self, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows seeded before the upgrade, shaped for the start layout."""
        columns = self.metadata(self.start_layout).tables["user"].columns.keys()
        rows = []
        for number, user in enumerate(users):
            row = {"id": user["id"], "username": user["username"], "email": user["email"]}
            if "password_hash" in columns:
                row["password_hash"] = None if number % 3 == 0 else f"hash-{user['id']}"
            if "bio" in columns:
                row["bio"] = None if number % 4 == 1 else f"{user['username']} writes here"
            rows.append(row)
        return rows

    def migrate(self, trial: MigrationTrial, db: str, direction: str, target: str) -> None:
        """Run the learner's upgrade or downgrade to ``target`` in the sandbox."""
        self.run_step(
            trial.session,
            "migrate",
            str(trial.location),
            db,
            direction,
            target,
            str(trial.answer_file),
            what=f"Your {direction}()",
        )

    def verify_schema(self, db: str, when: str, revision: str | None) -> None:
        """The schema is the target (``revision`` given) or the start one, and so is the version."""
        layout = self.target_layout if revision else self.start_layout
        expected_version = [revision] if revision else sorted(self.parents)
        metadata = self.metadata(layout)
        differences = schema_differences(db, metadata) + enum_type_differences(db, metadata)
        if differences:
            raise CheckFailed(f"after {when}, " + "; ".join(differences) + ".")
        version = database_version(db)
        if version != expected_version:
            raise CheckFailed(
                f"after {when}, alembic_version holds {version!r} instead of {expected_version!r}."
            )

    def seeded_database(self, scratch: Path, rows: list[dict[str, Any]], tag: str) -> str:
        """A database at the base revision holding ``rows``, built from trusted scripts only.

        Returns its URL: a SQLite file in ``scratch`` (built once per process and tag, then
        copied), or a new schema on a PostgreSQL server for exercises about PostgreSQL.
        """
        if self.database_kind == "postgresql":
            url = postgres.scratch_schema()
            self.seed(scratch, url, rows, tag)
            return url
        path = scratch / f"{tag}.db"
        key = (self.id, tag)
        if key in SEEDED_SQLITE_FILES:
            path.write_bytes(SEEDED_SQLITE_FILES[key])
        else:
            self.seed(scratch, f"sqlite:///{path}", rows, tag)
            SEEDED_SQLITE_FILES[key] = path.read_bytes()
        return f"sqlite:///{path}"

    def seed(self, scratch: Path, url: str, rows: list[dict[str, Any]], tag: str) -> None:
        """Upgrade an empty database through the base revisions, then insert ``rows``."""
        base = scratch / f"base-{tag}"
        versions = base / "versions"
        versions.mkdir(parents=True)
        (base / "env.py").write_text(inside.ENV_PY)
        for name in self.base_revisions:
            shutil.copy(self.files / "migrations" / name, versions / name)
        command.upgrade(inside.alembic_config(str(base), url), "heads")
        engine = create_engine(url, poolclass=NullPool)
        table = self.metadata(self.start_layout).tables["user"]
        with engine.begin() as connection:
            connection.execute(insert(table), rows)
        engine.dispose()


def script_identity(source: str) -> tuple[str, Any]:
    """The script's ``revision`` and ``down_revision``, read without running it.

    A script without ``upgrade()`` and ``downgrade()``, or without a plain string
    revision id, cannot be judged at all.
    """
    functions = module_functions(source)
    for name in ("upgrade", "downgrade"):
        if name not in functions:
            raise AnswerProblem(
                Outcome.FAILED,
                f"The script defines no {name}() function. Every migration needs both "
                "upgrade() and downgrade(): Alembic calls them on upgrade and downgrade.",
            )
    values = module_assignments(source)
    revision = values.get("revision")
    if type(revision) is not str or not revision:
        raise AnswerProblem(
            Outcome.FAILED,
            "The script needs a line like revision = 'abc123def456': the revision id, "
            "as a plain string.",
        )
    return revision, values.get("down_revision")
