"""Scratch space on a PostgreSQL server for one check: a schema owned by a role of its own.

Learner migrations run as that role, which owns its schema and nothing else: it is no
superuser, cannot create roles or databases, and its sessions have time limits on
statements, locks and idle transactions. Whatever it does on the server (an event
trigger, ``COPY ... TO PROGRAM``, a lock held while sleeping) cannot reach another
check. After the check the checker ends the role's sessions, then drops its schema and
the role, each under a time limit of its own.

The checker reads the schema (its catalogs, rows and locks) as a second role of the space,
the inspector: no superuser either, a member of the learner's role, so it reads what the
learner's role may and no more. Whatever learner code planted that runs when it is read (a
cast, a function in a default or a view) runs with those rights only; as the server's
superuser it could rewrite the server's configuration or a classmate's checks.

The schemas of one process live in a database of that process's own, which only their
roles may connect to: some waits are per database (``CREATE INDEX CONCURRENTLY`` waits
for every older transaction of its database), so a transaction a learner holds open in
one grading worker must not hold up a classmate's check in another. A process's database
is dropped when a later process finds its process gone, and with the server.

That database also holds the server's record of the DDL statements each check's role runs
(``OBSERVER``, an event trigger only a superuser may make): the module's 310 lines are the
spaces and that record, which share the database and its administration.
"""

from __future__ import annotations

import functools
import os
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
# Limits only a superuser may set, which the role cannot lift: the temporary files one
# session may write (a sort or hash spilled to disk), set where the administrator may.
SUPERUSER_LIMITS = {"temp_file_limit": "256MB"}
ADMIN_LIMITS = "-c statement_timeout=10000 -c lock_timeout=5000"
CONNECTION_LIMIT = 4

DATABASE_PREFIX = "checks_of_"
# What the server records of every DDL statement a check's role runs to its end, with the
# limits in force and whether the session set them (source "session") or they are the role's.
OBSERVER = "course_observer"
OBSERVER_STATEMENTS = [
    f"CREATE SCHEMA {OBSERVER}",
    f"REVOKE ALL ON SCHEMA {OBSERVER} FROM PUBLIC",
    f"CREATE TABLE {OBSERVER}.ddl (seen bigint GENERATED ALWAYS AS IDENTITY, role name, "
    "tag text, lock_timeout text, lock_source text, statement_timeout text, "
    "statement_source text, query text)",
    f"""CREATE FUNCTION {OBSERVER}.record_ddl() RETURNS event_trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  IF session_user <> current_user THEN
    INSERT INTO {OBSERVER}.ddl (role, tag, lock_timeout, lock_source, statement_timeout,
                                statement_source, query)
    SELECT session_user, tg_tag, l.setting, l.source, s.setting, s.source,
           left(current_query(), 300)
    FROM pg_settings l, pg_settings s
    WHERE l.name = 'lock_timeout' AND s.name = 'statement_timeout';
  END IF;
END $$""",
    f"REVOKE ALL ON FUNCTION {OBSERVER}.record_ddl() FROM PUBLIC",
    # at the end of the statement: a write before DROP INDEX CONCURRENTLY would refuse it
    f"CREATE EVENT TRIGGER {OBSERVER}_ddl ON ddl_command_end "
    f"EXECUTE FUNCTION {OBSERVER}.record_ddl()",
    f"ALTER EVENT TRIGGER {OBSERVER}_ddl ENABLE ALWAYS",
]
_spaces: list[ScratchSpace] = []
_admin_engines: dict[str, Engine] = {}
_databases: dict[str, str] = {}  # server URL -> this process's database on it
_observed: set[str] = set()  # the databases where the server records DDL (OBSERVER)


@dataclass(frozen=True)
class DdlSeen:
    """A DDL statement the server saw a role run: its command, each limit's value and
    whether the session had set it, and the statement (or the ``DO`` block) it came from."""

    tag: str
    lock_timeout: str
    lock_timeout_set: bool
    statement_timeout: str
    statement_timeout_set: bool
    query: str


@dataclass(frozen=True)
class ScratchSpace:
    """A schema, the role that owns it and the role that inspects it; the URLs put the
    schema first on the path (``database_url`` is the administrator's, on the schema's
    database)."""

    schema: str
    role: str
    learner_url: str
    admin_url: str
    database_url: str
    inspector: str
    inspector_url: str


def create() -> ScratchSpace:
    """A new, empty schema owned by a new unprivileged role, on the course's server."""
    server = _own_database_url()
    name = uuid.uuid4().hex[:16]
    schema, role, password = f"scratch_{name}", f"learner_{name}", secrets.token_hex(16)
    inspector, inspector_password = f"inspector_{name}", secrets.token_hex(16)
    statements = [
        *_unprivileged_role(server, role, password, schema),
        *_unprivileged_role(server, inspector, inspector_password, schema),
        f'CREATE SCHEMA "{schema}" AUTHORIZATION "{role}"',
        f'GRANT "{role}" TO "{inspector}"',
    ]
    _execute(server, statements)
    space = ScratchSpace(
        schema,
        role,
        _in_schema(make_url(server).set(username=role, password=password), schema),
        _in_schema(make_url(server), schema, limits=ADMIN_LIMITS),
        server,
        inspector,
        _in_schema(
            make_url(server).set(username=inspector, password=inspector_password),
            schema,
            limits=ADMIN_LIMITS,
        ),
    )
    _spaces.append(space)
    return space


def _unprivileged_role(server: str, role: str, password: str, schema: str) -> list[str]:
    """The statements that make a role that may log in to this process's database, with
    the roles' time limits and ``schema`` on its path, and no privilege beyond."""
    return [
        f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB "
        f"NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT {CONNECTION_LIMIT}",
        *(f"ALTER ROLE \"{role}\" SET {key} = '{value}'" for key, value in _limits(server)),
        f'ALTER ROLE "{role}" SET search_path = "{schema}"',
        f'GRANT CONNECT ON DATABASE "{_own_database()}" TO "{role}"',
    ]


