"""The right answer to every quiz question (the package keeps only digests of them)."""

from __future__ import annotations

from typing import Any

from checker.content.catalogue import QUESTIONS
from checker.judge import quizzes

RIGHT: dict[str, Any] = {
    "01-what-is-a-migration": (
        "A script that takes a database's schema (and its data, where needed) from one version "
        "to the next, and back"
    ),
    "01-team": [
        "Every database, from a laptop to production, gets the same changes in the same order",
        "The schema's history is in version control, reviewed like code",
        "Each database records which changes it has had",
    ],
    "02-wraps-alembic": (
        "The flask db commands, and an env.py that takes the database URL and the metadata from "
        "the Flask app; Alembic does the migrating"
    ),
    "01-create-all": "It only creates tables that do not exist; it never alters an existing one",
    "01-drift": ["The app can still start", "Queries on the model fail with `no such column`"],
    "02-init-app": "`migrate.init_app(app, db)`",
    "02-init-command": "flask db init",
    "03-migrate-vs-upgrade": "Nothing in its tables: only a script was written",
    "03-version-rows": 1,
    "04-downgrade-data": "NULL for every user",
    "04-not-up-to-date": [
        "A migration script exists that the database has not had",
        "`flask db upgrade` before generating fixes it",
    ],
    "05-rename": "It adds `about` and drops `bio`, losing every bio",
    "06-rename-op": "`batch_op.alter_column('bio', new_column_name='about')`",
    "06-empty-revision": "flask db revision",
    "07-move-and-copy": (
        "Creates a new table, copies the rows into it, drops the old table and renames the new one"
    ),
    "07-naming": [
        "Naming the constraint in the script: create_unique_constraint('uq_user_email', ['email'])"
        " instead of None",
        "A naming convention on the app's MetaData, for constraints created from now on",
    ],
    "08-local-tables": (
        "The models will change later, and the migration must keep working against the schema "
        "of its own time"
    ),
    "08-expand-contract": [
        "Add the column as nullable",
        "Fill every existing row",
        "Make the column NOT NULL",
    ],
    "09-multiple-heads": "It refuses: there are multiple head revisions",
    "09-merge-command": "flask db merge heads",
    "10-stamp": ("Writes the head revision into alembic_version, without running any migration"),
    "10-deploy-order": "Back up the database, run `flask db upgrade`, then start the new code",
    "11-transactional-ddl": (
        "On PostgreSQL nothing; on SQLite the new column stays, and alembic_version still "
        "names the old revision"
    ),
    "11-enum": "`op.execute(\"ALTER TYPE user_role ADD VALUE 'moderator'\")`, written by hand",
    "05-detects": [
        "A new nullable column",
        "A column type change from VARCHAR(80) to VARCHAR(100)",
        "A new index",
    ],
    "14-no-changes": [
        "Nothing differs: the models and the database agree",
        "The only change is a server default, and `compare_server_default` is off",
        "The only change is to a table that `include_name` leaves out",
    ],
    "14-custom-type": "A `render_item` hook that writes the type as `sa.String(length=120)`",
    "13-lock-queue": "They wait too, queued behind the migration",
    "13-concurrently": (
        "The upgrade fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
    ),
    "13-rewrites": [
        "`ALTER COLUMN id TYPE BIGINT`",
        "`ADD COLUMN joined TIMESTAMP NOT NULL DEFAULT clock_timestamp()`",
    ],
    "15-what-squawk-reads": [
        "An `UPDATE` of every row in the migration's transaction",
        "`SELECT archive_old_users()`, calling a function that deletes rows of `user`",
    ],
    "15-ignore": (
        "Keep the statement, and put `-- squawk-ignore prefer-robust-stmts` with the reason on "
        "the line before it"
    ),
    "12-stairway": "The stairway test: each revision up, down, and up again",
    "12-what-fails": [
        "The same test, on a database built by upgrading to head",
        "`flask db check` after `flask db upgrade` on an empty database",
    ],
    "12-db-check": "The migrations create a `nickname` column that the model does not have",
}


def wrong_answer(question_id: str) -> Any:
    """An answer of the right form that is not right."""
    question = QUESTIONS[question_id]
    if question.kind == "text":
        return "something else entirely"
    if question.kind == "number":
        return 987654
    candidates = [option.text for option in question.options]
    if question.kind == "multiple":
        candidates = [[text] for text in candidates] + [candidates]
    return next(c for c in candidates if not quizzes.judge(question, c).correct)
