"""The course's exercises, one class each, keyed by stable ids."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..outcomes import CheckFailed
from .base import Exercise, MigrationExercise
from .code import FactoryExercise, FunctionCase, FunctionExercise


class MissingColumns(FunctionExercise):
    id = "01-missing-columns"
    title = "Find the columns create_all() would not add"
    lesson = "01"
    function_name = "missing_columns"
    task = """\
`db.create_all()` never adds a column to a table that exists, and does not say so. Write the check it
does not do.

Define `missing_columns(engine, metadata)`. `engine` is a SQLAlchemy engine connected to a database;
`metadata` is a SQLAlchemy `MetaData` holding the tables the models describe. Return a **set of
strings** `"table.column"`, one for every column that the metadata defines but the database lacks. A
table missing from the database altogether contributes all of its columns. Columns that exist only in
the database are not reported. When nothing is missing, return an empty set.

Example: for the lesson 01 database (a `user` table with `id`, `username`, `email`) and the model with
`password_hash`, the answer is `{"user.password_hash"}`.
"""
    hints = (
        "`sqlalchemy.inspect(engine)` returns an inspector: `get_table_names()` lists the tables, "
        "`get_columns(name)` lists a table's columns as dictionaries with a `'name'` key.",
        "`metadata.tables.values()` gives the model tables; each has `.name` and `.columns`.",
        "For each model table, collect the names the database has (none if the table is "
        "missing), then add every model column whose name is not among them.",
    )
    starter = '''\
from sqlalchemy import inspect


def missing_columns(engine, metadata):
    """The columns the models define but the database lacks, as {"table.column", ...}."""
    raise NotImplementedError("write this function")
'''
    solution = '''\
from sqlalchemy import inspect


def missing_columns(engine, metadata):
    """The columns the models define but the database lacks, as {"table.column", ...}."""
    inspector = inspect(engine)
    tables_in_database = set(inspector.get_table_names())
    missing = set()
    for table in metadata.tables.values():
        present = set()
        if table.name in tables_in_database:
            present = {column["name"] for column in inspector.get_columns(table.name)}
        missing |= {f"{table.name}.{c.name}" for c in table.columns if c.name not in present}
    return missing
'''
    cases = (
        FunctionCase(
            "finds-new-column",
            "finds the column the model gained in lesson 01",
            "user",
            "user+password",
            frozenset({"user.password_hash"}),
        ),
        FunctionCase(
            "nothing-missing",
            "returns an empty set when the database is up to date",
            "user+password",
            "user+password",
            frozenset(),
        ),
        FunctionCase(
            "missing-tables",
            "reports every column of a table the database lacks",
            "user+password",
            "shop",
            frozenset(
                {"product.id", "product.name", "product.price_cents"}
                | {"order.id", "order.user_id", "order.product_id", "order.notes"}
            ),
            hidden=True,
        ),
        FunctionCase(
            "several-tables",
            "finds missing columns in several tables at once",
            "shop-old",
            "shop",
            frozenset({"product.price_cents", "order.notes"}),
            hidden=True,
        ),
        FunctionCase(
            "database-only-columns",
            "ignores columns that exist only in the database",
            "user+password+bio",
            "user+password",
            frozenset(),
            hidden=True,
        ),
    )


class WireMigrate(FactoryExercise):
    id = "02-wire-migrate"
    title = "Wire Flask-Migrate into an application factory"
    lesson = "02"
    task = """\
Complete the package's `__init__.py` below so that every app made by `create_app(database_url)` has
the `flask db` commands and can be migrated:

- import the `Migrate` class from `flask_migrate`;
- create the extension once, at module level, unbound (no app yet), with batch rendering turned on for
  SQLite;
- attach it inside `create_app` to the app and to the module's `db`.

Replace each `___`; keep everything else. The check builds apps from your factory next to a `models.py`
with the `User` model and runs a real `flask db upgrade` through it.
"""
    hints = (
        "The class is `Migrate`: `from flask_migrate import Migrate`.",
        "At module level, `migrate = Migrate(render_as_batch=True)` creates the extension without "
        "an app, like `db = SQLAlchemy()` above it.",
        "Inside the factory, after `db.init_app(app)`: `migrate.init_app(app, db)`.",
    )
    starter = '''\
"""The application factory, with Flask-Migrate wired in."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_migrate import ___

db = SQLAlchemy()
migrate = ___


