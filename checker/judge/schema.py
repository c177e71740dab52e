"""How a database's schema differs from what an exercise expects, in plain English.

Alembic's ``compare_metadata`` finds missing and extra tables, columns, constraints and
indexes, and nullability. Types are compared here more strictly than it does: the type
family, the length (``VARCHAR`` is not ``VARCHAR(128)``) and an enum's labels must all
match. Constraints and indexes are compared here too, named or not (``compare_metadata``
skips what it cannot name): a constraint is named in the sentence, and one that is there
under another name is one difference, not two. Views, triggers, functions, loose
sequences, generated columns, deferrable constraints, and what SQLite's reflection does not
read (collations, ``ON CONFLICT``, indexes on expressions), which no layout has, are
differences too. So is a server default where the
layout has none, or none where it has one (the value itself is judged by what an insert
gets); a layout leaves the choice to the answer with ``info={SERVER_DEFAULT: EITHER}``.

It is about 390 lines because each property of a schema (columns, types, constraints, server
defaults, objects beside the tables) is compared by a function of its own, in one place.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKeyConstraint,
    MetaData,
    Table,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SAWarning
from sqlalchemy.types import TypeEngine

from .inspection import bounded, inspection_engine, require_inspectable

CONSTRAINT_KINDS = ("add_constraint", "remove_constraint", "add_index", "remove_index")
# A comment on a table or a column changes no query, write or lock: either way is right.
COMMENT_KINDS = ("modify_comment", "add_table_comment", "remove_table_comment")
# SQLite's own default collation: naming it changes nothing.
SQLITE_DEFAULT_COLLATION = "BINARY"
SERVER_DEFAULT, EITHER = "server_default", "either"  # a column's info: either way is right
CONSTRAINT_NAME = "constraint_name"  # a constraint's info: {CONSTRAINT_NAME: EITHER}, any name


@bounded
def schema_differences(database_url: str, metadata: MetaData) -> list[str]:
    """How the database's schema differs from ``metadata``, as sentences (empty when equal).

    One inspector serves every comparison, so that each table is reflected once."""
    engine = inspection_engine(database_url)
    require_inspectable(engine)
    with warnings.catch_warnings():  # such an index is reported here (sqlite_definition)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            found = compare_metadata(context, metadata)
        flat = [i for entry in found for i in (entry if isinstance(entry, list) else [entry])]
        typed = {(item[2], item[3]) for item in flat if item[0] == "modify_type"}
        inspector = inspect(engine)
        tables = present_tables(inspector, metadata)
        aliases = rowid_aliases(inspector, tables) if engine.dialect.name == "sqlite" else {}
        sentences = [
            describe(item)
            for item in flat
            if item[0] not in CONSTRAINT_KINDS + COMMENT_KINDS
            and not (item[0] == "modify_nullable" and aliases.get(item[2]) == item[3])
        ]
        sentences += primary_key_differences(inspector, tables, aliases)
        sentences += constraint_differences(inspector, tables)
        pairs = list(column_pairs(inspector, tables))
        sentences += type_differences(engine, pairs, skip=typed)
        sentences += server_default_differences(pairs)
        if engine.dialect.name == "sqlite":
            sentences += [s for table in tables for s in sqlite_definition(inspector, table)]
        else:
            sentences += sequence_differences(engine, tables)
        return sentences


# The value the sequence a column takes its values from gives next (none without one).
NEXT_IN_SEQUENCE = text("""
SELECT COALESCE(pg_sequence_last_value(s.id) + p.seqincrement, p.seqstart), s.id::text
FROM (SELECT pg_get_serial_sequence(:table, :column)::regclass AS id) s
JOIN pg_sequence p ON p.seqrelid = s.id
""")


def sequence_differences(engine: Engine, tables: list[Table]) -> list[str]:
    """PostgreSQL key columns whose sequence would give the next row a value the column
    already holds: every insert of the app fails until the sequence passes them (a table
    copied by batch mode gets a new sequence, started again at 1)."""
    sentences = []
    with engine.connect() as connection:
        for table in tables:
            quoted = engine.dialect.identifier_preparer.quote(table.name)
            for column in table.primary_key.columns:
                found = connection.execute(
                    NEXT_IN_SEQUENCE, {"table": quoted, "column": column.name}
                ).first()
                if found is None:
                    continue
                largest = connection.execute(select(func.max(table.c[column.name]))).scalar()
                if largest is not None and found[0] <= largest:
                    sentences.append(
                        f"the next {table.name} added would get {column.name} {found[0]} from "
                        f"the sequence {found[1][:100]}, though a row already has it (and up "
                        f"to {largest}): the app's inserts fail. A table batch mode copies gets "
                        "a new sequence, started again at 1: alter the table in place"
                    )
    return sentences


def present_tables(inspector: Any, metadata: MetaData) -> list[Table]:
    """The tables of ``metadata`` that the database has too."""
    present = set(inspector.get_table_names())
    return [table for table in metadata.tables.values() if table.name in present]


def rowid_aliases(inspector: Any, tables: list[Table]) -> dict[str, str]:
    """Each SQLite table's column that is its rowid, by table: the one primary key column
    declared exactly ``INTEGER``, in a table with rowids (``WITHOUT ROWID`` or
    ``PRIMARY KEY DESC`` give the key an index of its own instead). Only such a column
    numbers new rows itself, and it never holds NULL, though SQLite reports it nullable
    when it is declared without ``NOT NULL``."""
    found = {}
    with inspector.bind.connect() as connection:
        for table in tables:
            name = {"name": table.name}
            keys = connection.execute(
                text("SELECT name, type FROM pragma_table_info(:name) WHERE pk > 0"), name
            ).all()
            key_index = connection.execute(
                text("SELECT count(*) FROM pragma_index_list(:name) WHERE origin = 'pk'"), name
            ).scalar()
            if len(keys) == 1 and str(keys[0][1]).upper() == "INTEGER" and not key_index:
                found[table.name] = str(keys[0][0])
    return found


def primary_key_differences(
    inspector: Any, tables: list[Table], aliases: dict[str, str]
) -> list[str]:
    """Tables whose primary key is missing or on other columns, and (on SQLite) tables whose
    key no longer numbers new rows: an insert that leaves ``id`` out, as the app's do, is
    then refused. ``aliases`` are SQLite's rowid columns (empty on other databases)."""
    sentences = []
    sqlite = inspector.bind.dialect.name == "sqlite"
    for table in tables:
        wanted = [column.name for column in table.primary_key.columns]
        actual = inspector.get_pk_constraint(table.name).get("constrained_columns") or []
        numbered = table.autoincrement_column
        if actual != wanted:
            now = f"is on ({', '.join(actual)})" if actual else "is missing"
            sentences.append(
                f"the primary key of {table.name} {now}; it should be on ({', '.join(wanted)})"
            )
        elif numbered is not None and sqlite and aliases.get(table.name) != numbered.name:
            sentences.append(
                f"column {table.name}.{numbered.name} no longer numbers new rows itself (SQLite "
                f"does that only for a key declared INTEGER PRIMARY KEY in a table with rowids), "
                f"so an insert without {numbered.name} is refused; it should be such a key"
            )
        elif numbered is not None and not sqlite:
            reflected = {info["name"]: info for info in inspector.get_columns(table.name)}
            if not reflected.get(numbered.name, {}).get("autoincrement"):
                sentences.append(
                    f"column {table.name}.{numbered.name} no longer numbers new rows itself (no "
                    f"sequence default or identity), so an insert without {numbered.name} is "
                    "refused; it should"
                )
    return sentences


