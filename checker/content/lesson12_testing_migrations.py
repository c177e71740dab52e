"""Lesson 12, Testing migrations: its exercises and quiz questions."""

from __future__ import annotations

from ..judge.kinds import HistoryCase
from ..judge.quizzes import Option, Question
from .kinds import HistoryTestExercise

TITLE = "Testing migrations"


QUESTIONS = (
    Question(
        id="12-stairway",
        prompt=(
            "A migration's `upgrade()` adds a column, and its `downgrade()` is `pass`. Which check "
            "fails?"
        ),
        kind="single",
        keys=("b469a845e1f5e73c69e69626fb21f2d2eb7cdbb9dfe81bce61b73bb6895849e0",),
        options=(
            Option(
                "`flask db upgrade` on an empty database",
                "An upgrade never runs a downgrade: every `upgrade()` in the history succeeds.",
            ),
            Option(
                "`flask db check` after that upgrade",
                "At head the schema is right: the models and the migrated database agree.",
            ),
            Option(
                "The stairway test: each revision up, down, and up again",
                (
                    "The downgrade leaves the column where it is, so the second upgrade fails: "
                    "the column it adds is already there."
                ),
            ),
            Option(
                "The single-head test",
                "The history is still a straight line with one head.",
            ),
        ),
        explanation=(
            "Only a test that runs each downgrade, then upgrades again, sees what a downgrade "
            "left behind."
        ),
    ),
    Question(
        id="12-what-fails",
        prompt=(
            "A model gained a `bio` column, and nobody generated its migration. Which of these "
            "fail? Select all that apply."
        ),
        kind="multiple",
        keys=(
            "4a0c827c1f9b351ebc464af1318724e82686ca1dd227f98ed3d919744f27f4cc",
            "44f5e1d322d9c628143a0f1d130670566639abe173f47d3c5a048200a2482c6b",
        ),
        options=(
            Option(
                "A test that saves a user's bio, on a database built with `db.create_all()`",
                "It passes: `create_all()` builds the tables from the models, `bio` included.",
            ),
            Option(
                "The same test, on a database built by upgrading to head",
                (
                    "It fails: no migration adds `bio`, so the insert names a column the table "
                    "does not have."
                ),
            ),
            Option(
                "`flask db check` after `flask db upgrade` on an empty database",
                "It reports `add_column` for `user.bio`: a column the migrations never create.",
            ),
            Option(
                "`flask db upgrade` on an empty database",
                "It succeeds: every migration that exists runs. The missing one cannot fail.",
            ),
            Option(
                "The single-head test",
                "Nothing was added to the history, so it still has one head.",
            ),
        ),
        explanation=(
            "Tests see what production will run only when their database is built by the "
            "migrations."
        ),
    ),
    Question(
        id="12-db-check",
        prompt=(
            "Right after `flask db upgrade`, `flask db check` fails with `New upgrade operations "
            "detected: [('remove_column', None, 'user', Column('nickname', ...))]`. What does it "
            "mean?"
        ),
        kind="single",
        keys=("d76d8b6906897a300627c64dc8e6100275ab8d2fd15a04e5febc6a26094614e9",),
        options=(
            Option(
                "The migrations create a `nickname` column that the model does not have",
                (
                    "Yes: the list is what a new migration would have to do to make the database "
                    "match the models, here remove `nickname`."
                ),
            ),
            Option(
                "The model has a `nickname` column that the migrations never create",
                "That would be `add_column`: the operation a migration would need to create it.",
            ),
            Option(
                "A migration that removes `nickname` exists but has not been applied",
                (
                    "Then the database would not be at head, and `flask db check` would stop "
                    'with "Target database is not up to date." before comparing anything.'
                ),
            ),
        ),
        explanation=(
            "`flask db check` lists the operations autogenerate would write; an empty list means "
            "the models and the migrations agree."
        ),
    ),
)


