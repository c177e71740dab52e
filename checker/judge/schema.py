"""How a database's schema differs from what an exercise expects, in plain English.

Alembic's ``compare_metadata`` finds missing and extra tables, columns, constraints and
indexes, and nullability. Types are compared here more strictly than it does: the type
family, the length (``VARCHAR`` is not ``VARCHAR(128)``) and an enum's labels must all
match. A constraint is named in the sentence, and a constraint that is there under
another name is one difference, not two.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Enum, MetaData, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeEngine

from .inspection import bounded, inspection_engine, require_inspectable

CONSTRAINT_KINDS = ("add_constraint", "remove_constraint", "add_index", "remove_index")


@bounded
def schema_differences(database_url: str, metadata: MetaData) -> list[str]:
    """How the database's schema differs from ``metadata``, as sentences (empty when equal)."""
    engine = inspection_engine(database_url)
    require_inspectable(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, metadata)
    flat = [item for entry in found for item in (entry if isinstance(entry, list) else [entry])]
    typed = {(item[2], item[3]) for item in flat if item[0] == "modify_type"}
    sentences = [describe(item) for item in flat if item[0] not in CONSTRAINT_KINDS]
    sentences += describe_constraints([item for item in flat if item[0] in CONSTRAINT_KINDS])
    return sentences + type_differences(engine, metadata, skip=typed)


def type_differences(
    engine: Engine, metadata: MetaData, *, skip: set[tuple[str, str]]
) -> list[str]:
    """Columns on both sides whose types differ in family, length or enum labels."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    sentences = []
    for table in metadata.tables.values():
        if table.name not in present:
            continue
        reflected = {info["name"]: info["type"] for info in inspector.get_columns(table.name)}
        for column in table.columns:
            actual = reflected.get(column.name)
            if actual is None or (table.name, column.name) in skip:
                continue
            if not same_type(column.type, actual):
                sentences.append(
                    f"column {table.name}.{column.name} has type {spelled(actual, engine)}; "
                    f"it should be {spelled(column.type, engine)}"
                )
    return sentences


def same_type(expected: TypeEngine, actual: TypeEngine) -> bool:
    """The same family, the same length, and (for enums) the same labels in the same order."""
    if isinstance(expected, Enum):
        return isinstance(actual, Enum) and list(actual.enums) == list(expected.enums)
    if expected._type_affinity is not actual._type_affinity:
        return False
    return getattr(expected, "length", None) == getattr(actual, "length", None)


def spelled(column_type: TypeEngine, engine: Engine) -> str:
    """A type as the database spells it; an enum with its labels."""
    if isinstance(column_type, Enum):
        labels = ", ".join(repr(label) for label in column_type.enums)
        return f"ENUM {column_type.name or ''}({labels})".replace(" (", "(")
    try:
        return column_type.compile(dialect=engine.dialect)
    except Exception:  # a type this dialect cannot spell is shown by its class
        return type(column_type).__name__.upper()


def describe(difference: Any) -> str:
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
    return f"schema difference: {kind}"


def describe_constraints(differences: list[Any]) -> list[str]:
    """Constraints and indexes missing or extra, named; a rename on the same columns is one
    sentence ("... is named X; it should be named Y")."""
    missing, extra = {}, {}
    for kind, item in ((d[0], d[1]) for d in differences):
        what = "unique constraint" if "constraint" in kind else "index"
        columns = ", ".join(column.name for column in item.columns)
        key = (what, item.table.name, columns)
        (missing if kind.startswith("add") else extra)[key] = item.name
    sentences = []
    for key in [*missing, *(k for k in extra if k not in missing)]:
        what, table, columns = key
        if key in missing and key in extra:
            sentences.append(
                f"the {what} on {table}({columns}) is named {extra[key] or '(no name)'}; "
                f"it should be named {missing[key]}"
            )
        elif key in missing:
            sentences.append(f"{what} {missing[key] or ''} on {table}({columns}) is missing")
        else:
            sentences.append(f"{what} {extra[key] or ''} on {table}({columns}) should not be there")
    return [" ".join(sentence.split()) for sentence in sentences]


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
