"""Migration exercises: the answer is an Alembic revision script continuing a given history.

The script runs only in the sandbox, on scratch databases seeded at the base revision;
after each step the checker compares the schema, the rows and ``alembic_version`` with
what the exercise declares.

It is over 300 lines because its checks are declared together, in the order they run, on
one trial they share; split, the declarations would lose that order.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from ...db import postgres, postgres_limit, postgres_scratch
from .. import inside, sandbox
from ..checks import check
from ..outcomes import AnswerProblem, CheckFailed, Outcome
from ..rows import compare_rows, table_rows
from ..schema import (
    database_version,
    enum_type_differences,
    extra_objects,
    schema_differences,
)
from .base import Exercise
from .migration_trial import Database, MigrationTrial
from .source import ScriptIdentity, history_heads, script_identity

SEEDED_SQLITE_FILES: dict[tuple[str, str], bytes] = {}  # (exercise id, tag) -> database file
CHILD_SOCKET_FOLDER = "/run/postgresql"


class MigrationExercise(Exercise):
    """The answer is a revision script; judged by running it up and down on seeded data.

    The script runs in the environment the lessons give the learner: the app's constraint
    ``naming_convention`` on the target metadata, batch mode.

    ``followers`` are revisions that come after the answer (an answer that restores a lost
    revision in the middle of a history); the upgrade then goes to the last of them.

    Declared by subclasses: the history the script continues (``base_revisions``, files
    of ``files/migrations``), the layouts before and after (``start_layout``,
    ``target_layout``, built by ``metadata``), the rows seeded in every table of the start
    layout (``seed_tables``, from ``visible_rows`` or ``hidden_rows`` of ``changed_table``),
    and how each row of ``changed_table`` should look after the upgrade (``after_upgrade``;
    rows of the other tables stay as they were); ``table_nouns`` name a table's rows in
    messages (``{"user": ("user", "users")}``). ``written_after_upgrade`` are rows of
    ``changed_table`` the app adds once the upgrade is done, holding what only the upgraded
    schema allows (a longer text); the downgrade must bring them back as ``after_downgrade``
    says. ``changed_after_upgrade`` are changes the app then makes to seeded rows of
    ``changed_table`` (each names its row by ``id``, with the values written), as the code
    still running would; the downgrade must keep them (in the columns it keeps) and every
    row they changed.
    """

    base_revisions: ClassVar[tuple[str, ...]]
    followers: ClassVar[tuple[str, ...]] = ()
    merges: ClassVar[tuple[str, ...]] = ()
    start_layout: ClassVar[str]
    target_layout: ClassVar[str]
    database_kind: ClassVar[str] = "sqlite"
    naming_convention: ClassVar[dict[str, str]] = {}
    visible_rows: ClassVar[list[dict[str, Any]]]
    hidden_rows: ClassVar[list[dict[str, Any]]]
    changed_table: ClassVar[str]
    table_nouns: ClassVar[dict[str, tuple[str, str]]] = {}
    written_after_upgrade: ClassVar[list[dict[str, Any]]] = []
    changed_after_upgrade: ClassVar[list[dict[str, Any]]] = []

    def metadata(self, layout: str) -> MetaData:
        """A fresh MetaData holding the tables of ``layout``."""
        raise NotImplementedError

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        """How a seeded row of ``changed_table`` should look after the upgrade."""
        raise NotImplementedError

    @staticmethod
    def after_downgrade(row: dict[str, Any]) -> dict[str, Any]:
        """How a row of ``written_after_upgrade`` should look after the downgrade."""
        raise NotImplementedError

    def seed_tables(self, rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """The rows seeded in each table of the start layout, in an order that inserts."""
        raise NotImplementedError

    def upgraded(self, tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict]]:
        """The rows expected after the upgrade, in every table the target layout keeps."""
        kept = self.metadata(self.target_layout).tables
        return {
            name: [self.after_upgrade(dict(row)) for row in rows]
            if name == self.changed_table
            else rows
            for name, rows in tables.items()
            if name in kept
        }

    def verify_rows(
        self, trial: MigrationTrial, db: Database, when: str, expected: dict[str, list[dict]]
    ) -> None:
        """Every row of every table is there, with the values expected."""
        observed = trial.observe(db, when)
        for table, rows in expected.items():
            nouns = self.table_nouns.get(table)
            compare_rows(when, table, rows, table_rows(observed, table), nouns)

    @property
    def parents(self) -> tuple[str, ...]:
        """The revisions the answer must follow: the last one, or the heads a merge joins."""
        return self.merges or (self.base_revisions[-1].split("_", 1)[0],)

    def sandbox_sockets(
        self, open_sockets: contextlib.ExitStack, launcher: sandbox.Launcher
    ) -> tuple[tuple[str, str], ...]:
        """The PostgreSQL server's socket, for exercises about PostgreSQL checked behind
        the boundary, through a relay that lets the check hold only a few connections
        (``postgres_limit``), alone in a folder of its own (which a check running as its own
        user is let into)."""
        if self.database_kind != "postgresql" or launcher.isolation is None:
            return ()
        socket = postgres.socket_file(postgres.server_url())
        if not socket:
            return ()
        folder = open_sockets.enter_context(tempfile.TemporaryDirectory(prefix="check-pg-"))
        relay = open_sockets.enter_context(postgres_limit.ConnectionLimit(socket, Path(folder)))
        return ((relay.path, f"{CHILD_SOCKET_FOLDER}/{Path(socket).name}"),)

    @check("history")
    def history(self, trial: MigrationTrial) -> None:
        """the script continues the history: one head, right after the last migration"""
        down = trial.identity.down_revision
        named = set(trial.identity.parents)
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
        revision = trial.identity.revision
        if revision in {name.split("_", 1)[0] for name in self.base_revisions}:
            raise CheckFailed(
                f"revision {revision!r} is already the id of an earlier "
                "migration; give this one an id of its own."
            )
        stated = self.stated_revision()
        if stated is not None and revision != stated:
            raise CheckFailed(
                f"revision is {revision!r}, but the statement asks for revision {stated!r} "
                f"(the starter's id): set revision = {stated!r}."
            )
        lost = self.awaited_revision()
        if lost is not None and revision != lost:
            raise CheckFailed(
                f"revision is {revision!r}, but the next migration follows {lost!r}: the "
                f"script must have that id, revision = {lost!r}."
            )
        heads = self.heads_with(trial.identity)
        if heads != [self.head(trial)]:
            raise CheckFailed(
                f"the history should have one head, {self.head(trial)!r}; it has {heads!r}."
            )
        self.run_step(
            trial.session,
            "load_scripts",
            trial.location,
            trial.answer_file,
            what="Loading the script",
            source=trial.source,
        )

    @check("upgrade-schema", needs="history")
    def upgrade_schema(self, trial: MigrationTrial) -> None:
        """after upgrade, the schema is the target schema"""
        trial.visible_db = self.seeded_database(trial, trial.visible_rows, tag="visible")
        role = trial.visible_db.role
        if role:  # on PostgreSQL: what the server sees the upgrade run, not what seeding ran
            postgres_scratch.ddl_run_by(role)
        self.migrate(trial, trial.visible_db, "upgrade", self.head(trial))
        if role:
            trial.upgrade_ddl = postgres_scratch.ddl_run_by(role)
        self.verify_schema(trial, trial.visible_db, "upgrade", self.head(trial))

    @check("upgrade-data", needs="history")
    def upgrade_data(self, trial: MigrationTrial) -> None:
        """after upgrade, every row of every table is there with the right values"""
        trial.require(trial.visible_db, "upgraded", "the upgrade of the first database")
        expected = self.upgraded(trial.visible_rows)
        self.verify_rows(trial, trial.visible_db, "after upgrade", expected)

    @check("downgrade-schema", needs="history")
    def downgrade_schema(self, trial: MigrationTrial) -> None:
        """after downgrade, the schema is back to the start"""
        trial.require(trial.visible_db, "upgraded", "the upgrade of the first database")
        if self.written_after_upgrade or self.changed_after_upgrade:
            self.run_step(
                trial.session,
                "write_rows",
                trial.visible_db.child_url,
                self.changed_table,
                self.written_after_upgrade,
                self.changed_after_upgrade,
                what=f"Writing to {self.changed_table} after your upgrade",
                source=trial.source,
            )
            # The child that wrote them has loaded the answer, which may alter what it does:
            # the rows are read back before the downgrade is judged on them.
            self.verify_rows(
                trial,
                trial.visible_db,
                f"once the app had written to {self.changed_table} after the upgrade",
                self.written_by_the_app(trial.visible_rows),
            )
        self.migrate(trial, trial.visible_db, "downgrade", self.parents[0])
        self.verify_schema(trial, trial.visible_db, "downgrade", None)

    def written_by_the_app(self, rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict]]:
        """The rows expected after the upgrade once the app has written
        ``written_after_upgrade`` and ``changed_after_upgrade`` (a column a written row does
        not name holds NULL)."""
        expected = self.upgraded(rows)
        columns = self.metadata(self.target_layout).tables[self.changed_table].columns.keys()
        expected[self.changed_table] = self.changed_by_the_app(
            expected[self.changed_table], self.target_layout
        ) + [{name: row.get(name) for name in columns} for row in self.written_after_upgrade]
        return expected

    def changed_by_the_app(self, rows: list[dict[str, Any]], layout: str) -> list[dict]:
        """Rows of ``changed_table`` with ``changed_after_upgrade`` applied, in the columns
        ``layout``'s table has."""
        kept = self.metadata(layout).tables[self.changed_table].columns.keys()
        changes = {
            change["id"]: {key: value for key, value in change.items() if key in kept}
            for change in self.changed_after_upgrade
        }
        return [{**row, **changes.get(row.get("id"), {})} for row in rows]

    @check("downgrade-data", needs="history")
    def downgrade_data(self, trial: MigrationTrial) -> None:
        """after downgrade, every row of every table is back as before"""
        trial.require(trial.visible_db, "downgraded", "the downgrade of the first database")
        expected = dict(trial.visible_rows)
        expected[self.changed_table] = self.changed_by_the_app(
            expected[self.changed_table], self.start_layout
        ) + [self.after_downgrade(dict(row)) for row in self.written_after_upgrade]
        self.verify_rows(trial, trial.visible_db, "after downgrade", expected)

    @check("other-data", hidden=True, needs="history")
    def other_data(self, trial: MigrationTrial) -> None:
        """a round trip keeps other data (unusual names, more rows)"""
        tables = self.seed_tables(self.hidden_rows)
        trial.hidden_db = self.seeded_database(trial, tables, tag="hidden")
        self.migrate(trial, trial.hidden_db, "upgrade", self.head(trial))
        expected = self.upgraded(tables)
        self.verify_rows(trial, trial.hidden_db, "with other data, after upgrade", expected)
        self.migrate(trial, trial.hidden_db, "downgrade", self.parents[0])
        self.verify_rows(trial, trial.hidden_db, "with other data, after downgrade", tables)

    @check("upgrade-again", hidden=True, needs="history")
    def upgrade_again(self, trial: MigrationTrial) -> None:
        """upgrade, downgrade, then upgrade again reaches the target schema"""
        if trial.state(trial.hidden_db) != "downgraded":  # other-data stopped half way
            trial.hidden_db = trial.hidden_db or self.seeded_database(
                trial, self.seed_tables(self.hidden_rows), tag="hidden"
            )
            if trial.state(trial.hidden_db) != "upgraded":
                self.migrate(trial, trial.hidden_db, "upgrade", self.head(trial))
            self.migrate(trial, trial.hidden_db, "downgrade", self.parents[0])
        self.migrate(trial, trial.hidden_db, "upgrade", self.head(trial))
        self.verify_schema(trial, trial.hidden_db, "upgrade after a downgrade", self.head(trial))

    def prepare(self, source: str, private: Path, session: sandbox.Session) -> MigrationTrial:
        """Read the script's identity, and lay out the history with it in the scratch folder."""
        identity = script_identity(source)
        scratch = session.scratch
        scratch.write("migrations/env.py", inside.env_py(self.naming_convention).encode())
        for name in (*self.base_revisions, *self.followers):
            script = (self.files / "migrations" / name).read_bytes()
            scratch.write(f"migrations/versions/{name}", script)
        scratch.write("migrations/versions/answer.py", source.encode("utf-8"))
        return MigrationTrial(
            session,
            private,
            source,
            scratch.child_path("migrations"),
            scratch.child_path("migrations/versions/answer.py"),
            identity,
            self.seed_tables(self.visible_rows),
        )

    def heads_with(self, answer: ScriptIdentity) -> list[str]:
        """The heads of the base history once the answer joins it."""
        names = (*self.base_revisions, *self.followers)
        scripts = [(self.files / "migrations" / name).read_text() for name in names]
        return history_heads(scripts, answer)

    def stated_revision(self) -> str | None:
        """The revision id the statement gives the answer (the starter's), if it names it."""
        starter = script_identity(self.starter).revision
        return starter if f"`{starter}`" in self.task else None

    def awaited_revision(self) -> str | None:
        """The id the answer must have when revisions follow it: their first one's parent."""
        if not self.followers:
            return None
        first = (self.files / "migrations" / self.followers[0]).read_text()
        down = script_identity(first).down_revision
        return down if isinstance(down, str) else None

    def head(self, trial: MigrationTrial) -> str:
        """Where an upgrade ends: the answer, or the last revision that follows it."""
        return self.followers[-1].split("_", 1)[0] if self.followers else trial.identity.revision

    def migrate(self, trial: MigrationTrial, db: Database, direction: str, target: str) -> None:
        """Run the learner's upgrade or downgrade to ``target`` in the sandbox."""
        self.run_step(
            trial.session,
            "migrate",
            trial.location,
            db.child_url,
            direction,
            target,
            trial.answer_file,
            what=f"Your {direction}()",
            source=trial.source,
        )
        trial.states[db.child_url] = f"{direction}d"

    def refused_and_kept(
        self,
        trial: MigrationTrial,
        db: Database,
        direction: str,
        expected: dict[str, list[dict[str, Any]]],
        situation: str,
    ) -> None:
        """``direction`` must fail on ``db``, whose rows the schema it makes cannot hold
        (``situation`` says why), and leave every row as ``expected``: a migration that
        succeeded there changed or deleted some, whatever the statement says to keep."""
        target = self.head(trial) if direction == "upgrade" else self.parents[0]
        when = f"{situation}, after your {direction}()"
        try:
            self.migrate(trial, db, direction, target)
        except AnswerProblem as problem:
            if problem.outcome is not Outcome.ERROR:
                raise
            self.verify_rows(trial, db, f"{when} failed", expected)
            return
        self.verify_rows(trial, db, when, expected)
        raise CheckFailed(
            f"{situation}, your {direction}() succeeded: the schema it made cannot hold every "
            "row as it was, so it must fail and leave them as they were."
        )

    def verify_schema(
        self, trial: MigrationTrial, db: Database, when: str, revision: str | None
    ) -> None:
        """The schema is the target (``revision`` given) or the start one, and so is the version."""
        layout = self.target_layout if revision else self.start_layout
        expected_version = [revision] if revision else sorted(self.parents)
        metadata = self.metadata(layout)
        observed = trial.observe(db, f"after {when}")
        differences = schema_differences(observed, metadata)
        differences += enum_type_differences(observed, metadata)
        differences += extra_objects(observed)
        if differences:
            raise CheckFailed(f"after {when}, " + "; ".join(differences) + ".")
        version = database_version(observed)
        if version != expected_version:
            raise CheckFailed(
                f"after {when}, alembic_version holds {version!r} instead of {expected_version!r}."
            )

    def seeded_database(
        self, trial: MigrationTrial, rows: dict[str, list[dict[str, Any]]], tag: str
    ) -> Database:
        """A database at the base revision holding ``rows``, built from trusted scripts only,
        in the checker's own folder, then given to the child.

        On SQLite a file copied into the scratch folder (built once per process and tag); on
        PostgreSQL a new schema of the server.
        """
        if self.database_kind == "postgresql":
            space = postgres_scratch.create()
            self.seed(trial.private / f"base-{tag}", space.learner_url, rows)
            child_url = space.learner_url
            if trial.session.sockets:
                relay = trial.session.child_socket_path(trial.session.sockets[0][0])
                child_url = postgres.through_socket_folder(child_url, os.path.dirname(relay))
            return Database(child_url, None, space.inspector_url, space.learner_url, space.role)
        key = (self.id, tag)
        if key not in SEEDED_SQLITE_FILES:
            path = trial.private / f"seeded-{tag}.db"
            self.seed(trial.private / f"base-{tag}", f"sqlite:///{path}", rows)
            SEEDED_SQLITE_FILES[key] = path.read_bytes()
        trial.session.scratch.write(f"{tag}.db", SEEDED_SQLITE_FILES[key])
        return Database(f"sqlite:///{trial.session.scratch.child_path(tag + '.db')}", f"{tag}.db")

    def seed(self, base: Path, url: str, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Upgrade an empty database through the base revisions, then insert ``rows``."""
        versions = base / "versions"
        versions.mkdir(parents=True)
        (base / "env.py").write_text(inside.env_py(self.naming_convention))
        for name in self.base_revisions:
            (versions / name).write_bytes((self.files / "migrations" / name).read_bytes())
        command.upgrade(inside.alembic_config(str(base), url), "heads")
        engine = create_engine(url, poolclass=NullPool)
        tables = self.metadata(self.start_layout).tables
        with engine.begin() as connection:
            for name, table_rows_ in rows.items():
                connection.execute(insert(tables[name]), table_rows_)
            if engine.dialect.name == "postgresql":
                continue_sequences(connection, list(tables.values()))
        engine.dispose()


def continue_sequences(connection: Connection, tables: list[Table]) -> None:
    """Set each key column's sequence after the largest value seeded, as if the app had
    added the rows: seeds give every row its key, so the sequences never moved."""
    for table in tables:
        for column in table.primary_key.columns:
            largest = connection.execute(select(func.max(column))).scalar()
            if largest is not None:
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, :column), :value)"),
                    {
                        "table": connection.dialect.identifier_preparer.quote(table.name),
                        "column": column.name,
                        "value": largest,
                    },
                )
