"""Facts about a database, read through SQLAlchemy's inspector.

Everything here opens SQLite files read-only, so looking at a database never changes it
and never creates a missing one.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, Enum, column, create_engine, inspect, select, table
from sqlalchemy.pool import NullPool


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    primary_key: bool
    server_default: str | None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    unique_constraints: tuple[tuple[str | None, tuple[str, ...]], ...]
    indexes: tuple[tuple[str | None, tuple[str, ...], bool], ...]


def open_sqlite_readonly(
    path: Path, *, immutable: bool = False, seconds: float | None = None
) -> Engine:
    """An engine on an existing SQLite file that cannot write to it.

    ``immutable`` tells SQLite that nobody changes the file while it is open (a private
    copy): no locks are taken and no journal is looked for. With ``seconds``, a query still
    running that long after its connection opened is interrupted.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no database file at {path}")
    uri = f"file:{path.resolve().as_posix()}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True)
        if seconds is not None:
            deadline = time.monotonic() + seconds
            connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        return connection

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def open_readonly(url: str) -> Engine:
    """An engine for looking at a database: SQLite files read-only, other databases as given."""
    if url.startswith("sqlite:///"):
        return open_sqlite_readonly(Path(url.removeprefix("sqlite:///")))
    return create_engine(url, poolclass=NullPool)


def type_name(column_type) -> str:
    """A column type as SQL names it; a named enum by its type's name."""
    if isinstance(column_type, Enum) and column_type.name:
        return f"ENUM {column_type.name}"
    return str(column_type)


def describe(engine: Engine) -> dict[str, Table]:
    """Every table of the database, sorted by name, with its columns and constraints."""
    inspector = inspect(engine)
    tables = {}
    for name in sorted(inspector.get_table_names()):
        primary_key = set(inspector.get_pk_constraint(name)["constrained_columns"])
        columns = tuple(
            Column(
                name=info["name"],
                type=type_name(info["type"]),
                nullable=bool(info["nullable"]),
                primary_key=info["name"] in primary_key,
                server_default=info.get("default"),
            )
            for info in inspector.get_columns(name)
        )
        uniques = tuple(
            sorted(
                (
                    (info.get("name"), tuple(info["column_names"]))
                    for info in inspector.get_unique_constraints(name)
                ),
                key=lambda item: (item[0] or "", item[1]),
            )
        )
        indexes = tuple(
            sorted(
                (
                    (
                        info.get("name"),
                        tuple(c for c in info["column_names"] if c),
                        bool(info["unique"]),
                    )
                    for info in inspector.get_indexes(name)
                ),
                key=lambda item: (item[0] or "", item[1]),
            )
        )
        tables[name] = Table(name, columns, uniques, indexes)
    return tables


def fetch_rows(engine: Engine, table_name: str) -> tuple[list[str], list[tuple]]:
    """Column names and all rows of a table, in primary-key order."""
    inspector = inspect(engine)
    columns = [info["name"] for info in inspector.get_columns(table_name)]
    order = inspector.get_pk_constraint(table_name)["constrained_columns"] or columns
    source = table(table_name, *(column(name) for name in columns))
    query = select(*source.columns).order_by(*(source.columns[name] for name in order))
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(query)]
    return columns, rows