class TestTheHistory(HistoryTestExercise):
    """Write the test a team runs on its migration history in CI."""

    id = "12-test-the-history"
    title = "A test that catches a broken migration history"
    lesson = "12"
    task = """\
**Start:** a team wants one test that runs in CI on every change to `migrations/`.

**Write** `test_history(config, metadata)`. `config` is an `alembic.config.Config` for a migrations
folder whose database (`config.get_main_option("sqlalchemy.url")`) is empty; `metadata` is the
models' `MetaData`. The test must pass on a sound history, and fail (raise, for example an
`AssertionError`) when:
- the history has more than one head;
- some revision's `downgrade()` raises;
- some revision's `downgrade()` leaves something behind, so that upgrading again fails;
- the schema at the head does not match the models.

**Preserve:** a test that fails on a sound history would stop every build: it earns nothing, and
neither does one that passes on everything. The check runs your test on a sound history and on
broken ones, each in a fresh, empty database.
"""
    hints = (
        (
            "Three things to test: the heads, every revision going up, down and up again (the "
            "stairway), and the schema at the head against the models."
        ),
        (
            "`ScriptDirectory.from_config(config)` gives `.get_heads()` and `.walk_revisions()` "
            "(newest first); `alembic.command.upgrade(config, rev)` and `downgrade(config, rev)` "
            "move the database; `compare_metadata(MigrationContext.configure(connection), "
            "metadata)` lists the differences."
        ),
        (
            "For each script from the oldest: upgrade to `script.revision`, downgrade to "
            "`script.down_revision or 'base'`, upgrade again; then, at the head, assert that "
            "`compare_metadata(...)` is empty."
        ),
    )
    cases = (
        HistoryCase(
            "accepts-a-sound-history",
            "passes on a sound history",
            ("5e1f0c2a9b01_create_user_table.py", "6a2b1d3c8e02_add_password_hash_to_user.py"),
            "user+password",
            broken=False,
            points=0,
        ),
        HistoryCase(
            "catches-two-heads",
            "fails on a history with two heads",
            (
                "5e1f0c2a9b01_create_user_table.py",
                "1b2c3d4e5f60_add_phone_to_user.py",
                "2c3d4e5f6a71_add_bio_to_user.py",
            ),
            "user+phone+bio",
        ),
        HistoryCase(
            "catches-a-failing-downgrade",
            "fails on a history whose downgrade raises",
            (
                "5e1f0c2a9b01_create_user_table.py",
                "3d4e5f6a7b82_add_password_hash_bad_downgrade.py",
            ),
            "user+password",
        ),
        HistoryCase(
            "catches-a-downgrade-that-leaves-a-column",
            "fails on a history whose downgrade leaves a column behind",
            ("5e1f0c2a9b01_create_user_table.py", "4e5f6a7b8c93_add_password_hash_no_downgrade.py"),
            "user+password",
        ),
        HistoryCase(
            "catches-models-drift",
            "fails when the head does not match the models",
            ("5e1f0c2a9b01_create_user_table.py", "6a2b1d3c8e02_add_password_hash_to_user.py"),
            "user+password+bio",
        ),
        HistoryCase(
            "catches-drift-in-a-type",
            "fails when a column's type at the head differs from the models",
            ("5e1f0c2a9b01_create_user_table.py", "6a2b1d3c8e02_add_password_hash_to_user.py"),
            "user+password(64)",
            hidden=True,
        ),
        HistoryCase(
            "catches-a-longer-broken-history",
            "fails on a longer history whose last downgrade leaves a column behind",
            (
                "5e1f0c2a9b01_create_user_table.py",
                "6a2b1d3c8e02_add_password_hash_to_user.py",
                "9e8d7c6b5a40_add_phone_to_user.py",
                "5f6a7b8c9d04_add_bio_no_downgrade.py",
            ),
            "user+password+phone+bio",
            hidden=True,
        ),
    )


EXERCISES = (TestTheHistory,)
