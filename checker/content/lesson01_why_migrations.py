"""Lesson 01, Why migrations: its exercises and quiz questions."""

from __future__ import annotations

from ..judge.kinds import FunctionCase
from ..judge.quizzes import Option, Question
from .kinds import FunctionExercise

TITLE = "Why migrations"


class MissingColumns(FunctionExercise):
    """Report the columns that ``create_all()`` would silently not add."""

    id = "01-missing-columns"
    title = "Find the columns create_all() would not add"
    function_name = "missing_columns"
    task = """\
`db.create_all()` never adds a column to a table that exists, and does not say so. Write the check
it does not do.

Define `missing_columns(engine, metadata)`. `engine` is a SQLAlchemy engine connected to a
database; `metadata` is a SQLAlchemy `MetaData` holding the tables the models describe. Return a
**set of strings** `"table.column"`, one for every column that the metadata defines but the
database lacks, named as the database names it (a model's attribute may be called otherwise:
`email_address = db.Column('email', ...)` is the column `email`). A table missing from the
database altogether contributes all of its columns. Columns that exist only in the database are
not reported. When nothing is missing, return an empty set. Only read the database: leave its
tables and rows as they were.

Example: for the lesson 01 database (a `user` table with `id`, `username`, `email`) and the model
with `password_hash`, the answer is `{"user.password_hash"}`.
"""
    hints = (
        (
            "`sqlalchemy.inspect(engine)` returns an inspector: `get_table_names()` lists the "
            "tables, `get_columns(name)` lists a table's columns as dictionaries with a `'name'` "
            "key."
        ),
        "`metadata.tables.values()` gives the model tables; each has `.name` and `.columns`.",
        (
            "For each model table, collect the names the database has (none if the table is "
            "missing), then add every model column whose name is not among them."
        ),
    )
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
        ),
        FunctionCase(
            "missing-in-the-middle",
            "finds a missing column wherever it is in the table, not only at the end",
            "user(no email)+password",
            "user+password",
            frozenset({"user.email"}),
        ),
        FunctionCase(
            "database-only-beside-missing",
            "finds a missing column when the database has another column instead",
            "user+bio",
            "user+password",
            frozenset({"user.password_hash"}),
        ),
        FunctionCase(
            "present-but-different",
            "does not report a column the database has with another type or nullability",
            "user+password(64)",
            "user+password(required)",
            frozenset(),
        ),
        FunctionCase(
            "column-named-otherwise-in-the-model",
            "names a column as the database does, not by the model's attribute for it",
            "user",
            "user(email keyed email_address)+password",
            frozenset({"user.password_hash"}),
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
            "missing-table-named-otherwise",
            "names the columns of a missing table as the database will, not by model attribute",
            "user+password",
            "user+password+post(title keyed headline)",
            frozenset({"post.id", "post.title", "post.user_id"}),
            hidden=True,
        ),
        FunctionCase(
            "name-in-another-table",
            "finds a column a table lacks though another table has one of that name",
            "user+password+post",
            "user+password+post+post.email",
            frozenset({"post.email"}),
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


EXERCISES = (MissingColumns,)

QUESTIONS = (
    Question(
        id="01-what-is-a-migration",
        prompt="In this course, what is a migration?",
        kind="single",
        keys=("30cacc4633f17a42c2e3b3e0e1b11891e34f03a4eac5b1dc37eca9b60092f1b3",),
        options=(
            Option(
                (
                    "A script that takes a database's schema (and its data, where needed) from one"
                    " version to the next, and back"
                ),
                "Yes: an upgrade() and a downgrade(), kept in order in migrations/versions/.",
            ),
            Option(
                "A copy of the database taken before a change",
                "That is a backup; a migration changes the database, it does not copy it.",
            ),
            Option(
                "The SQL that db.create_all() runs when the app starts",
                "create_all() only creates missing tables; it never changes one that exists.",
            ),
            Option(
                "The change to a model class in models.py",
                (
                    "The model says what the schema should be; the migration is how each database "
                    "gets there."
                ),
            ),
        ),
        explanation=(
            "A migration is a versioned, reversible change to a database's schema, run by a tool "
            "that knows which changes each database has had."
        ),
    ),
    Question(
        id="01-team",
        prompt="What do migrations give a team that create_all() does not? Select all that apply.",
        kind="multiple",
        keys=(
            "7274896d25f71fc8c91860d60ab8254d02aead37fb0e5d2f60b613896d308aa8",
            "11ef7b36bcefe953e24db2035963d8af250b8906eb3400ca418eba7e6317768b",
            "b610791c4084e487700746c00cdba742ef342ff1e8792718d7d52761a292b207",
        ),
        options=(
            Option(
                (
                    "Every database, from a laptop to production, gets the same changes in the "
                    "same order"
                ),
                "Yes: the history is one ordered list of scripts, run the same way everywhere.",
            ),
            Option(
                "The schema's history is in version control, reviewed like code",
                (
                    "Yes: each change is a file in migrations/versions/, in the same commit as the"
                    " model change."
                ),
            ),
            Option(
                "Each database records which changes it has had",
                (
                    "Yes: the alembic_version table holds its revision, so upgrade runs only what "
                    "is missing."
                ),
            ),
            Option(
                "A backup of the data before each change",
                (
                    "No: nothing is backed up; a migration that drops a column loses its values. "
                    "Back up yourself."
                ),
            ),
            Option(
                "Changes no longer need reviewing",
                (
                    "No: autogenerated scripts miss renames and more (lesson 05); every script is "
                    "read before it runs."
                ),
            ),
        ),
        explanation=(
            "Migrations make schema changes ordered, shared and recorded; they do not make them "
            "safe by themselves."
        ),
    ),
    Question(
        id="01-create-all",
        prompt="Why does `db.create_all()` not add `password_hash` to the existing `user` table?",
        kind="single",
        keys=("1e8ae1401cdeb1c641b828b18803905d0b33b0e3321cab60d81c7f84ef74d554",),
        options=(
            Option(
                "It only creates tables that do not exist; it never alters an existing one",
                "It looked for a `user` table, found one, and moved on.",
            ),
            Option(
                "It needs `flask db upgrade` to be run first",
                (
                    "`create_all()` does not use Alembic at all; it issues `CREATE TABLE` for "
                    "missing tables only."
                ),
            ),
            Option(
                "SQLite cannot add columns",
                (
                    "SQLite can add a column (`ALTER TABLE ... ADD COLUMN`); `create_all()` just "
                    "never tries."
                ),
            ),
            Option(
                "The model change was not saved",
                (
                    "The model was saved: the app failed precisely because the model had the new "
                    "column."
                ),
            ),
        ),
        explanation="`create_all()` compares table *names* only.",
    ),
    Question(
        id="01-drift",
        prompt=(
            "The model has a column the table lacks. Which of these happen? Select all that apply."
        ),
        kind="multiple",
        keys=(
            "f228e8b35809936b94fb97072ef4c1ac83632ad51faf3331f5e34757d5c73226",
            "1c26cab64d057c8087605ce11d4fd793d34901d15e1107d2ea11cf8d053de01f",
        ),
        options=(
            Option(
                "`db.create_all()` reports the difference",
                "It reports nothing: it is silent about tables that exist.",
            ),
            Option(
                "Queries on the model fail with `no such column`",
                "Every SELECT lists the model's columns, including the missing one.",
            ),
            Option(
                "The app can still start",
                "Nothing checks the schema at start-up; the failure comes with the first query.",
            ),
            Option(
                "The rows in the table are deleted",
                "No data is touched; the table is simply out of date.",
            ),
        ),
        explanation=(
            "The database is not changed and nothing warns you until a query touches the missing "
            "column."
        ),
    ),
)
