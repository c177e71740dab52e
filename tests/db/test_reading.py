"""Reading a database never changes it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from checker.db import reading as database


@pytest.fixture
def sample_db(tmp_path):
    path = tmp_path / "sample.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            'CREATE TABLE "user" (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, '
            "CONSTRAINT uq_user_name UNIQUE (name))"
        )
        connection.executemany('INSERT INTO "user" (id, name) VALUES (?, ?)', [(2, "b"), (1, "a")])
    connection.close()
    return path


def test_missing_file_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        database.open_sqlite_readonly(tmp_path / "absent.db")
    assert not (tmp_path / "absent.db").exists()


def test_readonly_engine_cannot_write(sample_db):
    engine = database.open_sqlite_readonly(sample_db)
    with engine.connect() as connection, pytest.raises(OperationalError, match="readonly"):
        connection.execute(text('DELETE FROM "user"'))


def test_describe_and_fetch_rows(sample_db):
    engine = database.open_sqlite_readonly(sample_db)
    tables = database.describe(engine)
    assert list(tables) == ["user"]
    user = tables["user"]
    assert [(c.name, c.type, c.nullable, c.primary_key) for c in user.columns] == [
        ("id", "INTEGER", True, True),
        ("name", "VARCHAR(20)", False, False),
    ]
    assert user.unique_constraints == (("uq_user_name", ("name",)),)
    assert database.fetch_rows(engine, "user") == (["id", "name"], [(1, "a"), (2, "b")])
