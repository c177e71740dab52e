"""Table layouts the exercises start from and aim at, and the rows they are seeded with.

Layouts are built by name, so that the checker and its sandboxed children build the same
metadata. They use the sample app's naming convention.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from sample_app.extensions import NAMING_CONVENTION

from ..judge.schema import CONSTRAINT_NAME, EITHER, SERVER_DEFAULT

# A statement that says nothing of a server default (lesson 03's role, lesson 11's enum):
# an answer may keep the one that filled the rows or drop it.
DEFAULT_UNSTATED = {SERVER_DEFAULT: EITHER}


def _user(
    metadata: MetaData,
    *,
    name_column: str = "username",
    unique_email: bool = True,
    with_email: bool = True,
    email_key: str | None = None,
    name_constraint_named: bool = True,
    extra: tuple = (),
) -> Table:
    email = [Column("email", String(120), nullable=False, unique=unique_email, key=email_key)]
    named = name_constraint_named
    return Table(
        "user",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(name_column, String(80), nullable=False, unique=named),
        *(email if with_email else []),
        *extra,
        *([] if named else [UniqueConstraint(name_column, info={CONSTRAINT_NAME: EITHER})]),
    )


def _password() -> Column:
    return Column("password_hash", String(128))


def _post(metadata: MetaData, *, title_key: str | None = None, extra: tuple = ()) -> Table:
    return Table(
        "post",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("title", String(200), nullable=False, key=title_key),
        Column("user_id", Integer, ForeignKey("user.id"), nullable=False),
        *extra,
    )


def _bio() -> Column:
    return Column("bio", String(200))


def _shop(metadata: MetaData, *, with_price: bool, with_notes: bool) -> None:
    _user(metadata, extra=(_password(),))
    product = [Column("id", Integer, primary_key=True), Column("name", String(80), nullable=False)]
    if with_price:
        product.append(Column("price_cents", Integer, nullable=False))
    Table("product", metadata, *product)
    order = [
        Column("id", Integer, primary_key=True),
        Column("user_id", Integer, ForeignKey("user.id"), nullable=False),
        Column("product_id", Integer, ForeignKey("product.id"), nullable=False),
    ]
    if with_notes:
        order.append(Column("notes", Text))
    Table("order", metadata, *order)


LAYOUTS: dict[str, Callable[[MetaData], object]] = {
    "user": lambda m: _user(m),
    "user(email not unique)": lambda m: _user(m, unique_email=False),
    # a legacy migration's user table, its username's unique constraint unnamed: going back to
    # it, the constraint may keep the convention's name or have none again
    "user(username unique by any name)": lambda m: _user(m, name_constraint_named=False),
    "user+role_enum": lambda m: _user(
        m,
        extra=(
            Column(
                "role",
                Enum("member", "admin", name="user_role"),
                nullable=False,
                info=DEFAULT_UNSTATED,
            ),
        ),
    ),
    "user+is_active": lambda m: _user(
        m, extra=(Column("is_active", Boolean, nullable=False, server_default=true()),)
    ),
    "user+phone+bio": lambda m: _user(m, extra=(Column("phone", String(20)), _bio())),
    "user+display_name": lambda m: _user(
        m, extra=(Column("display_name", String(80), nullable=False),)
    ),
    "user+password": lambda m: _user(m, extra=(_password(),)),
    "user(email keyed email_address)+password": lambda m: _user(
        m, email_key="email_address", extra=(_password(),)
    ),
    "user+password+phone": lambda m: _user(m, extra=(_password(), Column("phone", String(20)))),
    "user+password+phone+bio": lambda m: _user(
        m, extra=(_password(), Column("phone", String(20)), _bio())
    ),
    "user+password(64)": lambda m: _user(m, extra=(Column("password_hash", String(64)),)),
    "user+password(required)": lambda m: _user(
        m, extra=(Column("password_hash", String(128), nullable=False),)
    ),
    "user(no email)+password": lambda m: _user(m, with_email=False, extra=(_password(),)),
    "user+bio": lambda m: _user(m, extra=(_bio(),)),
    "user+password+bio": lambda m: _user(m, extra=(_password(), _bio())),
    "user+password+about": lambda m: _user(m, extra=(_password(), Column("about", String(500)))),
    "user+password+post": lambda m: (_user(m, extra=(_password(),)), _post(m)),
    "user+password+post(title keyed headline)": lambda m: (
        _user(m, extra=(_password(),)),
        _post(m, title_key="headline"),
    ),
    "user+password+post+post.email": lambda m: (
        _user(m, extra=(_password(),)),
        _post(m, extra=(Column("email", String(120)),)),
    ),
    "user+password+bio+post": lambda m: (_user(m, extra=(_password(), _bio())), _post(m)),
    "user+role": lambda m: _user(
        m, extra=(Column("role", String(20), nullable=False, info=DEFAULT_UNSTATED),)
    ),
    "user(login)+password": lambda m: _user(m, name_column="login", extra=(_password(),)),
    "user+login": lambda m: _user(m, extra=(Column("login", String(80)),)),
    "shop": lambda m: _shop(m, with_price=True, with_notes=True),
    "shop-old": lambda m: _shop(m, with_price=False, with_notes=False),
}


def build_metadata(layout: str) -> MetaData:
    """A fresh MetaData holding the tables of ``layout``."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    LAYOUTS[layout](metadata)
    return metadata