def column_pairs(
    inspector: Any, tables: list[Table]
) -> Iterator[tuple[Table, Column, dict[str, Any]]]:
    """Each column the layout and the database both have, with what reflection reports."""
    for table in tables:
        reflected = {info["name"]: info for info in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in reflected:
                yield table, column, reflected[column.name]


def server_default_differences(pairs: list[tuple[Table, Column, dict[str, Any]]]) -> list[str]:
    """Columns (primary keys aside) with a server default the layout does not have, or
    without one it has: an insert that leaves the column out gets another result. A
    generated column (``GENERATED ALWAYS AS``), which no layout has, is one difference too:
    nothing written to it is kept."""
    sentences = []
    for table, column, actual in pairs:
        name, default = f"{table.name}.{column.name}", actual.get("default")
        if column.primary_key:
            continue
        if actual.get("computed") and column.computed is None:
            generated = str(actual["computed"].get("sqltext"))[:80]
            sentences.append(
                f"column {name} is generated (AS {generated}); it should be a column of its own"
            )
        elif column.info.get(SERVER_DEFAULT) == EITHER:
            continue
        elif not is_null_default(default) and column.server_default is None:
            sentences.append(
                f"column {name} has the server default {str(default)[:80]}; it should have none"
            )
        elif default is None and column.server_default is not None:
            sentences.append(f"column {name} has no server default; it should have one")
    return sentences


NULL_DEFAULT = re.compile(r"\(*\s*NULL\s*(::[\w\s]+(\(\d+\))?)?\s*\)*", re.IGNORECASE)


def is_null_default(default: Any) -> bool:
    """Whether a reflected server default is none, or ``DEFAULT NULL`` (SQLite's ``NULL``,
    PostgreSQL's ``NULL::character varying``): an insert that leaves the column out gets NULL
    either way."""
    return default is None or bool(NULL_DEFAULT.fullmatch(str(default).strip()))


def type_differences(
    engine: Engine,
    pairs: list[tuple[Table, Column, dict[str, Any]]],
    *,
    skip: set[tuple[str, str]],
) -> list[str]:
    """Columns whose types differ in family, length, enum labels or collation."""
    sentences = []
    for table, column, info in pairs:
        actual, name = info["type"], f"{table.name}.{column.name}"
        if (table.name, column.name) in skip:
            continue
        if not same_type(column.type, actual):
            sentences.append(
                f"column {name} has type {spelled(actual, engine)}; "
                f"it should be {spelled(column.type, engine)}"
            )
        elif collation(actual) != collation(column.type):
            sentences.append(
                f"column {name} has the collation {collation(actual) or 'of the database'}; "
                f"it should have {collation(column.type) or 'the database default'}"
            )
    return sentences


def collation(column_type: TypeEngine) -> str | None:
    """A text type's own collation (``COLLATE``), as PostgreSQL's reflection reports it."""
    return getattr(column_type, "collation", None)


def sqlite_definition(inspector: Any, table: Table) -> list[str]:
    """What SQLite's reflection does not report, read from the table's definitions:
    collations the layout does not give (``COLLATE NOCASE`` changes what is equal and
    unique; ``BINARY``, the default, changes nothing), ``ON CONFLICT`` clauses (``REPLACE``
    deletes the row an insert collides with), and indexes on expressions
    (``lower(username)``), which no layout has."""
    with inspector.bind.connect() as connection:
        found = connection.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :name LIMIT 50"),
            {"name": table.name},
        ).all()
    definition = " ".join(str(sql) for kind, _, sql in found if kind == "table")
    wanted = {
        str(collation(column.type)).upper() for column in table.columns if collation(column.type)
    }
    collations = re.findall(r"\bCOLLATE\s+\"?(\w+)\"?", definition, re.IGNORECASE)
    sentences = [
        f"table {table.name} has a column with the collation {name}; it should have none"
        for name in dict.fromkeys(collations)
        if name.upper() not in wanted and name.upper() != SQLITE_DEFAULT_COLLATION
    ]
    sentences += [
        f"table {table.name} has a constraint with ON CONFLICT {name.upper()}; it should have none"
        for name in dict.fromkeys(re.findall(r"\bON\s+CONFLICT\s+(\w+)", definition, re.I))
    ]
    readable = {index["name"] for index in inspector.get_indexes(table.name)}
    sentences += [
        f"the index {str(name)[:100]} on {table.name} (on an expression) should not be there"
        for kind, name, sql in found
        if kind == "index" and sql is not None and name not in readable
    ]
    return sentences