def drop_all() -> None:
    """End the sessions of every role made by ``create``, then drop their schemas and roles.

    A session just terminated may hold its locks a moment longer: a drop that times out on a
    lock is tried again. What still fails is reported after every space was tried.
    """
    failures = []
    while _spaces:
        space = _spaces.pop()
        try:
            roles = [space.inspector, space.role]
            _execute(
                postgres.server_url(),
                [
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE usename IN ('{space.inspector}', '{space.role}')"
                ],
            )
            statements = [f'DROP SCHEMA IF EXISTS "{space.schema}" CASCADE']
            if make_url(space.database_url).database in _observed:
                statements.append(f"DELETE FROM {OBSERVER}.ddl WHERE role = '{space.role}'")
            statements += [f'DROP OWNED BY "{role}"' for role in roles]
            for statement in statements:
                _execute(space.database_url, [statement], attempts=3)
            for database in _other_databases_with_objects_of(roles, space.database_url):
                url = make_url(space.database_url).set(database=database)
                owned = [f'DROP OWNED BY "{role}"' for role in roles]
                _execute(url.render_as_string(hide_password=False), owned, attempts=3)
            for role in roles:
                _execute(postgres.server_url(), [f'DROP ROLE IF EXISTS "{role}"'], attempts=3)
        except postgres.PostgresUnavailable as error:
            failures.append(str(error))
    if failures:
        raise postgres.PostgresUnavailable("; ".join(failures))


def _other_databases_with_objects_of(roles: list[str], own_url: str) -> list[str]:
    """The databases other than the space's where ``roles`` own objects or hold privileges
    (on a server whose other databases let every role in, such as an existing one): what
    is there would keep the role from being dropped, and stay."""
    own = make_url(own_url).database
    with _admin_engine(postgres.server_url()).connect() as connection:
        names = connection.execute(
            text(
                "SELECT DISTINCT d.datname FROM pg_shdepend s "
                "JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.refobjid "
                "WHERE r.rolname = ANY(:roles) AND d.datname <> :own"
            ),
            {"roles": roles, "own": own},
        ).scalars()
        return list(names)


def dispose() -> None:
    """Close the checker's administration connections (the server is stopping)."""
    while _admin_engines:
        _admin_engines.popitem()[1].dispose()
    _databases.clear()
    _observed.clear()


def _own_database_url() -> str:
    """The administrator's URL of this process's database."""
    url = make_url(postgres.server_url()).set(database=_own_database())
    return url.render_as_string(hide_password=False)


def _own_database() -> str:
    """This process's database on the server (made on first use, open to no one else);
    the databases of processes that have ended are dropped first."""
    server = postgres.server_url()
    if server not in _databases:
        engine = _admin_engine(server)
        with engine.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                {"pattern": f"{DATABASE_PREFIX}%"},
            ).scalars()
            ended = [n for n in names if not postgres.running(int(n.split("_")[2]))]
        name = f"{DATABASE_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        statements = [f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in ended]
        statements += [
            f'CREATE DATABASE "{name}" TEMPLATE template0',
            f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC',
        ]
        _execute(server, statements)
        _databases[server] = name
        own = make_url(server).set(database=name).render_as_string(hide_password=False)
        try:  # only a superuser may make an event trigger (an existing server's may not be)
            _execute(own, OBSERVER_STATEMENTS)
            _observed.add(name)
        except postgres.PostgresUnavailable:
            _execute(own, [f"DROP SCHEMA IF EXISTS {OBSERVER} CASCADE"])
    return _databases[server]


def ddl_run_by(role: str) -> list[DdlSeen] | None:
    """The DDL statements the server saw ``role`` run since the last call, in order (and
    forgotten); None where the server records none (its administrator is no superuser)."""
    if _own_database() not in _observed:
        return None
    with _admin_engine(_own_database_url()).connect() as connection:
        rows = connection.execute(
            text(
                f"DELETE FROM {OBSERVER}.ddl WHERE role = :role RETURNING seen, tag, "
                "lock_timeout, lock_source, statement_timeout, statement_source, query"
            ),
            {"role": role},
        ).all()
    return [
        DdlSeen(tag, lock, lock_source == "session", statement, statement_source == "session",
                query)  # fmt: skip
        for _, tag, lock, lock_source, statement, statement_source, query in sorted(rows)
    ]


def _in_schema(url, schema: str, limits: str = "") -> str:
    options = f"-csearch_path={schema}" + (f" {limits}" if limits else "")
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


@functools.cache
def _limits(url: str) -> tuple[tuple[str, str], ...]:
    """``ROLE_LIMITS``, and ``SUPERUSER_LIMITS`` too where the administrator is a superuser
    (the embedded server's is; an existing server's may not be)."""
    with _admin_engine(url).connect() as connection:
        superuser = connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    return tuple({**ROLE_LIMITS, **(SUPERUSER_LIMITS if superuser else {})}.items())


def _execute(url: str, statements: list[str], attempts: int = 1) -> None:
    """Run statements in autocommit mode under the administrator's time limits."""
    engine = _admin_engine(url)
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


def _admin_engine(url: str) -> Engine:
    """The administrator's connection to ``url``, with the administrator's time limits."""
    engine = _admin_engines.get(url)
    if engine is None:
        limited = make_url(url).update_query_dict({"options": ADMIN_LIMITS})
        engine = create_engine(limited, pool_size=1, isolation_level="AUTOCOMMIT")
        _admin_engines[url] = engine
    return engine