def awkward_values(column: Column) -> list[Any]:
    """The values a migration can damage, for one column: NULL where allowed, the empty
    string, spaces at either end, quotes and non-ASCII text, the longest value the type
    allows, and a plain one; numbers and booleans at their edges."""
    kind = column.type
    nullable = [None] if column.nullable else []
    if isinstance(kind, Enum):
        return [*kind.enums, *nullable]
    if isinstance(kind, Boolean):
        return [True, False, *nullable]
    if isinstance(kind, Integer):
        return [0, -1, 2**31 - 1, 7, *nullable]
    longest = "x" * (kind.length or 2000)
    return [
        "plain text",
        *nullable,
        "",
        "  spaces at both ends  ",
        'O\'Brien says "hi" — Zoë',
        longest,
    ]


def holds_text(column: Column, text: str) -> bool:
    """Whether a column is one of text (no enum) that can hold ``text``."""
    kind = column.type
    return (
        isinstance(kind, String)
        and not isinstance(kind, Enum)
        and (kind.length or len(text)) >= len(text)
    )


def seed_tables(metadata: MetaData, users: list[dict[str, Any]]) -> dict[str, list[dict]]:
    """Rows for every table of a start layout: each user as given (id, name, email), every
    other column cycling through its awkward values (``awkward_values``) so that every
    column holds each of them, but a user whose name holds a colon (``:D``, which SQL
    written into ``sa.text()`` reads as a parameter) holds their name in every text column;
    where there is a post table, a post for every other user; where there is a shop, products
    and an order for every other user."""
    table = metadata.tables["user"]
    user_rows = []
    for number, user in enumerate(users):
        row = {"id": user["id"], table.columns.keys()[1]: user["username"]}
        if "email" in table.columns:
            row["email"] = user["email"]
        for offset, column in enumerate(table.columns):
            if column.name not in row:  # each column shifted, so no two hold the same value
                values = awkward_values(column)
                row[column.name] = values[(number + offset) % len(values)]
                if ":" in user["username"] and holds_text(column, user["username"]):
                    row[column.name] = user["username"]  # read by sa.text() as a parameter
        user_rows.append(row)
    tables = {"user": user_rows}
    if "post" in metadata.tables:
        titles = awkward_values(metadata.tables["post"].columns["title"])
        tables["post"] = [
            {"id": 1000 + user["id"], "title": titles[n % len(titles)], "user_id": user["id"]}
            for n, user in enumerate(users[::2])
        ]
    if "product" in metadata.tables:
        tables["product"] = [
            {"id": number, "name": name, **other_values(metadata.tables["product"], number)}
            for number, name in enumerate(awkward_values(metadata.tables["product"].c.name), 1)
        ]
    if "order" in metadata.tables:
        products = len(tables.get("product", [])) or 1
        tables["order"] = [
            {
                "id": 2000 + user["id"],
                "user_id": user["id"],
                "product_id": 1 + n % products,
                **other_values(metadata.tables["order"], n),
            }
            for n, user in enumerate(users[::2])
        ]
    return tables


def other_values(table: Table, number: int) -> dict[str, Any]:
    """A row's values for the columns of ``table`` that no key or name fills, taken in turn
    from their awkward values."""
    filled = {"id", "name", "user_id", "product_id"}
    values = {c.name: awkward_values(c) for c in table.columns if c.name not in filled}
    return {name: cycle[number % len(cycle)] for name, cycle in values.items()}


VISIBLE_USERS = [
    {"id": 1, "username": "alice", "email": "alice@example.com"},
    {"id": 2, "username": "bob", "email": "bob@example.com"},
    {"id": 3, "username": "carol", "email": "carol@example.com"},
    {"id": 4, "username": "dave", "email": "dave@example.com"},
    {"id": 5, "username": "erin", "email": "erin@example.com"},
    {"id": 6, "username": "mcDonald", "email": "McDonald@Example.com"},
    {"id": 7, "username": "éva", "email": "éva@exämple.com"},
    {"id": 8, "username": "  padded  ", "email": " padded@example.com "},
    {"id": 9, "username": "", "email": ""},
    {"id": 10, "username": 'o\'brien "ob"', "email": "o'brien@example.com"},
    {"id": 11, "username": "ü" * 80, "email": "y" * 120},
]

# A name like ":D" is a bind parameter to sa.text(), where SQL written by hand ends up.
_HIDDEN_NAMES = [
    "zoë",
    "li_lei",
    "o'brien",
    "Ævar",
    "mañana",
    "dmitrïy",
    "x" * 80,
    "a b",
    "a :b",
    ":D",
]
# More users than a backfill's page (lesson 13) commonly holds, 1,000: a loop that ends after its
# first page, or pages with OFFSET over rows its own updates change, leaves users behind.
HIDDEN_USERS = [
    {
        "id": 100 + 7 * i,
        "username": name,
        "email": f"u{i}@t.example" if i % 5 else f"U{i}@T.Example",
    }
    for i, name in enumerate(_HIDDEN_NAMES + [f"user{n:04d}" for n in range(1190)])
] + [  # an address another user has in other capitals: a different address to the database
    {"id": 9, "username": "case twin", "email": "U1@T.EXAMPLE"},
]