def create_app(database_url="sqlite:///app.db"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    ___
    from . import models  # noqa: F401  (so that autogenerate sees the models)

    return app
'''
    solution = '''\
"""The application factory, with Flask-Migrate wired in."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_migrate import Migrate

db = SQLAlchemy()
migrate = Migrate(render_as_batch=True)


def create_app(database_url="sqlite:///app.db"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    migrate.init_app(app, db)
    from . import models  # noqa: F401  (so that autogenerate sees the models)

    return app
'''


def with_bodies(starter: str, *, upgrade: str, downgrade: str) -> str:
    """A migration starter with the bodies of ``upgrade()`` and ``downgrade()`` written in."""
    return starter.replace("def upgrade():\n    pass\n", "def upgrade():\n" + upgrade).replace(
        "def downgrade():\n    pass\n", "def downgrade():\n" + downgrade
    )


def migration_starter(message: str, revision: str, down_revision: str) -> str:
    return f'''\
"""{message}

Revision ID: {revision}
Revises: {down_revision}
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '{revision}'
down_revision = '{down_revision}'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
'''


class AddPasswordHash(MigrationExercise):
    id = "03-add-password-hash"
    title = "Add a nullable column, with a working downgrade"
    lesson = "03"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+password"
    task = """\
**Start:** the `user` table has `id` (INTEGER, primary key), `username` (VARCHAR(80), NOT NULL, unique
constraint `uq_user_username`) and `email` (VARCHAR(120), NOT NULL, unique constraint `uq_user_email`),
and holds users. One migration has been applied: `5e1f0c2a9b01` (create user table).

**Write** the next migration, revision `7b3c2e4d9f03`:
- `upgrade()` adds a nullable column `password_hash` of type VARCHAR(128) to `user`;
- `downgrade()` removes it again.

**Preserve:** every user and all their values, through the upgrade (their `password_hash` is NULL) and
through the downgrade.
"""
    hints = (
        "SQLite changes tables in batch mode: `with op.batch_alter_table('user') as batch_op:` and "
        "then call the operations on `batch_op`.",
        "The column is `sa.Column('password_hash', sa.String(length=128), nullable=True)`, added "
        "with `batch_op.add_column(...)`; `batch_op.drop_column('password_hash')` removes it.",
        "It is the script `flask db migrate` wrote in lesson 03, second migration.",
    )
    starter = migration_starter("add password_hash to user", "7b3c2e4d9f03", "5e1f0c2a9b01")
    solution = with_bodies(
        starter,
        upgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.add_column(sa.Column('password_hash', sa.String(length=128), "
            "nullable=True))\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_column('password_hash')\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "password_hash": None}


class AddNotNullRole(MigrationExercise):
    id = "03-add-role"
    title = "Add a NOT NULL column to a table that has rows"
    lesson = "03"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+role"
    task = """\
**Start:** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`, `email`), holding
users.

**Write** the next migration, revision `8c4d3f5e0a04`:
- `upgrade()` adds a column `role`, VARCHAR(20), **NOT NULL**; every existing user gets the role
  `'member'`;
- `downgrade()` removes the column.

**Preserve:** every user and all their other values, both ways. After the upgrade the column must be NOT
NULL, and no user may be left without a role.
"""
    hints = (
        "Adding a NOT NULL column to a table with rows fails unless the database knows what to put "
        "in the existing rows.",
        "A server default fills the existing rows as the column is added: "
        "`sa.Column('role', sa.String(length=20), nullable=False, server_default='member')`.",
        "Another way: add the column nullable, fill it with "
        "`op.execute(\"UPDATE user SET role = 'member'\")`, then make it NOT NULL with "
        "`batch_op.alter_column('role', existing_type=sa.String(length=20), nullable=False)`.",
    )
    starter = migration_starter("add role to user", "8c4d3f5e0a04", "5e1f0c2a9b01")
    solution = with_bodies(
        starter,
        upgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.add_column(\n"
            "            sa.Column('role', sa.String(length=20), nullable=False, "
            "server_default='member')\n"
            "        )\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_column('role')\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "role": "member"}


class RenameUsername(MigrationExercise):
    id = "04-rename-username"
    title = "Rename a column without losing its data"
    lesson = "04"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "6a2b1d3c8e02_add_password_hash_to_user.py",
    )
    start_layout = "user+password"
    target_layout = "user(login)+password"
    task = """\
**Start:** two migrations applied, `5e1f0c2a9b01` (create user table) and `6a2b1d3c8e02` (add
`password_hash`). The `user` table has `id`, `username` (VARCHAR(80), NOT NULL, unique constraint
`uq_user_username`), `email` and `password_hash`, and holds users.

**Write** the next migration, revision `9d5e4a6f1b05`, which renames `username` to `login`:
- after `upgrade()`: a column `login`, VARCHAR(80), NOT NULL, whose unique constraint is named
  `uq_user_login` (the app's naming convention); no `username` column; every user's `login` is their old
  `username`;
- `downgrade()` renames it back, with its constraint named `uq_user_username` again.

**Preserve:** every user and every value, both ways. `flask db migrate` writes this change as "drop
`username`, add `login`", which loses every name: write it by hand.
"""
    hints = (
        "A rename is `alter_column` with `new_column_name`: inside "
        "`with op.batch_alter_table('user') as batch_op:` call "
        "`batch_op.alter_column('username', new_column_name='login', "
        "existing_type=sa.String(length=80), existing_nullable=False)`.",
        "The unique constraint keeps its old name through a rename. Drop it in the same batch "
        "with `batch_op.drop_constraint('uq_user_username', type_='unique')`, then create "
        "`batch_op.create_unique_constraint('uq_user_login', ['login'])` in a second "
        "`with op.batch_alter_table('user')` block: a constraint on a column renamed in the "
        "same batch is lost.",
        "downgrade() is the mirror image: drop `uq_user_login`, rename `login` back to "
        "`username`, create `uq_user_username`.",
    )
    starter = migration_starter("rename username to login", "9d5e4a6f1b05", "6a2b1d3c8e02")
    solution = with_bodies(
        starter,
        upgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_constraint('uq_user_username', type_='unique')\n"
            "        batch_op.alter_column('username', new_column_name='login',\n"
            "                              existing_type=sa.String(length=80), "
            "existing_nullable=False)\n"
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.create_unique_constraint('uq_user_login', ['login'])\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_constraint('uq_user_login', type_='unique')\n"
            "        batch_op.alter_column('login', new_column_name='username',\n"
            "                              existing_type=sa.String(length=80), "
            "existing_nullable=False)\n"
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.create_unique_constraint('uq_user_username', ['username'])\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        renamed = {"login" if key == "username" else key: value for key, value in row.items()}
        return renamed


AUTOGENERATED_WITHOUT_POST_MODEL = '''\
"""add bio to user

Revision ID: b8e5f3a2c1d6
Revises: 7f4e2a1c9d03
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e5f3a2c1d6'
down_revision = '7f4e2a1c9d03'
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('post')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio', sa.String(length=200), nullable=True))

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('bio')

    op.create_table('post',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('title', sa.VARCHAR(length=200), nullable=False),
    sa.Column('user_id', sa.INTEGER(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_post_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post'))
    )
    # ### end Alembic commands ###
'''


class ReviewAutogenerated(MigrationExercise):
    id = "05-review-autogenerated"
    title = "Review an autogenerated script and fix what is wrong"
    lesson = "05"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "6a2b1d3c8e02_add_password_hash_to_user.py",
        "7f4e2a1c9d03_create_post_table.py",
    )
    start_layout = "user+password+post"
    target_layout = "user+password+bio+post"
    task = """\
**Start:** three migrations applied: `5e1f0c2a9b01` (create user table), `6a2b1d3c8e02` (add
`password_hash`) and `7f4e2a1c9d03` (create post table: `id`, `title` VARCHAR(200) NOT NULL, `user_id`
NOT NULL with a foreign key to `user.id`). The database holds users and posts.

**The change wanted:** a nullable `bio` column, VARCHAR(200), on `user`. Nothing else.

A developer added `bio` to the `User` model and ran `flask db migrate -m "add bio to user"`. But the module
with the `Post` model was not imported when the app was created, so autogenerate believed the `post` table
should go, and wrote the script below (revision `b8e5f3a2c1d6`). **Review it and fix it** so that it makes
exactly the wanted change, and its `downgrade()` exactly undoes it.

**Preserve:** every user and all their values, and the `post` table with its rows, both ways.
"""
    hints = (
        "Read `upgrade()` line by line and ask of each operation: is this part of the change I wanted?",
        "`op.drop_table('post')` is autogenerate's reaction to a model it could not see. Delete it, "
        "and in `downgrade()` delete the `op.create_table('post', ...)` that would undo it.",
        "What remains is one `add_column` in `upgrade()` and one `drop_column` in `downgrade()`.",
    )
    starter = AUTOGENERATED_WITHOUT_POST_MODEL
    solution = AUTOGENERATED_WITHOUT_POST_MODEL.split("def upgrade():")[0] + (
        "def upgrade():\n"
        "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
        "        batch_op.add_column(sa.Column('bio', sa.String(length=200), nullable=True))\n"
        "\n\n"
        "def downgrade():\n"
        "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
        "        batch_op.drop_column('bio')\n"
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "bio": None}


class RenameBio(MigrationExercise):
    id = "06-rename-bio"
    title = "Rename a nullable column by hand, keeping its values both ways"
    lesson = "06"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "6a2b1d3c8e02_add_password_hash_to_user.py",
        "8b5f3d2e0a14_add_bio_to_user.py",
    )
    start_layout = "user+password+bio"
    target_layout = "user+password+about"
    task = """\
**Start:** three migrations applied: `5e1f0c2a9b01` (create user table), `6a2b1d3c8e02` (add
`password_hash`) and `8b5f3d2e0a14` (add `bio`, VARCHAR(200), nullable). Most users have written a bio.

**Write** the next migration, revision `c4a7e9b1d2f3`, which renames the column `bio` to `about`:
- after `upgrade()`: a nullable column `about`, VARCHAR(200), holding each user's old `bio`; no `bio`
  column;
- `downgrade()` renames it back to `bio`, values included.

**Preserve:** every user and every value, both ways. The script `flask db migrate` writes for this change
("add `about`, drop `bio`") runs without an error and empties every bio: that is the trap.
"""
    hints = (
        "A rename is one operation, not two: `alter_column` with `new_column_name`.",
        "Inside `with op.batch_alter_table('user') as batch_op:` call "
        "`batch_op.alter_column('bio', new_column_name='about', existing_type=sa.String(length=200))`.",
        "`downgrade()` is the same call the other way round: from `about` back to `bio`.",
    )
    starter = migration_starter("rename bio to about", "c4a7e9b1d2f3", "8b5f3d2e0a14")
    solution = with_bodies(
        starter,
        upgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.alter_column('bio', new_column_name='about',\n"
            "                              existing_type=sa.String(length=200))\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.alter_column('about', new_column_name='bio',\n"
            "                              existing_type=sa.String(length=200))\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {"about" if key == "bio" else key: value for key, value in row.items()}


class DropUnnamedConstraint(MigrationExercise):
    id = "07-unnamed-constraint"
    title = "Drop a constraint that has no name"
    lesson = "07"
    base_revisions = ("0a7b9c1d2e34_create_user_table.py",)
    start_layout = "user"
    target_layout = "user(email not unique)"
    task = """\
**Start:** one legacy migration, `0a7b9c1d2e34`, created the `user` table (`id`, `username`,
`email`) **before the app had a naming convention**: its unique constraints on `username` and on `email`
have no names in the database. The table holds users.

**Write** the next migration, revision `d5b8f0c3e6a7`:
- `upgrade()` removes the unique constraint on `email` (two users may now share an address); the one on
  `username` stays;
- `downgrade()` puts a unique constraint on `email` back, named `uq_user_email` as the app's naming
  convention says.

**Preserve:** every user and all their values, both ways. Autogenerate does not notice that an unnamed
unique constraint should go, and `drop_constraint(None, ...)` fails with "Constraint must have a name".
"""
    hints = (
        "Batch mode rebuilds the table from what it reflects, and a constraint without a name cannot be "
        "named in `drop_constraint`. Give the reflected constraints names first.",
        "`op.batch_alter_table('user', naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'})` "
        "names every unnamed unique constraint it reflects by that pattern.",
        "Inside that batch, `batch_op.drop_constraint('uq_user_email', type_='unique')`. In "
        "`downgrade()`, `batch_op.create_unique_constraint('uq_user_email', ['email'])`.",
    )
    starter = migration_starter("drop unique constraint on email", "d5b8f0c3e6a7", "0a7b9c1d2e34")
    solution = with_bodies(
        starter,
        upgrade=(
            "    naming_convention = {'uq': 'uq_%(table_name)s_%(column_0_name)s'}\n"
            "    with op.batch_alter_table('user', naming_convention=naming_convention) as batch_op:\n"
            "        batch_op.drop_constraint('uq_user_email', type_='unique')\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.create_unique_constraint('uq_user_email', ['email'])\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)


class DisplayName(MigrationExercise):
    id = "08-display-name"
    title = "A NOT NULL column filled from existing rows: expand, migrate, contract"
    lesson = "08"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+display_name"
    task = """\
**Start:** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`, `email`), holding
users.

**Write** the next migration, revision `e6c9a1d4f7b8`:
- `upgrade()` adds `display_name`, VARCHAR(80), **NOT NULL**, and fills it for every existing user with
  their username, first letter in upper case (`alice` becomes `Alice`, `li_lei` becomes `Li_lei`);
- `downgrade()` removes the column.

**Preserve:** every user and all their other values, both ways. Do not import the app's models in the
migration: describe the table you need inside the script.
"""
    hints = (
        "Three steps: add the column as nullable (expand), fill it (migrate the data), then make it "
        "NOT NULL (contract).",
        "Describe the table locally: `user = sa.table('user', sa.column('id', sa.Integer), "
        "sa.column('username', sa.String), sa.column('display_name', sa.String))`. Read the rows "
        "with `op.get_bind().execute(sa.select(user.c.id, user.c.username))` and write each one with "
        "`op.execute(user.update().where(user.c.id == id_).values(display_name=...))`.",
        "Finish with `batch_op.alter_column('display_name', existing_type=sa.String(length=80), "
        "nullable=False)` in a second batch; `downgrade()` drops the column.",
    )
    starter = migration_starter("add display_name to user", "e6c9a1d4f7b8", "5e1f0c2a9b01")
    solution = with_bodies(
        starter,
        upgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.add_column(sa.Column('display_name', sa.String(length=80), nullable=True))\n"
            "\n"
            "    user = sa.table(\n"
            "        'user',\n"
            "        sa.column('id', sa.Integer),\n"
            "        sa.column('username', sa.String),\n"
            "        sa.column('display_name', sa.String),\n"
            "    )\n"
            "    rows = op.get_bind().execute(sa.select(user.c.id, user.c.username)).all()\n"
            "    for id_, username in rows:\n"
            "        display_name = username[:1].upper() + username[1:]\n"
            "        op.execute(user.update().where(user.c.id == id_).values(display_name=display_name))\n"
            "\n"
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.alter_column('display_name', existing_type=sa.String(length=80), "
            "nullable=False)\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_column('display_name')\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        username = row["username"]
        return {**row, "display_name": username[:1].upper() + username[1:]}


class MergeHeads(MigrationExercise):
    id = "09-merge-heads"
    title = "Merge two heads into one"
    lesson = "09"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "1b2c3d4e5f60_add_phone_to_user.py",
        "2c3d4e5f6a71_add_bio_to_user.py",
    )
    merges = ("1b2c3d4e5f60", "2c3d4e5f6a71")
    start_layout = "user+phone+bio"
    target_layout = "user+phone+bio"
    task = """\
**Start:** two people branched from the first migration, `5e1f0c2a9b01` (create user table), at the same
time. One wrote `1b2c3d4e5f60` (add `phone`), the other `2c3d4e5f6a71` (add `bio`); both revise
`5e1f0c2a9b01`. The history now has two heads, and `flask db upgrade` refuses to guess. The database has
both migrations applied and holds users.

**Write** the merge migration, revision `f8d0b2c4e6a9`, the script `flask db merge` would write:
- it follows **both** heads, so that the history has a single head again;
- it changes nothing in the schema or the data, in either direction.

**Preserve:** every user and every value; both columns.
"""
    hints = (
        "A merge revision is an ordinary script whose `down_revision` is a tuple of the revisions it "
        "joins.",
        "`down_revision = ('1b2c3d4e5f60', '2c3d4e5f6a71')`; both functions can stay `pass`.",
        'On the command line, `flask db merge heads -m "merge phone and bio"` writes this script for '
        "you.",
    )
    starter = migration_starter("merge phone and bio", "f8d0b2c4e6a9", "1b2c3d4e5f60")
    solution = starter.replace(
        "Revises: 1b2c3d4e5f60\n", "Revises: 1b2c3d4e5f60, 2c3d4e5f6a71\n"
    ).replace(
        "down_revision = '1b2c3d4e5f60'\n", "down_revision = ('1b2c3d4e5f60', '2c3d4e5f6a71')\n"
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)


class DeploySafeColumn(MigrationExercise):
    id = "10-deploy-safe-column"
    title = "A column the running version of the app can live with"
    lesson = "10"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+is_active"
    compatibility_check = (
        "old-code-inserts",
        "the version of the app still running can insert users without knowing the column",
    )
    task = """\
**Start:** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`, `email`), holding
users. In production the migration runs first, and for a while the *previous* version of the app keeps
serving requests: it knows nothing of the new column, and inserts users with
`INSERT INTO user (username, email) VALUES (...)`.

**Write** the next migration, revision `a3e5c7f9b1d2`:
- `upgrade()` adds `is_active`, BOOLEAN, **NOT NULL**; every existing user is active;
- users inserted afterwards by the previous version of the app (which does not mention `is_active`) must
  be accepted, and be active;
- `downgrade()` removes the column.

**Preserve:** every user and all their other values, both ways.
"""
    hints = (
        "The old code's INSERT names only `username` and `email`. For a NOT NULL column it does not "
        "mention, the database itself must supply a value.",
        "A *server* default is the database's value for an omitted column: "
        "`server_default=sa.true()`. It also fills the existing rows when the column is added.",
        "`batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False, "
        "server_default=sa.true()))`, and `batch_op.drop_column('is_active')` in `downgrade()`.",
    )
    starter = migration_starter("add is_active to user", "a3e5c7f9b1d2", "5e1f0c2a9b01")
    solution = with_bodies(
        starter,
        upgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.add_column(\n"
            "            sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true())\n"
            "        )\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_column('is_active')\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "is_active": 1}

    def verify_compatibility(self, database_path: Path) -> None:
        with sqlite3.connect(database_path) as connection:
            try:
                connection.execute(
                    "INSERT INTO user (username, email) VALUES ('old-code', 'old@example.com')"
                )
                (active,) = connection.execute(
                    "SELECT is_active FROM user WHERE username = 'old-code'"
                ).fetchone()
            except sqlite3.Error as error:
                raise CheckFailed(
                    f"the previous version of the app cannot insert a user any more: {error}."
                ) from None
            finally:
                connection.rollback()
        connection.close()
        if active != 1:
            raise CheckFailed(
                f"a user inserted by the previous version of the app has is_active = {active!r}, "
                "not active (1)."
            )


class EnumColumn(MigrationExercise):
    id = "11-enum-column"
    title = "An enum column on PostgreSQL, created and removed cleanly"
    lesson = "11"
    database_kind = "postgresql"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+role_enum"
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `5e1f0c2a9b01` (`id`, `username`,
`email`), holding users. The check runs on a real PostgreSQL server.

**Write** the next migration, revision `b7d9f1a3c5e7`:
- `upgrade()` adds `role`, of the PostgreSQL enum type `user_role` with the values `'member'` and
  `'admin'`, **NOT NULL**; every existing user is a `'member'`;
- `downgrade()` removes the column **and the type**, so that upgrading again works.

**Preserve:** every user and all their other values, both ways. The script autogenerate writes for this
model change fails on PostgreSQL: `type "user_role" does not exist`.
"""
    hints = (
        "On PostgreSQL an enum is a type of its own, and `add_column` does not create it. Create it "
        "before the column and drop it after the column.",
        "At module level: `user_role = sa.Enum('member', 'admin', name='user_role')`. In `upgrade()`: "
        "`user_role.create(op.get_bind(), checkfirst=True)` first; in `downgrade()`: "
        "`user_role.drop(op.get_bind(), checkfirst=True)` last.",
        "The column: `sa.Column('role', user_role, nullable=False, server_default='member')`; "
        "`server_default` fills the existing rows.",
    )
    starter = migration_starter("add role to user", "b7d9f1a3c5e7", "5e1f0c2a9b01")
    solution = with_bodies(
        starter.replace(
            "depends_on = None\n",
            "depends_on = None\n\nuser_role = sa.Enum('member', 'admin', name='user_role')\n",
        ),
        upgrade=(
            "    user_role.create(op.get_bind(), checkfirst=True)\n"
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.add_column(\n"
            "            sa.Column('role', user_role, nullable=False, server_default='member')\n"
            "        )\n"
        ),
        downgrade=(
            "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
            "        batch_op.drop_column('role')\n"
            "    user_role.drop(op.get_bind(), checkfirst=True)\n"
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "role": "member"}


EXERCISES: dict[str, Exercise] = {
    exercise.id: exercise
    for exercise in (
        MissingColumns(),
        WireMigrate(),
        AddPasswordHash(),
        AddNotNullRole(),
        RenameUsername(),
        ReviewAutogenerated(),
        RenameBio(),
        DropUnnamedConstraint(),
        DisplayName(),
        MergeHeads(),
        DeploySafeColumn(),
        EnumColumn(),
    )
}
