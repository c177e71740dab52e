"""Lesson 13, Changing a live PostgreSQL database without downtime: its exercises and quiz
questions."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..judge.checks import check
from ..judge.kinds.migration import MigrationTrial
from ..judge.kinds.migration_trial import Database
from ..judge.outcomes import CheckFailed
from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise

TITLE = "Changing a live PostgreSQL database without downtime"

START_SECONDS = 5.0  # how long the other transaction may take to start
BOUND_SECONDS = 60.0  # how long it stays open at most, were the upgrade never to end
APP_LOCK_TIMEOUT = "500ms"  # how long the app's INSERT may wait before it counts as blocked
APP_USER = {"id": 900, "username": "new-signup", "email": "new-signup@example.com"}
POLL_SECONDS = 0.001
BLOCKING_MODES = ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
BULK_USERS = (  # enough rows that building the index takes a while on any machine
    "INSERT INTO \"user\" (id, username, email) SELECT n, 'bulk-' || n, "
    "'bulk-' || n || '@example.com' FROM generate_series(100000, 299999) AS n"
)
USER_TABLE = (
    "(SELECT c.oid FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
    "WHERE c.relname = 'user' AND s.nspname = current_schema())"
)
LEARNER_BACKENDS = "(SELECT pid FROM pg_stat_activity WHERE usename = :role)"
WAITS = text(
    f"SELECT l.mode, l.relation = {USER_TABLE} FROM pg_locks l "
    f"WHERE NOT l.granted AND l.pid IN {LEARNER_BACKENDS}"
)
BLOCKING_BUILDS = text(
    "SELECT l.mode FROM pg_stat_progress_create_index p JOIN pg_locks l "
    "ON l.pid = p.pid AND l.relation = p.relid AND l.granted "
    f"WHERE p.relid = {USER_TABLE} AND p.pid IN {LEARNER_BACKENDS} "
    f"AND l.mode IN ({', '.join(repr(m) for m in BLOCKING_MODES)})"
)


class SignUpsDuringUpgrade:
    """Plays a busy app around one upgrade, on a large table of its own, and watches which
    locks the upgrade takes on ``user``.

    Before the upgrade starts, a transaction (a slow batch job) writes to ``user`` and stays
    open. Once the upgrade waits for it, the app inserts a user, allowed to wait for a lock
    at most ``APP_LOCK_TIMEOUT``; then the batch job ends and the upgrade goes on. All along,
    the server's own lock table says what the upgrade asks for: waiting for a lock that
    blocks writes (``BLOCKING_MODES``) on ``user`` while others write, or building an index
    on it while holding one, blocks every write to the table; on a table this size a
    build takes long enough to be seen whatever the machine.
    """

    def __init__(self, database: Database) -> None:
        self.url = database.inspect_url
        self.role = make_url(database.child_url).username
        self.started = threading.Event()
        self.upgrade_over = threading.Event()
        self.upgrade_waited = False
        self.insert_error: str | None = None
        self.blocking: str | None = None
        self.trouble: str | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self) -> SignUpsDuringUpgrade:
        self.thread.start()
        if not self.started.wait(START_SECONDS):
            self.trouble = "the other transaction could not start"
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.upgrade_over.set()
        self.thread.join(START_SECONDS + 5)

    def run(self) -> None:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as batch_job, engine.connect() as watcher:
                batch_job.execute(text(BULK_USERS))
                batch_job.commit()
                batch_job.execute(text('UPDATE "user" SET email = email WHERE id = 1'))
                self.started.set()
                self.upgrade_waited = self.wait_for_upgrade(watcher)
                if self.upgrade_waited:
                    self.insert_user(engine)
                batch_job.rollback()
                self.watch_index_builds(watcher)
        except SQLAlchemyError as error:
            self.trouble = first_line(error)
        finally:
            self.started.set()
            engine.dispose()

    def wait_for_upgrade(self, watcher: Connection) -> bool:
        """Whether the upgrade came to wait for a lock before it ended, and what lock.

        Every upgrade that builds the index waits for the open transaction; one that ends
        without waiting blocked no one. Waiting for a lock that blocks writes on ``user`` is
        itself the fault: every write to the table queues behind it.
        """
        deadline = time.monotonic() + BOUND_SECONDS
        while time.monotonic() < deadline and not self.upgrade_over.is_set():
            waits = watcher.execute(WAITS, {"role": self.role}).all()
            watcher.rollback()  # pg_stat_activity is read once per transaction
            for mode, on_user in waits:
                if on_user and mode in BLOCKING_MODES and self.blocking is None:
                    self.blocking = (
                        f"your upgrade asked for {spelled(mode)} on user while another "
                        "transaction was writing to it: that lock blocks writes, so every write "
                        "to user queued behind it"
                    )
            if waits:
                return True
            time.sleep(POLL_SECONDS)
        return False

    def watch_index_builds(self, watcher: Connection) -> None:
        """Until the upgrade ends: an index built on ``user`` by a backend holding a lock
        there that blocks writes (a build neither CONCURRENTLY nor out of the way)."""
        while not self.upgrade_over.is_set() and self.blocking is None:
            found = watcher.execute(BLOCKING_BUILDS, {"role": self.role}).first()
            watcher.rollback()
            if found is not None:
                self.blocking = (
                    f"your upgrade built an index on user while holding {spelled(found[0])} on "
                    "it: "
                    "every write to user waited for the whole build"
                )
            time.sleep(POLL_SECONDS)

    def insert_user(self, engine: Any) -> None:
        with engine.connect() as app:
            try:
                app.execute(text(f"SET lock_timeout = '{APP_LOCK_TIMEOUT}'"))
                app.execute(
                    text(
                        'INSERT INTO "user" (id, username, email) VALUES (:id, :username, :email)'
                    ),
                    APP_USER,
                )
                app.commit()
            except SQLAlchemyError as error:
                self.insert_error = first_line(error)


def spelled(mode: str) -> str:
    """A lock mode as PostgreSQL's documentation names it: ``an ACCESS EXCLUSIVE lock``."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", mode.removesuffix("Lock")).upper()
    return f"{'an' if words[0] in 'AEIOU' else 'a'} {words} lock"


