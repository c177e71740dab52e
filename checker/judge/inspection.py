"""What the checker observes in a database after learner code ran: schema, rows, version.

Everything here runs in the checker's own process, on databases it opens itself (SQLite
files read-only), and describes differences in plain English for the learner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Enum, MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine

from ..db import reading
from .outcomes import CheckFailed

_inspection_engines: dict[str, Engine] = {}


def describe_schema_difference(difference: Any) -> str:
    """One line of plain English for one ``compare_metadata`` difference."""
    kind = difference[0]
    if kind == "add_table":
        return f"table {difference[1].name} is missing"
    if kind == "remove_table":
        return f"table {difference[1].name} should not be there"
    if kind == "add_column":
        return f"column {difference[2]}.{difference[3].name} is missing"
    if kind == "remove_column":
        return f"column {difference[2]}.{difference[3].name} should not be there"
    if kind == "modify_nullable":
        _, _, table, column, _, existing, wanted = difference
        now, target = ("NULL" if existing else "NOT NULL"), ("NULL" if wanted else "NOT NULL")
        return f"column {table}.{column} is {now}; it should be {target}"
    if kind == "modify_type":
        _, _, table, column, _, existing, wanted = difference
        return f"column {table}.{column} has type {existing}; it should be {wanted}"
    if kind in ("add_constraint", "remove_constraint", "add_index", "remove_index"):
        item = difference[1]
        columns = ", ".join(c.name for c in item.columns)
        what = "unique constraint" if "constraint" in kind else "index"
        state = "is missing" if kind.startswith("add") else "should not be there"
        return f"{what} on {item.table.name}({columns}) {state}"
    return f"schema difference: {kind}"


def inspection_engine(database_url: str) -> Engine:
    """One engine per database for the length of a check.

    SQLite files are private copies, opened read-only and immutable, a connection per
    use. PostgreSQL connections are
    kept in a small pool, since reflection connects once per question otherwise (tens of
    milliseconds per check); an idle pooled connection holds no locks.
    """
    engine = _inspection_engines.get(database_url)
    if engine is None:
        if database_url.startswith("sqlite:///"):
            path = Path(database_url.removeprefix("sqlite:///"))
            engine = reading.open_sqlite_readonly(path, immutable=True)
        else:
            engine = create_engine(database_url, pool_size=1, max_overflow=2)
        _inspection_engines[database_url] = engine
    return engine


def dispose_inspection_engines() -> None:
    """Close every engine opened for the check that just ended."""
    while _inspection_engines:
        _inspection_engines.popitem()[1].dispose()


def schema_differences(database_url: str, metadata: MetaData) -> list[str]:
    """How the database's schema differs from ``metadata``, as sentences (empty when equal)."""
    engine = inspection_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, metadata)
    flat = [item for entry in found for item in (entry if isinstance(entry, list) else [entry])]
    return [describe_schema_difference(item) for item in flat]


def enum_type_differences(database_url: str, metadata: MetaData) -> list[str]:
    """PostgreSQL enum types that exist without ``metadata`` using them, or the reverse."""
    if not database_url.startswith("postgresql"):
        return []
    wanted = {
        column.type.name
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, Enum)
    }
    engine = inspection_engine(database_url)
    with engine.connect() as connection:
        present = set(
            connection.execute(
                text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE t.typtype = 'e' AND n.nspname = current_schema()"
                )
            ).scalars()
        )
    return [f"the enum type {name} is left behind" for name in sorted(present - wanted)] + [
        f"the enum type {name} is missing" for name in sorted(wanted - present)
    ]


def database_version(database_url: str) -> list[str]:
    """The revisions recorded in ``alembic_version`` (empty when there is no such table)."""
    engine = inspection_engine(database_url)
    if not inspect(engine).has_table("alembic_version"):
        return []
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return sorted(str(row[0]) for row in rows)


def user_rows(database_url: str) -> dict[int, dict[str, Any]] | None:
    """The rows of the ``user`` table by id, or None when the table does not exist."""
    engine = inspection_engine(database_url)
    if not inspect(engine).has_table("user"):
        return None
    columns, rows = reading.fetch_rows(engine, "user")
    return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}


def compare_rows(
    when: str, expected: list[dict[str, Any]], actual: dict[int, dict[str, Any]] | None
) -> None:
    """Raise CheckFailed describing how the user rows differ from what was expected."""
    if actual is None:
        raise CheckFailed(f"{when}, the user table does not exist, so every row is lost.")
    total = len(expected)
    missing = [row["id"] for row in expected if row["id"] not in actual]
    if missing:
        raise CheckFailed(
            f"{when}, {len(missing)} of {total} users are gone (ids {format_ids(missing)})."
        )
    extra = sorted(set(actual) - {row["id"] for row in expected})
    if extra:
        raise CheckFailed(f"{when}, there are {len(extra)} unexpected new users.")
    problems = []
    for column in expected[0]:
        wrong = [row for row in expected if actual[row["id"]].get(column, ...) != row[column]]
        if not wrong:
            continue
        first = wrong[0]
        found = actual[first["id"]].get(column, ...)
        if found is ...:
            problems.append(f"the {column} column is missing, so no user has their {column}")
            continue
        lost = found in (None, "") and first[column] not in (None, "")
        verb = "lost their" if lost else "have a wrong"
        problems.append(
            f"{len(wrong)} of {total} users {verb} {column} "
            f"(user {first['id']} should have {first[column]!r}, has {found!r})"
        )
    if problems:
        raise CheckFailed(f"{when}, " + "; ".join(problems) + ".")


def format_ids(ids: list[int]) -> str:
    """At most five ids, then an ellipsis."""
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (", ..." if len(ids) > 5 else "")