def same_type(expected: TypeEngine, actual: TypeEngine) -> bool:
    """The same family, the same length, and (for enums) the same labels, in any order
    (their order only decides how PostgreSQL sorts the values)."""
    if isinstance(expected, Enum):
        return isinstance(actual, Enum) and sorted(actual.enums) == sorted(expected.enums)
    if expected._type_affinity is not actual._type_affinity:
        return False
    return getattr(expected, "length", None) == getattr(actual, "length", None)


def spelled(column_type: TypeEngine, engine: Engine) -> str:
    """A type as the database spells it; an enum with its labels."""
    if isinstance(column_type, Enum):
        return named(column_type)
    try:
        return column_type.compile(dialect=engine.dialect)
    except Exception:  # a type this dialect cannot spell is shown by its class
        return type(column_type).__name__.upper()


def named(column_type: TypeEngine) -> str:
    """A type as SQLAlchemy writes it; an enum by its type's name and labels (two enums both
    written VARCHAR(6) differ by those)."""
    if isinstance(column_type, Enum):
        labels = ", ".join(repr(label) for label in column_type.enums)
        return f"ENUM {column_type.name or ''}({labels})".replace(" (", "(")
    return str(column_type)


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
        return f"column {table}.{column} has type {named(existing)}; it should be {named(wanted)}"
    return f"schema difference: {kind}"