def first_line(error: SQLAlchemyError) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]


class UniqueEmailOnline(MigrationExercise):
    """Make a column unique while the app keeps writing to the table."""

    id = "13-unique-email-online"
    title = "Make email unique while users keep signing up"
    lesson = "13"
    database_kind = "postgresql"
    base_revisions = ("c4d8e2f6a913_create_user_table.py",)
    start_layout = "user(email not unique)"
    target_layout = "user"
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `c4d8e2f6a913` (`id`,
`username`, `email`), holding users; `username` is unique, `email` is not (yet). In production the
table is large and users sign up all the time. The check runs on a real PostgreSQL server.

**Write** the next migration, revision `e1a5c9d3f7b2`:
- `upgrade()` makes `email` unique: a unique constraint named `uq_user_email`;
- while it runs, the app can still add users: it never asks for, or holds while it builds the
  index, a lock on `user` that blocks writes. The check runs your upgrade on a large table while
  another transaction is still writing to `user`, watches the locks your upgrade takes (in
  PostgreSQL's `pg_locks`), and has the app insert a user while your upgrade waits for that
  transaction;
- `downgrade()` removes the constraint.

**Preserve:** every user and all their values, both ways. The script autogenerate writes
(`create_unique_constraint`) blocks every write to the table until the whole index is built.
"""
    hints = (
        (
            "A unique constraint is backed by a unique index. Build that index first, in a way "
            "that does not block writes, then turn it into the constraint: that step only takes "
            "a lock for a moment."
        ),
        (
            "`op.create_index(..., unique=True, postgresql_concurrently=True)` builds it "
            "without blocking writes, and must run outside a transaction: inside "
            "`with op.get_context().autocommit_block():`. PostgreSQL's `ALTER TABLE ... ADD "
            "CONSTRAINT ... UNIQUE USING INDEX ...` turns an index into a constraint."
        ),
        (
            "In the autocommit block: `op.create_index('uq_user_email', 'user', ['email'], "
            "unique=True, postgresql_concurrently=True)`; after it, `op.execute('ALTER TABLE "
            '"user" ADD CONSTRAINT uq_user_email UNIQUE USING INDEX uq_user_email\')`; '
            "`downgrade()`: `op.drop_constraint('uq_user_email', 'user', type_='unique')`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)

    @check("sign-ups-go-on", after="upgrade-data", needs="upgrade-schema")
    def sign_ups_go_on(self, trial: MigrationTrial) -> None:
        """while the upgrade waits for a transaction writing to user, the app can add users"""
        database = self.seeded_database(trial, trial.visible_rows, tag="busy")
        with SignUpsDuringUpgrade(database) as app:
            if app.trouble is None:
                self.migrate(trial, database, "upgrade", self.head(trial))
        if app.trouble is not None:
            raise CheckFailed(f"the checker could not play the app's traffic: {app.trouble}.")
        if app.blocking is not None:
            raise CheckFailed(
                f"{app.blocking}. CREATE UNIQUE INDEX and ADD CONSTRAINT ... UNIQUE block every "
                "write to the table until the index is built, on a large table for minutes, "
                "however short a lock_timeout makes each try. Build the index CONCURRENTLY, "
                "outside the transaction, then attach it with ADD CONSTRAINT ... USING INDEX."
            )
        if app.insert_error is not None:
            raise CheckFailed(
                "while your upgrade() waited for another transaction writing to user, the app "
                "could not add a user: its INSERT waited behind your upgrade's lock and gave "
                f"up ({app.insert_error}). CREATE UNIQUE INDEX and ADD CONSTRAINT ... UNIQUE "
                "block every write to the table until the index is built, on a large table for "
                "minutes. Build the index CONCURRENTLY, outside the transaction."
            )


EXERCISES = (UniqueEmailOnline,)

QUESTIONS = (
    Question(
        id="13-lock-queue",
        prompt=(
            "A migration's `ALTER TABLE` waits for a report's open transaction on `user`. While "
            "it waits, what happens to the app's `SELECT`s on `user`?"
        ),
        kind="single",
        keys=("946653af16cd8d1e4bb2429fc02ea6d4847b76c94e80c19517b27b195c787b27",),
        options=(
            Option(
                "They wait too, queued behind the migration",
                (
                    "A lock waits behind the conflicting locks asked for before it, not only "
                    "behind those held."
                ),
            ),
            Option(
                "They run: a SELECT does not conflict with the report",
                (
                    "It does not conflict with the report, but it does conflict with the ACCESS "
                    "EXCLUSIVE lock the migration asked for first, and waits behind it."
                ),
            ),
            Option(
                "They fail at once with a lock error",
                "By default a lock wait has no time limit: lock_timeout is 0.",
            ),
        ),
        explanation="A lock_timeout on the migration makes it give up in seconds instead.",
    ),
    Question(
        id="13-concurrently",
        prompt=(
            "A migration's `upgrade()` calls `op.create_index(..., postgresql_concurrently=True)`, "
            "outside any autocommit block. What happens on PostgreSQL?"
        ),
        kind="single",
        keys=("4d437fb890c59162aafc9d2b142b038bf3ad766192d33440cf31725399831420",),
        options=(
            Option(
                (
                    "The upgrade fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction "
                    "block"
                ),
                "Alembic runs each migration inside a transaction.",
            ),
            Option(
                "The index is built, and writes go on meanwhile",
                (
                    "Alembic runs the migration in a transaction, where PostgreSQL refuses "
                    "CONCURRENTLY."
                ),
            ),
            Option(
                "The index is built with a plain CREATE INDEX instead",
                "Nothing falls back: PostgreSQL refuses the statement, and the upgrade fails.",
            ),
        ),
        explanation=(
            "Put it in `with op.get_context().autocommit_block():`, with transaction_per_migration."
        ),
    ),
    Question(
        id="13-rewrites",
        prompt=(
            "On PostgreSQL 18, which of these changes write every row of the `user` table again? "
            "Select all that apply."
        ),
        kind="multiple",
        keys=(
            "d506690efa94bf92f136f671c5c454c5a2044b15a137b9172e6d9f5031ec7ca7",
            "332664d4cc9cc8bfe88914041115d64f9fa377106b5097fe0c1b96543039fd19",
        ),
        options=(
            Option(
                "`ALTER COLUMN id TYPE BIGINT`",
                "Every stored id changes from 4 to 8 bytes: each row is written again.",
            ),
            Option(
                "`ADD COLUMN joined TIMESTAMP NOT NULL DEFAULT clock_timestamp()`",
                "A volatile default has a value of its own for each row: every row is written.",
            ),
            Option(
                "`ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT true`",
                "Since PostgreSQL 11 a constant default is kept in the catalog; no row is written.",
            ),
            Option(
                "`ADD COLUMN bio VARCHAR(200)`",
                "A nullable column without a default changes the catalog only.",
            ),
            Option(
                "`RENAME COLUMN username TO login`",
                "A rename changes the catalog only, though it breaks the code still running.",
            ),
        ),
        explanation=(
            "A rewrite holds ACCESS EXCLUSIVE while it copies the table: on a large table, add a "
            "new column and backfill it in batches instead."
        ),
    ),
)
