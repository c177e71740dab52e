"""The rows learner code left in a table, read within bounds, and how they differ from the
rows expected, in plain English ("2 of 7 users lost their bio (user 3 should have ...)")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from ..db import reading
from .inspection import (
    MAX_ROWS,
    MAX_VALUE_BYTES,
    bounded,
    inspection_engine,
    require_inspectable,
)
from .outcomes import CheckFailed

LENGTH_FUNCTIONS = {"sqlite": "length(CAST({} AS BLOB))", "postgresql": "octet_length({}::text)"}


@bounded
def table_rows(database_url: str, table: str) -> dict[Any, dict[str, Any]] | None:
    """The rows of a table by id, or None when there is no such table (a view of that name
    is no table). Too many rows, or too large a value, fails the check."""
    engine = inspection_engine(database_url)
    require_inspectable(engine)
    inspector = inspect(engine)
    if table not in inspector.get_table_names():
        return None
    names = [info["name"] for info in inspector.get_columns(table)]
    length = LENGTH_FUNCTIONS[engine.dialect.name]
    sizes = ", ".join(f"max({length.format(quoted(name))})" for name in names)
    with engine.connect() as connection:
        count = connection.execute(text(f"SELECT count(*) FROM {quoted(table)}")).scalar()
        largest = connection.execute(text(f"SELECT {sizes} FROM {quoted(table)}")).one()
    if count > MAX_ROWS:
        raise CheckFailed(
            f"the {table} table has {count} rows; the checker reads at most {MAX_ROWS}."
        )
    for name, size in zip(names, largest, strict=True):
        if size is not None and size > MAX_VALUE_BYTES:
            raise CheckFailed(
                f"a value in {table}.{name} is larger than {MAX_VALUE_BYTES // 2**20} MB; "
                "the checker does not read it."
            )
    if "id" not in names:
        raise CheckFailed(f"the {table} table has no id column, so its rows cannot be matched.")
    columns, rows = reading.fetch_rows(engine, table)
    return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}


def quoted(name: str) -> str:
    """A table or column name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def compare_rows(
    when: str,
    table: str,
    expected: list[dict[str, Any]],
    actual: dict[Any, dict[str, Any]] | None,
    nouns: tuple[str, str] | None = None,
) -> None:
    """Raise CheckFailed describing how the rows of ``table`` differ from those expected;
    ``nouns`` name one row and many (``("user", "users")``), "<table> row(s)" by default.

    Every column of every row is compared, the table's own columns included: a column the
    expected rows do not name must hold NULL (a new column without a default).
    """
    one, many = nouns or (f"{table} row", f"{table} rows")
    if actual is None:
        raise CheckFailed(f"{when}, the {table} table does not exist, so every row is lost.")
    total = len(expected)
    missing = [row["id"] for row in expected if row["id"] not in actual]
    if missing:
        raise CheckFailed(
            f"{when}, {len(missing)} of {total} {many} are gone (ids {format_ids(missing)})."
        )
    extra = sorted(set(actual) - {row["id"] for row in expected}, key=str)
    if extra:
        raise CheckFailed(f"{when}, there are {len(extra)} unexpected new {many}.")
    problems = []
    columns = list(expected[0]) if expected else []
    columns += sorted({c for row in actual.values() for c in row} - set(columns))
    for column in columns:
        wrong = [row for row in expected if actual[row["id"]].get(column, ...) != row.get(column)]
        if not wrong:
            continue
        first = wrong[0]
        found = actual[first["id"]].get(column, ...)
        if found is ...:
            problems.append(f"the {column} column is missing, so no {one} has their {column}")
            continue
        wanted = first.get(column)
        lost = found in (None, "") and wanted not in (None, "")
        verb = "lost their" if lost else "have a wrong"
        problems.append(
            f"{len(wrong)} of {total} {many} {verb} {column} "
            f"({one} {first['id']} should have {shown(wanted)}, has {shown(found)})"
        )
    if problems:
        raise CheckFailed(f"{when}, " + "; ".join(problems) + ".")


def shown(value: Any) -> str:
    """A value as the learner reads it in a message: its repr, cut short when long."""
    text_form = repr(value)
    return text_form if len(text_form) <= 80 else text_form[:77] + "..."


def format_ids(ids: list[Any]) -> str:
    """At most five ids, then an ellipsis."""
    listed = ", ".join(str(i) for i in ids[:5])
    return listed + (", ..." if len(ids) > 5 else "")
