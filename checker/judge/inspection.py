"""How the checker opens the databases learner code left, and the bounds of its work on them.

Everything here runs in the checker's own process, on databases it opens itself (SQLite
files are private copies, read-only). Learner code made these databases, so the
checker's own work on them is bounded: how many tables and columns it reflects, how long
SQLite's table definitions are, how many rows and how large a value it reads (``rows``),
and how long any query may take. A
database beyond those bounds fails the check that meets it. ``schema`` and ``rows`` say
how a database differs from what an exercise expects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..db import reading
from .outcomes import CheckFailed

MAX_TABLES = 50
MAX_COLUMNS = 500
MAX_ROWS = 10_000
MAX_VALUE_BYTES = 2**20
# SQLite's reflection reads constraints from each table's CREATE statement with regular
# expressions whose time grows with the square of its length (8 KB: 2 s): bounded here.
MAX_DEFINITION_CHARS = 4096
MAX_DEFINITIONS_CHARS = 16_384
SQLITE_DEFINITIONS = (
    "SELECT coalesce(max(length(sql)), 0), coalesce(sum(length(sql)), 0) FROM sqlite_master"
)
# A generated column's expression runs whenever the column is read, and one call of a
# function (instr over a huge string) is one step of SQLite's: no progress handler stops it.
SQLITE_GENERATED = (
    "SELECT count(*) FROM sqlite_master AS m, pragma_table_xinfo(m.name) AS c "
    "WHERE m.type = 'table' AND c.hidden IN (2, 3)"
)
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
    """Refuse a database with more tables or columns than the checker reflects, or (on
    SQLite) table definitions longer than it reflects in bounded time, or a generated
    column, whose every read runs learner SQL of unbounded cost."""
    tables, columns = SIZE_QUERIES[engine.dialect.name]
    with engine.connect() as connection:
        table_count = connection.execute(text(tables)).scalar()
        column_count = connection.execute(text(columns)).scalar()
        sqlite = engine.dialect.name == "sqlite"
        longest, total = connection.execute(text(SQLITE_DEFINITIONS)).one() if sqlite else (0, 0)
        generated = connection.execute(text(SQLITE_GENERATED)).scalar() if sqlite else 0
    if table_count > MAX_TABLES:
        raise CheckFailed(
            f"the database has {table_count} tables; the checker inspects at most {MAX_TABLES}."
        )
    if column_count > MAX_COLUMNS:
        raise CheckFailed(
            f"the database has {column_count} columns; the checker inspects at most {MAX_COLUMNS}."
        )
    if generated:
        raise CheckFailed(
            "the database has a generated column (GENERATED ALWAYS AS): SQLite computes its "
            "value whenever it is read, by an expression of any cost; the checker reads none."
        )
    if longest > MAX_DEFINITION_CHARS or total > MAX_DEFINITIONS_CHARS:
        raise CheckFailed(
            f"the database's definitions (CREATE statements: names, defaults, constraints) "
            f"are {total} characters long, the longest {longest}; the checker reads at "
            f"most {MAX_DEFINITION_CHARS} in one and {MAX_DEFINITIONS_CHARS} in all."
        )


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
            engine = reading.open_sqlite_readonly(path, immutable=True, seconds=INSPECTION_SECONDS)
        else:
            engine = create_engine(database_url, pool_size=1, max_overflow=2)
        _inspection_engines[database_url] = engine
    return engine


def dispose_inspection_engines() -> None:
    """Close every engine opened for the check that just ended."""
    while _inspection_engines:
        _inspection_engines.popitem()[1].dispose()
