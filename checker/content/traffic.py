"""The busy app that lessons 13 and 15 play around an upgrade: a writer that keeps a
transaction open, a new user signing up, a user's row held during a copy, and the server's
lock table watched throughout.

Its 370 lines are these three players, which share the queries and the thread they run
beside the upgrade.
"""

from __future__ import annotations

import re
import threading
import time
from typing import TypeVar

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import TextClause

from ..judge.kinds.migration_trial import Database

START_SECONDS = 5.0  # how long the other transaction may take to start
BOUND_SECONDS = 60.0  # how long it stays open at most, were the upgrade never to end
APP_LOCK_SECONDS = 0.5  # how long the app's INSERT may wait before it counts as blocked
APP_LOCK_TIMEOUT = f"{APP_LOCK_SECONDS * 1000:.0f}ms"
APP_USER = {"id": 900, "username": "new-signup", "email": "new-signup@example.com"}
POLL_SECONDS = 0.001
BLOCKING_MODES = ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
BLOCKING_MODE_LIST = ", ".join(repr(mode) for mode in BLOCKING_MODES)  # for SQL's IN (...)
FIRST_BULK_ID = 100000
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
    f"AND l.mode IN ({BLOCKING_MODE_LIST})"
)
HELD_ON_USER = text(
    f"SELECT l.mode FROM pg_locks l WHERE l.granted AND l.relation = {USER_TABLE} "
    f"AND l.pid IN {LEARNER_BACKENDS} AND l.mode IN ({BLOCKING_MODE_LIST})"
)
FILE_OF_USER = text(f"SELECT pg_relation_filenode({USER_TABLE})")
# Every row version records the transaction that wrote it (xmin): an UPDATE writes a new one,
# even of a row whose values it leaves as they were.
WRITERS_OF_USER = text('SELECT DISTINCT xmin::text FROM "user"')
ROWS_WRITTEN_SINCE = text(
    'SELECT count(*) FILTER (WHERE NOT xmin::text = ANY(:writers)), count(*) FROM "user" '
    "WHERE id <> :app_user"
)
Around = TypeVar("Around", bound="TransactionAroundUpgrade")


class TransactionAroundUpgrade:
    """A transaction on ``user``, in a thread of its own (``run``), open from entering the
    block until the upgrade inside it is over."""

    def __init__(self, database: Database) -> None:
        self.url = database.inspect_url
        self.app_url = database.app_url
        self.role = make_url(database.child_url).username
        self.started = threading.Event()
        self.upgrade_over = threading.Event()
        self.trouble: str | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self: Around) -> Around:
        self.thread.start()
        if not self.started.wait(START_SECONDS):
            self.trouble = "the other transaction could not start"
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.upgrade_over.set()
        self.thread.join(START_SECONDS + 5)

    def app_insert_error(self, *, keep: bool = False) -> str | None:
        """The error of the app's insert, if any, made as the learner's own role (never as
        the checker's, whose rights a rule or trigger on ``user`` would run with)."""
        engine = create_engine(self.app_url, poolclass=NullPool)
        try:
            return app_insert_error(engine, keep=keep)
        finally:
            engine.dispose()

    def run(self) -> None:
        """The transaction: set ``started`` once it holds its row, end when ``upgrade_over``."""
        raise NotImplementedError

    def read_after(self, query: TextClause, **parameters: object) -> Row:
        """The one row ``query`` reads once the upgrade is over, on a connection of its own."""
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return connection.execute(query, parameters).one()
        finally:
            engine.dispose()