def constraint_differences(inspector: Any, tables: list[Table]) -> list[str]:
    """Unique constraints, indexes, foreign keys and check constraints missing or extra,
    named or not: each table's are compared as sets of what they constrain, then by name.

    Reflection reports a constraint SQLite keeps without a name (``UNIQUE (...)`` beside a
    named one) with no name; it is compared all the same.
    """
    sentences = []
    for table in tables:
        expected = expected_constraints(table)
        actual = reflected_constraints(inspector, table.name)
        sentences += compare_constraints(table.name, expected, actual)
    return sentences


Constraint = tuple[str, str, str | None]  # (what, what it constrains, name)


def expected_constraints(table: Any) -> list[Constraint]:
    """A table's unique constraints, indexes, foreign keys and check constraints; a
    constraint whose name the layout leaves open (``CONSTRAINT_NAME``) has none."""
    found: list[Constraint] = []
    for constraint in table.constraints:
        columns = ", ".join(column.name for column in constraint.columns)
        name = None if constraint.info.get(CONSTRAINT_NAME) == EITHER else constraint.name
        if isinstance(constraint, UniqueConstraint):
            found.append(("unique constraint", columns, name))
        elif isinstance(constraint, ForeignKeyConstraint):
            target = constraint.elements[0].column.table.name
            referred = ", ".join(element.column.name for element in constraint.elements)
            found.append(("foreign key", f"{columns} -> {target}({referred})", name))
        elif isinstance(constraint, CheckConstraint):
            found.append(("check constraint", "", name))
    for index in table.indexes:
        what = "unique index" if index.unique else "index"
        found.append((what, ", ".join(column.name for column in index.columns), index.name))
    return found


def reflected_constraints(inspector: Any, table: str) -> list[Constraint]:
    """The same, as the database reports them (an index backing a constraint left out)."""
    found: list[Constraint] = []
    for unique in inspector.get_unique_constraints(table):
        found.append(("unique constraint", ", ".join(unique["column_names"]), unique["name"]))
    if inspector.bind.dialect.name == "sqlite":
        found += unread_sqlite_uniques(inspector, table, found)
    for key in inspector.get_foreign_keys(table):
        columns = ", ".join(key["constrained_columns"])
        referred = ", ".join(key["referred_columns"])
        found.append(
            ("foreign key", f"{columns} -> {key['referred_table']}({referred})", key["name"])
        )
    for check in inspector.get_check_constraints(table):
        found.append(("check constraint", "", check["name"]))
    for index in inspector.get_indexes(table):
        if index.get("duplicates_constraint"):
            continue
        what = "unique index" if index["unique"] else "index"
        columns = ", ".join(str(name) for name in index["column_names"])
        found.append((what, columns, index["name"]))
    return found


