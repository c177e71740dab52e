"""Lesson 12, Testing migrations: its exercises and quiz questions. Over 300 lines: the
history test's broken histories are declared here as data, one case each."""

from __future__ import annotations

from ..judge.kinds import HistoryCase
from ..judge.quizzes import Option, Question
from .kinds import HistoryTestExercise

TITLE = "Testing migrations"

USER = "5e1f0c2a9b01_create_user_table.py"
USER_BAD_DOWNGRADE = "d1e2f3a4b5c6_create_user_table_bad_downgrade.py"
USER_NO_DOWNGRADE = "d2e3f4a5b6c7_create_user_table_no_downgrade.py"
PASSWORD = "6a2b1d3c8e02_add_password_hash_to_user.py"
PASSWORD_BAD_DOWNGRADE = "3d4e5f6a7b82_add_password_hash_bad_downgrade.py"
PASSWORD_NO_DOWNGRADE = "4e5f6a7b8c93_add_password_hash_no_downgrade.py"
PASSWORD_NOT_NULL = "b7c8d9e0f1a2_add_password_hash_not_null.py"
PHONE = "1b2c3d4e5f60_add_phone_to_user.py"
PHONE_AFTER_PASSWORD = "9e8d7c6b5a40_add_phone_to_user.py"
PHONE_NO_DOWNGRADE = "a6b7c8d9e0f1_add_phone_no_downgrade.py"
PHONE_IRREVERSIBLE = "0c1d2e3f4a5b_add_phone_irreversible.py"
BIO = "2c3d4e5f6a71_add_bio_to_user.py"
BIO_AFTER_PASSWORD = "8b5f3d2e0a14_add_bio_to_user.py"
MERGE = "e3f4a5b6c7d8_merge_phone_and_bio.py"
MERGE_BAD_DOWNGRADE = "f5a6b7c8d9e0_merge_phone_and_bio_bad_downgrade.py"
BIO_NO_DOWNGRADE = "5f6a7b8c9d04_add_bio_no_downgrade.py"
POST = "7f4e2a1c9d03_create_post_table.py"
NOTE_A = "e1f2a3b4c5d6_note_for_release_a.py"
NOTE_B = "e2f3a4b5c6d7_note_for_release_b.py"


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
    task = """\
**Start:** a team wants one test that runs in CI on every change to `migrations/`.

**Write** `test_history(config, metadata)`. `config` is an `alembic.config.Config` for a migrations
folder whose database (`config.get_main_option("sqlalchemy.url")`) is empty; `metadata` is the
models' `MetaData`, which the folder's `env.py` targets too (so `command.check(config)` compares
them, as `flask db check` does). The test must pass on a sound history (one whose branches a
merge revision joins included), and fail (raise, for example an `AssertionError`) when, wherever
in the history (on either branch a merge joins too):
- the history has more than one head;
- some revision's `downgrade()` raises;
- some revision's `downgrade()` leaves something behind, so that upgrading again fails;
- the schema at the head does not match the models (a table or a column missing or extra, a
  column's type or nullability that differs).

**Preserve:** a test that fails on a sound history would stop every build: it earns nothing, and
neither does one that passes on everything. The check runs your test on a sound history and on
broken ones, each in a fresh, empty database, in a sandbox that starts no other program: drive
Alembic through its Python API (`alembic.command`), not through the `alembic` or `flask` commands.
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
            "For each script from the oldest: upgrade to `script.revision`, downgrade to its "
            "parent (`script.down_revision`, its first element on a merge, whose "
            "`down_revision` is a tuple; `'base'` for the first), upgrade again; then, at the "
            "head, assert that "
            "`compare_metadata(...)` is empty."
        ),
    )
    cases = (
        HistoryCase(
            "accepts-a-sound-history",
            "passes on a sound history, with a merge of two branches in it",
            (USER, PHONE, BIO, MERGE, PASSWORD),
            "user+password+phone+bio",
            broken=False,
            points=0,
            parents=((PASSWORD, "e3f4a5b6c7d8"),),
        ),
        HistoryCase(
            "catches-two-heads",
            "fails on a history with two heads, branching right after the first revision",
            (USER, NOTE_A, NOTE_B),
            "user",
        ),
        HistoryCase(
            "catches-two-heads-later",
            "fails on a history with two heads, branching after the second revision",
            (USER, PASSWORD, NOTE_A, NOTE_B),
            "user+password",
            parents=((NOTE_A, "6a2b1d3c8e02"), (NOTE_B, "6a2b1d3c8e02")),
        ),
        HistoryCase(
            "catches-a-failing-first-downgrade",
            "fails when the first revision's downgrade raises",
            (USER_BAD_DOWNGRADE, PASSWORD, PHONE_AFTER_PASSWORD),
            "user+password+phone",
            parents=((PASSWORD, "d1e2f3a4b5c6"),),
        ),
        HistoryCase(
            "catches-a-failing-downgrade-in-the-middle",
            "fails when a revision in the middle has a downgrade that raises",
            (USER, PASSWORD_BAD_DOWNGRADE, PHONE_AFTER_PASSWORD),
            "user+password+phone",
            parents=((PHONE_AFTER_PASSWORD, "3d4e5f6a7b82"),),
        ),
        HistoryCase(
            "catches-a-failing-last-downgrade",
            "fails when the last revision's downgrade raises",
            (USER, PASSWORD_BAD_DOWNGRADE),
            "user+password",
        ),
        HistoryCase(
            "catches-a-first-downgrade-that-leaves-a-table",
            "fails when the first revision's downgrade leaves its table behind",
            (USER_NO_DOWNGRADE, PASSWORD, PHONE_AFTER_PASSWORD),
            "user+password+phone",
            parents=((PASSWORD, "d2e3f4a5b6c7"),),
        ),
        HistoryCase(
            "catches-a-downgrade-in-the-middle-that-leaves-a-column",
            "fails when a revision in the middle has a downgrade that leaves a column behind",
            (USER, PASSWORD_NO_DOWNGRADE, PHONE_AFTER_PASSWORD),
            "user+password+phone",
            parents=((PHONE_AFTER_PASSWORD, "4e5f6a7b8c93"),),
        ),
        HistoryCase(
            "catches-a-downgrade-that-leaves-a-column",
            "fails when the last revision's downgrade leaves a column behind",
            (USER, PASSWORD_NO_DOWNGRADE),
            "user+password",
        ),
        HistoryCase(
            "catches-models-drift",
            "fails when the models have a column the head does not",
            (USER, PASSWORD),
            "user+password+bio",
        ),
        HistoryCase(
            "catches-an-extra-column-at-the-head",
            "fails when the head has a column the models do not",
            (USER, PASSWORD, BIO_AFTER_PASSWORD),
            "user+password",
        ),
        HistoryCase(
            "catches-drift-in-a-type",
            "fails when a column's type at the head differs from the models",
            (USER, PASSWORD),
            "user+password(64)",
        ),
        HistoryCase(
            "catches-a-broken-downgrade-on-a-merged-branch",
            "fails when a downgrade on the merge's second branch leaves a column behind",
            (USER, PHONE, BIO_NO_DOWNGRADE, MERGE, PASSWORD),
            "user+password+phone+bio",
            parents=(
                (BIO_NO_DOWNGRADE, "5e1f0c2a9b01"),
                (MERGE, ("1b2c3d4e5f60", "5f6a7b8c9d04")),
                (PASSWORD, "e3f4a5b6c7d8"),
            ),
        ),
        HistoryCase(
            "catches-a-broken-downgrade-on-a-merge-s-first-branch",
            "fails when a downgrade on the merge's first branch leaves a column behind",
            (USER, PHONE_NO_DOWNGRADE, BIO, MERGE, PASSWORD),
            "user+password+phone+bio",
            parents=(
                (MERGE, ("a6b7c8d9e0f1", "2c3d4e5f6a71")),
                (PASSWORD, "e3f4a5b6c7d8"),
            ),
        ),
        HistoryCase(
            "catches-a-failing-downgrade-on-a-merged-branch",
            "fails when a downgrade on the merge's second branch raises",
            (USER, PHONE, PASSWORD_BAD_DOWNGRADE, MERGE),
            "user+password+phone",
            parents=((MERGE, ("1b2c3d4e5f60", "3d4e5f6a7b82")),),
        ),
        HistoryCase(
            "catches-a-failing-downgrade-of-a-merge",
            "fails when the merge revision's own downgrade raises",
            (USER, PHONE, BIO, MERGE_BAD_DOWNGRADE, PASSWORD),
            "user+password+phone+bio",
            parents=((PASSWORD, "f5a6b7c8d9e0"),),
        ),
        HistoryCase(
            "catches-a-table-the-migrations-never-create",
            "fails when the models have a table the head does not",
            (USER, PASSWORD),
            "user+password+post",
        ),
        HistoryCase(
            "catches-an-extra-table-at-the-head",
            "fails when the head has a table the models do not",
            (USER, PASSWORD, POST),
            "user+password",
        ),
        HistoryCase(
            "catches-drift-in-nullability",
            "fails when a column at the head may be NULL and the models say NOT NULL",
            (USER, PASSWORD),
            "user+password(required)",
        ),
        HistoryCase(
            "catches-drift-in-nullability-the-other-way",
            "fails when a column at the head is NOT NULL and the models say it may be NULL",
            (USER, PASSWORD_NOT_NULL),
            "user+password",
        ),
        HistoryCase(
            "catches-a-downgrade-declared-irreversible",
            "fails when a downgrade raises NotImplementedError, as an irreversible one does",
            (USER, PASSWORD, PHONE_IRREVERSIBLE),
            "user+password+phone",
            hidden=True,
        ),
        HistoryCase(
            "catches-drift-in-a-second-table",
            "fails when a column of a table other than user differs from the models",
            (USER, PASSWORD, POST),
            "user+password+post+post.email",
            hidden=True,
        ),
        HistoryCase(
            "catches-a-longer-broken-history",
            "fails on a longer history whose last downgrade leaves a column behind",
            (USER, PASSWORD, PHONE_AFTER_PASSWORD, BIO_NO_DOWNGRADE),
            "user+password+phone+bio",
            hidden=True,
        ),
    )


EXERCISES = (TestTheHistory,)