class SignUpsDuringUpgrade(TransactionAroundUpgrade):
    """Plays a busy app around one upgrade, on a large table of its own, and watches which
    locks the upgrade takes on ``user``.

    Before the upgrade starts, a transaction (a slow batch job) writes to ``user`` and stays
    open. Once the upgrade waits for it, the app inserts a user, allowed to wait for a lock
    at most ``APP_LOCK_TIMEOUT``; then the batch job ends and the upgrade goes on. All along,
    the server's own lock table says what the upgrade asks for: waiting for a lock that
    blocks writes (``BLOCKING_MODES``) on ``user`` while others write, or building an index
    on it while holding one, blocks every write to the table; on a table this size a
    build takes long enough to be seen whatever the machine.

    With ``writer_open=False`` no batch job holds the table when the upgrade starts, and the
    locks are watched from its start: an upgrade that blocks writes only when it finds the
    table free (a ``LOCK TABLE ... NOWAIT`` tried first) is seen there. With ``large=False``
    the table keeps the rows it has: enough to see what the upgrade waits for.
    """

    def __init__(self, database: Database, *, writer_open: bool = True, large: bool = True) -> None:
        super().__init__(database)
        self.writer_open = writer_open
        self.large = large
        self.file_before: int | None = None
        self.writers_before: list[str] = []
        self.upgrade_waited = False
        self.insert_error: str | None = None
        self.blocking: str | None = None
        self.held_too_long: str | None = None

    def run(self) -> None:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as batch_job, engine.connect() as watcher:
                if self.large:  # enough rows that building an index takes a while anywhere
                    batch_job.execute(bulk_users(200_000))
                    batch_job.commit()
                self.file_before = batch_job.execute(FILE_OF_USER).scalar()
                self.writers_before = list(batch_job.execute(WRITERS_OF_USER).scalars())
                if self.writer_open:
                    batch_job.execute(text('UPDATE "user" SET email = email WHERE id = 1'))
                    self.started.set()
                    self.upgrade_waited = self.wait_for_upgrade(watcher)
                    if self.upgrade_waited:
                        self.insert_error = self.app_insert_error(keep=True)
                batch_job.rollback()  # the batch job ends, or the reads above: they hold user
                self.started.set()
                self.watch_locks_held(watcher)
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

    def watch_locks_held(self, watcher: Connection) -> None:
        """Until the upgrade ends: an index built on ``user`` by a backend holding a lock
        there that blocks writes (a build neither CONCURRENTLY nor out of the way), and any
        such lock held without a break for longer than the app waits for one (a ``LOCK
        TABLE``, slow work after a brief ``ALTER TABLE`` in the same transaction)."""
        held_since: float | None = None
        while not self.upgrade_over.is_set() and self.blocking is None:
            found = watcher.execute(BLOCKING_BUILDS, {"role": self.role}).first()
            held = watcher.execute(HELD_ON_USER, {"role": self.role}).first()
            watcher.rollback()
            if found is not None:
                self.blocking = (
                    f"your upgrade built an index on user while holding {spelled(found[0])} on "
                    "it: every write to user waited for the whole build"
                )
            now = time.monotonic()
            held_since = None if held is None else held_since or now
            if held_since is not None and now - held_since > APP_LOCK_SECONDS:
                self.held_too_long = self.held_too_long or (
                    f"your upgrade held {spelled(held[0])} on user for longer than the app "
                    f"waits for a lock ({APP_LOCK_TIMEOUT}): users signing up meanwhile were "
                    "refused"
                )
            time.sleep(POLL_SECONDS)

    def table_rewritten(self) -> bool:
        """Whether ``user`` is in another file than before the upgrade: the upgrade wrote the
        whole table again (``VACUUM FULL``, ``CLUSTER``, most type changes), under a lock that
        blocks every read and write until it is done."""
        return self.read_after(FILE_OF_USER)[0] != self.file_before

    def rows_written_again(self) -> tuple[int, int]:
        """How many of the users there before the upgrade it wrote again, of how many: an
        ``UPDATE`` of every row (even to the same values) writes each again, and holds a
        lock on each until it commits, though the table stays in its file."""
        written, total = self.read_after(
            ROWS_WRITTEN_SINCE, writers=self.writers_before, app_user=APP_USER["id"]
        )
        return written, total

def bulk_users(count: int) -> TextClause:
    """Add ``count`` users, ids from ``FIRST_BULK_ID`` on, in one statement."""
    return text(
        "INSERT INTO \"user\" (id, username, email) SELECT n, 'bulk-' || n, "
        f"'bulk-' || n || '@example.com' FROM generate_series({FIRST_BULK_ID}, "
        f"{FIRST_BULK_ID + count - 1}) AS n"
    )


def app_insert_error(engine: Engine, *, keep: bool) -> str | None:
    """Add a user as the app does, waiting for a lock at most ``APP_LOCK_TIMEOUT``: the
    error if it could not. The user is kept, or rolled back."""
    with engine.connect() as app:
        try:
            app.execute(text(f"SET lock_timeout = '{APP_LOCK_TIMEOUT}'"))
            app.execute(
                text('INSERT INTO "user" (id, username, email) VALUES (:id, :username, :email)'),
                APP_USER,
            )
            if keep:
                app.commit()
            else:
                app.rollback()
        except SQLAlchemyError as error:
            return first_line(error)
    return None