def unread_sqlite_uniques(inspector: Any, table: str, read: list[Constraint]) -> list[Constraint]:
    """The unique constraints SQLite keeps (an index of origin ``u``) that its reflection
    did not read from the table's definition (``email VARCHAR(120) UNIQUE``: a length before
    the keyword hides it), without a name: a name Alembic cannot read cannot be dropped."""
    with inspector.bind.connect() as connection:
        kept = connection.execute(
            text(
                "SELECT group_concat(i.name, ', ') FROM pragma_index_list(:name) AS l, "
                "pragma_index_info(l.name) AS i WHERE l.origin = 'u' GROUP BY l.name LIMIT 50"
            ),
            {"name": table},
        ).scalars()
        left = [target for what, target, _ in read if what == "unique constraint"]
        unread = []
        for columns in kept:
            if columns in left:
                left.remove(columns)
            else:
                unread.append(("unique constraint", str(columns), None))
        return unread


def compare_constraints(
    table: str, expected: list[Constraint], actual: list[Constraint]
) -> list[str]:
    """Sentences for what is missing, extra, or there under another name. A constraint the
    models leave unnamed matches any name; foreign keys are matched by what they join
    (reflection does not always keep their names)."""
    left = list(actual)
    sentences = []
    renamed = []
    for what, target, name in expected:
        match = next((a for a in left if a[:2] == (what, target) and a[2] == name), None)
        match = match or next((a for a in left if a[:2] == (what, target)), None)
        if match is None:
            sentences.append(f"{what} {name or ''} on {table}({target}) is missing")
            continue
        left.remove(match)
        if name and match[2] != name and what != "foreign key":
            renamed.append(
                f"the {what} on {table}({target}) is named {match[2] or '(no name)'}; "
                f"it should be named {name}"
            )
    extra = [
        f"{what} {name or '(no name)'} on {table}({target}) should not be there"
        for what, target, name in left
    ]
    return [" ".join(s.replace("()", "").split()) for s in [*sentences, *renamed, *extra]]


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


