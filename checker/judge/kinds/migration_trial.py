"""One migration answer under judgement: where its scripts and databases are, for the
child and for the checker, and how the checker observes a database the child changed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...db import postgres_scratch
from .. import sandbox
from ..outcomes import CheckFailed
from .source import ScriptIdentity


@dataclass(frozen=True)
class Database:
    """A database the child migrates: its URL for the child, and either its file in the
    scratch folder or (on PostgreSQL) the URL the checker inspects it through.

    On PostgreSQL, ``inspect_url`` is the space's inspector role (``postgres_scratch``),
    no superuser, which may read what the learner's role may: the catalogs, the rows, the
    server's locks. What the app does (adding a user) goes through ``app_url``, the
    learner's own role, as the child's migrations do; ``role`` is that role's name, whose
    DDL statements the server records.
    """

    child_url: str
    scratch_file: str | None = None
    inspect_url: str = ""
    app_url: str = ""
    role: str = ""


@dataclass
class MigrationTrial:
    """One answer under judgement: its sandbox, its migrations folder and its revision.

    ``private`` is the checker's own folder, out of the child's reach: databases are
    seeded there and copied out there before they are inspected.
    """

    session: sandbox.Session
    private: Path
    source: str
    location: str
    answer_file: str
    identity: ScriptIdentity
    visible_rows: dict[str, list[dict[str, Any]]]
    visible_db: Database | None = None
    hidden_db: Database | None = None
    upgrade_ddl: list[postgres_scratch.DdlSeen] | None = None  # what the server saw it run
    copies: itertools.count = field(default_factory=itertools.count)
    states: dict[str, str] = field(default_factory=dict)

    def state(self, database: Database | None) -> str:
        """What was last done to a database: "upgraded", "downgraded", or "" (seeded, or none)."""
        return self.states.get(database.child_url, "") if database else ""

    def require(self, database: Database | None, state: str, what: str) -> None:
        """A check that works on what an earlier step did fails (never passes) without it."""
        if self.state(database) != state:
            raise CheckFailed(f"this could not be judged: {what} did not complete.")

    def observe(self, database: Database, when: str) -> str:
        """A URL the checker may inspect: the database as the child left it, copied out."""
        if database.scratch_file is None:
            return database.inspect_url
        copy = self.private / f"observed-{next(self.copies)}.db"
        if not self.session.scratch.copy_out(database.scratch_file, copy):
            raise CheckFailed(f"{when}, the database file {database.scratch_file} is gone.")
        return f"sqlite:///{copy}"
