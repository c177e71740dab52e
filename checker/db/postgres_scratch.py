"""Scratch space on a PostgreSQL server for one check: a schema owned by a role of its own.

Learner migrations run as that role, which owns its schema and nothing else: it is no
superuser, cannot create roles or databases, and its sessions have time limits on
statements, locks and idle transactions. Whatever it does on the server (an event
trigger, ``COPY ... TO PROGRAM``, a lock held while sleeping) cannot reach another
check. After the check the checker ends the role's sessions, then drops its schema and
the role, each under a time limit of its own.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from . import postgres

ROLE_LIMITS = {
    "statement_timeout": "10s",
    "lock_timeout": "5s",
    "idle_in_transaction_session_timeout": "10s",
}
ADMIN_LIMITS = "-c statement_timeout=10000 -c lock_timeout=5000"
CONNECTION_LIMIT = 4

_spaces: list[ScratchSpace] = []
_admin_engines: dict[str, Engine] = {}


@dataclass(frozen=True)
class ScratchSpace:
    """A schema and the role that owns it; the URLs put the schema first on the path."""

    schema: str
    role: str
    learner_url: str
    admin_url: str


def create() -> ScratchSpace:
    """A new, empty schema owned by a new unprivileged role, on the course's server."""
    server = postgres.server_url()
    name = uuid.uuid4().hex[:16]
    schema, role, password = f"scratch_{name}", f"learner_{name}", secrets.token_hex(16)
    statements = [
        f'CREATE ROLE "{role}" LOGIN PASSWORD \'{password}\' NOSUPERUSER NOCREATEDB '
        f"NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT {CONNECTION_LIMIT}",
        *(f'ALTER ROLE "{role}" SET {key} = \'{value}\'' for key, value in ROLE_LIMITS.items()),
        f'ALTER ROLE "{role}" SET search_path = "{schema}"',
        f'CREATE SCHEMA "{schema}" AUTHORIZATION "{role}"',
    ]
    _execute(server, statements)
    space = ScratchSpace(
        schema,
        role,
        _in_schema(make_url(server).set(username=role, password=password), schema),
        _in_schema(make_url(server), schema, limits=ADMIN_LIMITS),
    )
    _spaces.append(space)
    return space


def drop_all() -> None:
    """End the sessions of every role made by ``create``, then drop their schemas and roles.

    A session just terminated may hold its locks a moment longer: a drop that times out on a
    lock is tried again. What still fails is reported after every space was tried.
    """
    failures = []
    while _spaces:
        space = _spaces.pop()
        try:
            _execute(
                postgres.server_url(),
                [
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE usename = '{space.role}'"
                ],
            )
            for statement in (
                f'DROP SCHEMA IF EXISTS "{space.schema}" CASCADE',
                f'DROP OWNED BY "{space.role}"',
                f'DROP ROLE IF EXISTS "{space.role}"',
            ):
                _execute(postgres.server_url(), [statement], attempts=3)
        except postgres.PostgresUnavailable as error:
            failures.append(str(error))
    if failures:
        raise postgres.PostgresUnavailable("; ".join(failures))


def dispose() -> None:
    """Close the checker's administration connections (the server is stopping)."""
    while _admin_engines:
        _admin_engines.popitem()[1].dispose()


def _in_schema(url, schema: str, limits: str = "") -> str:
    options = f"-csearch_path={schema}" + (f" {limits}" if limits else "")
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _execute(url: str, statements: list[str], attempts: int = 1) -> None:
    """Run statements in autocommit mode under the administrator's time limits."""
    engine = _admin_engines.get(url)
    if engine is None:
        limited = make_url(url).update_query_dict({"options": ADMIN_LIMITS})
        engine = create_engine(limited, pool_size=1, isolation_level="AUTOCOMMIT")
        _admin_engines[url] = engine
    for attempt in range(attempts):
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
            return
        except SQLAlchemyError as error:
            if attempt + 1 < attempts:
                time.sleep(0.2)
                continue
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise postgres.PostgresUnavailable(f"scratch space failed: {reason}") from None