# Objects of the check's schema that no table layout has. Sequences a column owns (SERIAL,
# IDENTITY) belong to their table; any other is left over.
POSTGRESQL_OBJECTS = """
SELECT 'view', c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm')
UNION ALL
SELECT 'trigger', t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND NOT t.tgisinternal
UNION ALL
SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema()
UNION ALL
SELECT 'rule', r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind NOT IN ('v', 'm')
UNION ALL
SELECT 'policy', p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
UNION ALL
SELECT 'cast', format('%s AS %s', c.castsource::regtype, c.casttarget::regtype)
FROM pg_cast c WHERE EXISTS (
    SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.oid IN (c.castsource, c.casttarget) AND n.nspname = current_schema())
UNION ALL
SELECT 'operator', o.oprname FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = current_schema()
UNION ALL
SELECT 'sequence', c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'S' AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
ORDER BY 1, 2 LIMIT 20
"""
DEFERRABLE_CONSTRAINTS = """
SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = current_schema() AND c.condeferrable ORDER BY 1 LIMIT 20
"""
UNVALIDATED_CONSTRAINTS = """
SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = current_schema() AND NOT c.convalidated ORDER BY 1 LIMIT 20
"""
# A table's own settings that reflection does not show; no table layout has any.
TABLE_SETTINGS = """
SELECT c.relname, concat_ws('; ',
  CASE WHEN c.relpersistence = 'u' THEN
    'UNLOGGED: PostgreSQL empties it after a crash and never copies it to a standby' END,
  CASE WHEN c.relrowsecurity THEN 'row level security enabled' END,
  CASE WHEN c.relforcerowsecurity THEN 'row level security forced on its owner' END,
  CASE WHEN c.reloptions IS NOT NULL THEN
    'storage parameters ' || left(array_to_string(c.reloptions, ', '), 200) END,
  CASE WHEN c.relreplident <> 'd' THEN 'a replica identity other than the default' END,
  CASE WHEN c.relacl IS NOT NULL OR a.granted THEN
    'privileges granted or revoked on it or its columns' END,
  CASE WHEN a.identity THEN 'an identity column (GENERATED ... AS IDENTITY)' END)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
  SELECT bool_or(attacl IS NOT NULL) AS granted, bool_or(attidentity <> '') AS identity
  FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped) a
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
AND (c.relpersistence = 'u' OR c.relrowsecurity OR c.relforcerowsecurity
     OR c.reloptions IS NOT NULL OR c.relreplident <> 'd' OR c.relacl IS NOT NULL
     OR a.granted OR a.identity)
ORDER BY 1 LIMIT 20
"""
# A sequence that no longer counts 1, 2, 3 ... up to its type's largest value, once.
SEQUENCE_SETTINGS = """
SELECT sequencename, concat_ws(', ',
  CASE WHEN increment_by <> 1 THEN 'INCREMENT ' || increment_by END,
  CASE WHEN min_value <> 1 THEN 'MINVALUE ' || min_value END,
  CASE WHEN max_value <> CASE data_type WHEN 'smallint'::regtype THEN 32767
       WHEN 'integer'::regtype THEN 2147483647 ELSE 9223372036854775807 END
       THEN 'MAXVALUE ' || max_value END,
  CASE WHEN cycle THEN 'CYCLE' END)
FROM pg_sequences WHERE schemaname = current_schema()
AND (increment_by <> 1 OR min_value <> 1 OR cycle OR max_value <> CASE data_type
     WHEN 'smallint'::regtype THEN 32767 WHEN 'integer'::regtype THEN 2147483647
     ELSE 9223372036854775807 END)
ORDER BY 1 LIMIT 20
"""
SQLITE_OBJECTS = (
    "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') "
    "ORDER BY type, name LIMIT 20"
)


@bounded
def extra_objects(database_url: str) -> list[str]:
    """Views and triggers, and on PostgreSQL functions, rules, row security policies,
    casts and operators on the schema's types, sequences no column owns, a table's own
    settings (UNLOGGED, row security, storage parameters, replica identity, privileges, an
    identity column), a sequence's own (increment, bounds, cycling), deferrable
    constraints and constraints never validated: no table layout has any, and one left
    behind changes what the app's queries do (or, unvalidated, leaves the rows already there
    unchecked, though reflection shows the constraint as any other)."""
    engine = inspection_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        found = connection.execute(text(SQLITE_OBJECTS if sqlite else POSTGRESQL_OBJECTS)).all()
        deferred = [] if sqlite else connection.execute(text(DEFERRABLE_CONSTRAINTS)).scalars()
        sentences = [f"the {kind} {str(name)[:100]} should not be there" for kind, name in found]
        sentences += [
            f"the constraint {str(name)[:100]} is DEFERRABLE (checked at commit, and refused by "
            "INSERT ... ON CONFLICT); it should not be"
            for name in deferred
        ]
        settings = [] if sqlite else connection.execute(text(TABLE_SETTINGS)).all()
        sentences += [
            f"the table {str(name)[:100]} has settings a table of the app should not have "
            f"({what})"
            for name, what in settings
        ]
        counting = [] if sqlite else connection.execute(text(SEQUENCE_SETTINGS)).all()
        sentences += [
            f"the sequence {str(name)[:100]} has settings of its own ({what}): the ids it "
            "gives the app's new rows change, or run out"
            for name, what in counting
        ]
        unchecked = [] if sqlite else connection.execute(text(UNVALIDATED_CONSTRAINTS)).scalars()
        return sentences + [
            f"the constraint {str(name)[:100]} is NOT VALID: the rows already there were never "
            "checked against it; the migration should validate it (VALIDATE CONSTRAINT)"
            for name in unchecked
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
