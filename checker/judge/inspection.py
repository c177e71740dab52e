"""What the checker observes in a database after learner code ran: schema, rows, version.

Everything here runs in the checker's own process, on databases it opens itself (SQLite
files read-only), and describes differences in plain English for the learner. Learner
code made these databases, so the checker's own work on them is bounded: how many tables
and columns it reflects, how many rows and how large a value it reads, and how long any
query may take. A database beyond those bounds fails the check that meets it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Enum, MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..db import reading
from .outcomes import CheckFailed

MAX_TABLES = 50
MAX_COLUMNS = 500
MAX_ROWS = 10_000
MAX_VALUE_BYTES = 2**20
INSPECTION_SECONDS = 20
SIZE_QUERIES = {
    "sqlite": (
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        "SELECT count(*) FROM sqlite_master AS m, pragma_table_info(m.name) AS c "
        "WHERE m.type = 'table'",
    ),
    "postgresql": (
        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()",
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()",
    ),
}
LENGTH_FUNCTIONS = {"sqlite": "length(CAST({} AS BLOB))", "postgresql": "octet_length({}::text)"}

_inspection_engines: dict[str, Engine] = {}
Result = TypeVar("Result")


def bounded(function: Callable[..., Result]) -> Callable[..., Result]:
    """A database that cannot be read, or reads too slowly, fails the check, in one line."""

    @wraps(function)
    def inspect_within_bounds(*args: Any, **kwargs: Any) -> Result:
        try:
            return function(*args, **kwargs)
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
            if "interrupted" in reason or "statement timeout" in reason:
                reason = f"reading it took more than {INSPECTION_SECONDS} s"
            raise CheckFailed(f"the database could not be inspected: {reason}.") from None

    return inspect_within_bounds


def require_inspectable(engine: Engine) -> None:
    """Refuse a database with more tables or columns than the checker reflects."""
    tables, columns = SIZE_QUERIES[engine.dialect.name]
    with engine.connect() as connection:
        table_count = connection.execute(text(tables)).scalar()
        column_count = connection.execute(text(columns)).scalar()
    if table_count > MAX_TABLES:
        raise CheckFailed(
            f"the database has {table_count} tables; the checker inspects at most {MAX_TABLES}."
        )
    if column_count > MAX_COLUMNS:
        raise CheckFailed(
            f"the database has {column_count} columns; the checker inspects at most "
            f"{MAX_COLUMNS}."
        )


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
            engine = reading.open_sqlite_readonly(
                path, immutable=True, seconds=INSPECTION_SECONDS
            )
        else:
            engine = create_engine(database_url, pool_size=1, max_overflow=2)
        _inspection_engines[database_url] = engine
    return engine


def dispose_inspection_engines() -> None:
    """Close every engine opened for the check that just ended."""
    while _inspection_engines:
        _inspection_engines.popitem()[1].dispose()


@bounded
def schema_differences(database_url: str, metadata: MetaData) -> list[str]:
    """How the database's schema differs from ``metadata``, as sentences (empty when equal)."""
    engine = inspection_engine(database_url)
    require_inspectable(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, metadata)
    flat = [item for entry in found for item in (entry if isinstance(entry, list) else [entry])]
    return [describe_schema_difference(item) for item in flat]


@bounded
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


@bounded
def database_version(database_url: str) -> list[str]:
    """The revisions recorded in ``alembic_version`` (empty when there is no such table)."""
    engine = inspection_engine(database_url)
    if not inspect(engine).has_table("alembic_version"):
        return []
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT version_num FROM alembic_version LIMIT 20")).all()
    return sorted(str(row[0])[:100] for row in rows)


@bounded
def user_rows(database_url: str) -> dict[int, dict[str, Any]] | None:
    """The rows of the ``user`` table by id, or None when there is no such table (a view
    of that name is no table). Too many rows, or too large a value, fails the check."""
    engine = inspection_engine(database_url)
    require_inspectable(engine)
    inspector = inspect(engine)
    if "user" not in inspector.get_table_names():
        return None
    names = [info["name"] for info in inspector.get_columns("user")]
    length = LENGTH_FUNCTIONS[engine.dialect.name]
    sizes = ", ".join(f"max({length.format(quoted(name))})" for name in names)
    with engine.connect() as connection:
        count = connection.execute(text('SELECT count(*) FROM "user"')).scalar()
        largest = connection.execute(text(f'SELECT {sizes} FROM "user"')).one()
    if count > MAX_ROWS:
        raise CheckFailed(f"the user table has {count} rows; the checker reads at most {MAX_ROWS}.")
    for name, size in zip(names, largest, strict=True):
        if size is not None and size > MAX_VALUE_BYTES:
            raise CheckFailed(
                f"a value in user.{name} is larger than {MAX_VALUE_BYTES // 2**20} MB; "
                "the checker does not read it."
            )
    columns, rows = reading.fetch_rows(engine, "user")
    return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}


def quoted(name: str) -> str:
    """A column name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


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
            f"(user {first['id']} should have {shown(first[column])}, has {shown(found)})"
        )
    if problems:
        raise CheckFailed(f"{when}, " + "; ".join(problems) + ".")


def shown(value: Any) -> str:
    """A value as the learner reads it in a message: its repr, cut short when long."""
    text_form = repr(value)
    return text_form if len(text_form) <= 80 else text_form[:77] + "..."


def format_ids(ids: list[int]) -> str:
    """At most five ids, then an ellipsis."""
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (", ..." if len(ids) > 5 else "")
