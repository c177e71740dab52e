"""Lesson 14, Configuring autogenerate: its exercises and quiz questions."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from ..judge.checks import check
from ..judge.inspection import INSPECTION_SECONDS
from ..judge.kinds.migration import MigrationTrial
from ..judge.outcomes import CheckFailed
from ..judge.quizzes import Option, Question
from ..judge.rows import shown
from .kinds import MigrationExercise

TITLE = "Configuring autogenerate"

NEW_USER = "INSERT INTO user (username, email) VALUES ('new-user', 'new-user@example.com')"


def insert_without_is_active(url: str, when: str, fix: str) -> tuple[Any, Any]:
    """Insert a user that does not name ``is_active`` into a private copy of a database.

    Returns the column's server default as SQLite reflects it (``None`` when there is
    none) and the value the new user got. ``fix`` ends the message of a refused insert.
    """
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    deadline = time.monotonic() + INSPECTION_SECONDS
    connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        columns = connection.execute("SELECT name, dflt_value FROM pragma_table_info('user')")
        defaults = dict(columns.fetchall())
        if "is_active" not in defaults:
            raise CheckFailed(f"{when}, the user table has no is_active column.")
        connection.execute(NEW_USER)
        row = connection.execute(
            "SELECT is_active FROM user WHERE username = 'new-user'"
        ).fetchone()
    except sqlite3.Error as error:
        reason = str(error)[:200]
        if "interrupted" in reason:
            reason = f"it took more than {INSPECTION_SECONDS} s"
        blamed = "NOT NULL constraint failed: user.is_active" in reason
        advice = f": the column has no server default; {fix}" if blamed else ""
        raise CheckFailed(
            f"{when}, a user inserted without is_active is refused ({reason}){advice}."
        ) from None
    finally:
        connection.close()
    if row is None:
        raise CheckFailed(f"{when}, a user inserted without is_active is not in the table.")
    (value,) = row
    return defaults["is_active"], value


def described(default: Any) -> str:
    """The server default as the learner can see it in the schema, cut short when long."""
    if default is None:
        return "none"
    text = f"DEFAULT {default}"
    return text if len(text) <= 80 else text[:77] + "..."


class InactiveByDefault(MigrationExercise):
    """Change a column's server default, which autogenerate does not compare by default."""

    id = "14-inactive-by-default"
    title = "New users start inactive: change a server default"
    base_revisions = (
        "5e1f0c2a9b01_create_user_table.py",
        "c3f5a7e9b2d4_add_is_active_to_user.py",
    )
    start_layout = "user+is_active"
    target_layout = "user+is_active"
    task = """\
**Start:** two migrations applied: `5e1f0c2a9b01` (create the `user` table: `id`, `username`,
`email`) and `c3f5a7e9b2d4` (add `is_active`, BOOLEAN NOT NULL, server default true). The table
holds users, most of them active, some not. The app inserts new users without naming `is_active`, so
the column's server default decides whether they are active.

**Write** the next migration, revision `f4b6d8a0c2e5`. From now on, new users must confirm their
email before they are active:
- `upgrade()` changes the server default of `is_active` to false: a user inserted afterwards
  without `is_active` is inactive. The column stays BOOLEAN NOT NULL;
- `downgrade()` puts the previous server default back: a user inserted without `is_active` is
  active again.

With `compare_server_default` off, `flask db migrate` writes nothing for this change: the script
below starts empty.

**Preserve:** every user and all their values, both ways. The users already there keep their
`is_active`, whatever it is: the default concerns only users inserted later.
"""
    hints = (
        (
            "A server default is used only when a row is inserted without the column. Changing "
            "it changes nothing in the rows already there, and your migration should not "
            "either."
        ),
        (
            "`batch_op.alter_column()` takes `server_default=`; give the type and nullability "
            "as `existing_type=` and `existing_nullable=`. A BOOLEAN default is written "
            "`sa.false()` or `sa.true()`: the text `'false'` would be stored as a word."
        ),
        (
            "In `upgrade()`, inside `with op.batch_alter_table('user', schema=None) as "
            "batch_op:`, write `batch_op.alter_column('is_active', existing_type=sa.Boolean(), "
            "server_default=sa.false(), existing_nullable=False)`; `downgrade()` is the same "
            "with `sa.true()`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)

    @check("new-users-inactive", after="upgrade-data", needs="history")
    def new_users_inactive(self, trial: MigrationTrial) -> None:
        """after upgrade, a user inserted without is_active is inactive"""
        copy = trial.observe(trial.visible_db, "after upgrade")
        fix = "give it sa.false()"
        default, value = insert_without_is_active(copy, "after upgrade", fix)
        if type(value) is not int or value != 0:
            raise CheckFailed(
                f"after upgrade, a user inserted without is_active gets {shown(value)}, not 0 "
                f"(false): the server default of user.is_active is {described(default)}; "
                f"{fix}."
            )

    @check("old-default-back", after="downgrade-data", needs="history")
    def old_default_back(self, trial: MigrationTrial) -> None:
        """after downgrade, a user inserted without is_active is active again"""
        copy = trial.observe(trial.visible_db, "after downgrade")
        fix = "downgrade() must put sa.true() back"
        default, value = insert_without_is_active(copy, "after downgrade", fix)
        if type(value) is not int or value != 1:
            raise CheckFailed(
                f"after downgrade, a user inserted without is_active gets {shown(value)}, not 1 "
                f"(true): the server default of user.is_active is {described(default)}; "
                f"{fix}."
            )


EXERCISES = (InactiveByDefault,)

QUESTIONS = (
    Question(
        id="14-no-changes",
        prompt=(
            'You changed something and `flask db migrate` printed "No changes in schema '
            'detected." and wrote no file. Which of these can explain it? Select all that apply.'
        ),
        kind="multiple",
        keys=(
            "ca4abac0ace381baee4bb47044c604fb59c57db234e60c14f30e55b6c03b43b2",
            "459556d254117a33a830cc1f72113ccacb951b2d0714c86969b34df766b0c268",
            "6e017c938d2ade965abd2e4e2ebb5879d0530ab9222f225d33276eb00b5a489a",
        ),
        options=(
            Option(
                "Nothing differs: the models and the database agree",
                (
                    "Then autogenerate finds no operation, and Flask-Migrate's "
                    "`process_revision_directives` drops the empty script."
                ),
            ),
            Option(
                "The only change is a server default, and `compare_server_default` is off",
                "Server defaults are compared only when you turn the comparison on.",
            ),
            Option(
                "The only change is to a table that `include_name` leaves out",
                "A table no model describes, left out by include_name, is neither read nor "
                "compared.",
            ),
            Option(
                "A new nullable column on an imported model",
                "Added columns are detected, unless an include hook leaves them out.",
            ),
            Option(
                "A column was added, and its type is a `TypeDecorator` of the app",
                (
                    "The column is detected all the same; the type only changes how the script "
                    "writes it."
                ),
            ),
        ),
        explanation=(
            "It means no difference among the things autogenerate compares; know what those "
            "are in your project."
        ),
    ),
    Question(
        id="14-custom-type",
        prompt=(
            "A model uses `LowercaseString(120)`, a TypeDecorator of the app, and autogenerate "
            "wrote `sample_app.types.LowercaseString(length=120)` in a migration. Which fix "
            "keeps the migration working however the app changes later?"
        ),
        kind="single",
        keys=("c0e66a1be0a575034e64acc00e3e0317aa229d673c6591f63f06cfb03ce46fae",),
        options=(
            Option(
                "A `render_item` hook that writes the type as `sa.String(length=120)`",
                (
                    "The database stores a VARCHAR(120); the migration needs nothing else, and "
                    "imports nothing from the app."
                ),
            ),
            Option(
                "`import sample_app.types` at the top of the migration",
                (
                    "It runs today, but the migration now depends on the app's code: rename or "
                    "remove the type and every old migration that imports it breaks."
                ),
            ),
            Option(
                "`compare_type=False` in `Migrate(...)`",
                "That changes what autogenerate compares, not how it writes a type.",
            ),
        ),
        explanation="Migrations describe the database; the Python side of a type is the app's.",
    ),
)