def spelled(mode: str) -> str:
    """A lock mode as PostgreSQL's documentation names it: ``an ACCESS EXCLUSIVE lock``."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", mode.removesuffix("Lock")).upper()
    return f"{'an' if words[0] in 'AEIOU' else 'a'} {words} lock"


def first_line(error: SQLAlchemyError) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]


class WriterHoldingTheTable(TransactionAroundUpgrade):
    """A slow batch job around one upgrade: a transaction that has written to ``user`` and
    stays open until the upgrade is over, while the server's lock table says whether the
    upgrade came to wait for a lock on ``user``.

    Every ``ALTER TABLE`` waits for such a transaction, and every later query on the table
    queues behind the waiting migration: a migration that gives way ends its wait itself
    (``lock_timeout``), and once it has, the app's writes go through again.
    """

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.waited_for: str | None = None

    def run(self) -> None:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as batch_job, engine.connect() as watcher:
                batch_job.execute(text('UPDATE "user" SET email = email WHERE id = 1'))
                self.started.set()
                deadline = time.monotonic() + BOUND_SECONDS
                while self.waited_for is None and time.monotonic() < deadline:
                    for mode, on_user in watcher.execute(WAITS, {"role": self.role}).all():
                        if on_user and self.waited_for is None:
                            self.waited_for = spelled(mode)
                    watcher.rollback()
                    if self.upgrade_over.wait(POLL_SECONDS):
                        break
                self.upgrade_over.wait(max(0.0, deadline - time.monotonic()))  # seen: no polls
                batch_job.rollback()
        except SQLAlchemyError as error:
            self.trouble = first_line(error)
        finally:
            self.started.set()
            engine.dispose()


WAITING_BACKEND = text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted")


class RowHeldDuringCopy(TransactionAroundUpgrade):
    """The app writing to one user while the upgrade copies values into a new column: the
    table gets ``added_users`` more users, and the app's transaction asks for the last of
    them (``row_id``) as soon as the upgrade's ``ALTER TABLE`` is done, and keeps it until
    the upgrade waits for a lock (then the app's transaction ends, and the copy can go on)
    or ends: a copy in batches, in the order of ids, meets it held however fast it goes.

    To have the app's ``UPDATE`` first in line, the checker holds the table (a lock only an
    ``ALTER TABLE`` waits for) until the upgrade waits for it and the app's ``UPDATE`` is
    queued behind the upgrade; then it lets go. A copy made in the ``ALTER TABLE``'s own
    transaction is over before the app has the row; a copy in batches after it meets the row
    held, and must wait for it or give up, not leave it out."""

    def __init__(self, database: Database, added_users: int) -> None:
        super().__init__(database)
        self.added_users = added_users
        self.row_id = FIRST_BULK_ID + added_users - 1
        self.held_during_upgrade = False
        self.row_held = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as gate, engine.connect() as app, engine.connect() as watcher:
                app_pid = app.execute(text("SELECT pg_backend_pid()")).scalar()
                app.execute(bulk_users(self.added_users))
                app.commit()
                gate.execute(text('LOCK TABLE "user" IN ACCESS SHARE MODE'))
                self.started.set()
                if self.wait_for(watcher, WAITS, role=self.role):
                    writer = threading.Thread(target=self.hold_the_row, args=(app,), daemon=True)
                    writer.start()
                    self.wait_for(watcher, WAITING_BACKEND, pid=app_pid)
                    gate.rollback()
                    self.row_held.wait(BOUND_SECONDS)
                    self.wait_for(watcher, WAITS, role=self.role)  # for the app's row, or ends
                    self.release.set()
                    writer.join(BOUND_SECONDS)
                gate.rollback()
        except SQLAlchemyError as error:
            self.trouble = first_line(error)
        finally:
            self.started.set()
            engine.dispose()

    def wait_for(self, watcher: Connection, query: TextClause, **parameters: object) -> bool:
        """Whether ``query`` found a row (or a count above 0) before the upgrade ended."""
        deadline = time.monotonic() + BOUND_SECONDS
        while time.monotonic() < deadline and not self.upgrade_over.is_set():
            found = watcher.execute(query, parameters).first()
            watcher.rollback()
            if found is not None and found[0]:
                return True
            time.sleep(POLL_SECONDS)
        return False

    def hold_the_row(self, app: Connection) -> None:
        """The app's transaction: it writes to the row, and ends when told to (``release``)."""
        try:
            app.execute(text('UPDATE "user" SET email = email WHERE id = :id'), {"id": self.row_id})
            self.held_during_upgrade = not self.upgrade_over.is_set()
            self.row_held.set()
            self.release.wait(BOUND_SECONDS)
            app.rollback()
        except SQLAlchemyError as error:
            self.trouble = first_line(error)
        finally:
            self.row_held.set()
