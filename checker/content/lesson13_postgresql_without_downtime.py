"""Lesson 13, Changing a live PostgreSQL database without downtime: its exercises and quiz
questions."""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ..judge.checks import check
from ..judge.kinds.migration import MigrationTrial
from ..judge.outcomes import AnswerProblem, CheckFailed
from ..judge.quizzes import Option, Question
from .kinds import MigrationExercise
from .traffic import SignUpsDuringUpgrade

TITLE = "Changing a live PostgreSQL database without downtime"


class UniqueEmailOnline(MigrationExercise):
    """Make a column unique while the app keeps writing to the table."""

    id = "13-unique-email-online"
    title = "Make email unique while users keep signing up"
    database_kind = "postgresql"
    base_revisions = ("c4d8e2f6a913_create_user_table.py",)
    start_layout = "user(email not unique)"
    target_layout = "user"
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `c4d8e2f6a913` (`id`,
`username`, `email`), holding users; `username` is unique, `email` is not (yet). In production the
table is large and users sign up all the time. The check runs on a real PostgreSQL server.

**Write** the next migration, revision `e1a5c9d3f7b2`:
- `upgrade()` makes `email` unique: a unique constraint named `uq_user_email`; where two users
  share an address, it fails and keeps them both (and run again once the address is fixed, it
  keeps to the next point too);
- while it runs, the app can still add users: while another transaction writes to `user`, it
  never waits for a lock on `user` that blocks writes; it holds no such lock while it builds the
  index, and none longer than the half second the app waits for a lock (attaching a built index
  takes one for a moment); it never writes the whole table again (as `VACUUM FULL` does). The
  check runs your upgrade on a large table twice, once while another transaction is still
  writing to `user` and once with none, watches the locks your upgrade takes (in PostgreSQL's
  `pg_locks`), and has the app insert a user while your upgrade waits for that transaction;
- `downgrade()` removes the constraint.

**Preserve:** every user and all their values, both ways. The script autogenerate writes
(`create_unique_constraint`) blocks every read and write of the table until the whole index is
built.
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

    @check("keeps-users-sharing-an-address", after="upgrade-data", needs="history")
    def keeps_users_sharing_an_address(self, trial: MigrationTrial) -> None:
        """where two users share an address, the upgrade fails and keeps both"""
        users = trial.visible_rows["user"]
        tables = {**trial.visible_rows, "user": [*users, self.sharing_an_address(users)]}
        database = self.seeded_database(trial, tables, tag="shared-address")
        self.refused_and_kept(
            trial, database, "upgrade", tables, "where two users share an address"
        )

    @check("sign-ups-go-on", after="upgrade-data", needs="upgrade-schema", slow=True)
    def sign_ups_go_on(self, trial: MigrationTrial) -> None:
        """while the upgrade runs, even waiting for another transaction, the app can add users"""
        for writer_open in (True, False):
            self.judge_traffic(trial, writer_open)

    @check("runs-again-without-blocking", after="sign-ups-go-on", needs="upgrade-schema", slow=True)
    def runs_again_without_blocking(self, trial: MigrationTrial) -> None:
        """run again after it failed on a shared address, it still never blocks writes"""
        users = trial.visible_rows["user"]
        sharing = self.sharing_an_address(users)
        tables = {**trial.visible_rows, "user": [*users, sharing]}
        database = self.seeded_database(trial, tables, tag="fixed-address")
        with contextlib.suppress(AnswerProblem):  # it fails, as keeps-users-... requires
            self.migrate(trial, database, "upgrade", self.head(trial))
        engine = create_engine(database.app_url, poolclass=NullPool)
        try:
            with engine.begin() as app:
                app.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": sharing["id"]})
        finally:
            engine.dispose()
        with SignUpsDuringUpgrade(database, writer_open=True, large=False) as app:
            if app.trouble is None:
                with contextlib.suppress(AnswerProblem):  # running again may fail: not judged
                    self.migrate(trial, database, "upgrade", self.head(trial))
        if app.trouble is not None:
            raise CheckFailed(f"the checker could not play the app's traffic: {app.trouble}.")
        if app.blocking is not None:
            raise CheckFailed(
                f"run again after it failed where two users shared an address (the address "
                f"fixed), {app.blocking}. A concurrent build that fails leaves an invalid "
                "index behind; DROP INDEX takes a lock that blocks writes, DROP INDEX "
                "CONCURRENTLY (postgresql_concurrently=True) does not."
            )

    def judge_traffic(self, trial: MigrationTrial, writer_open: bool) -> None:
        """Run the upgrade on a large table, another transaction writing to it when it starts
        (``writer_open``) or none, and fail on what the app's traffic saw."""
        tag = "busy" if writer_open else "quiet"
        database = self.seeded_database(trial, trial.visible_rows, tag=tag)
        with SignUpsDuringUpgrade(database, writer_open=writer_open) as app:
            if app.trouble is None:
                self.migrate(trial, database, "upgrade", self.head(trial))
        if app.trouble is not None:
            raise CheckFailed(f"the checker could not play the app's traffic: {app.trouble}.")
        quiet = "" if writer_open else "with no other transaction open when it started, "
        if app.blocking is not None:
            raise CheckFailed(
                f"{quiet}{app.blocking}. CREATE UNIQUE INDEX and ADD CONSTRAINT ... UNIQUE "
                "block every write to the table until the index is built, on a large table for "
                "minutes, however short a lock_timeout makes each try. Build the index "
                "CONCURRENTLY, outside the transaction, then attach it with ADD CONSTRAINT ... "
                "USING INDEX."
            )
        if app.table_rewritten():
            raise CheckFailed(
                "your upgrade wrote the whole user table again (as VACUUM FULL, CLUSTER or a "
                "change of a column's type do), holding ACCESS EXCLUSIVE on it: every read and "
                "write waited until it was done. Making email unique rewrites nothing."
            )
        written, total = app.rows_written_again()
        if written * 2 > total:
            raise CheckFailed(
                f"your upgrade wrote {written} of the {total} users in user again (an UPDATE "
                "writes a new version of every row it touches, even with the same values), "
                "and held a lock on each until it committed: the app could change none of "
                "them meanwhile. Making email unique writes no row."
            )
        if app.held_too_long is not None:
            raise CheckFailed(
                f"{quiet}{app.held_too_long}. Once the index is built, attaching it takes a lock "
                "for a moment only; take no other lock that blocks writes on the table, and keep "
                "slow work out of the transaction that holds one."
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
            "Put it in `with op.get_context().autocommit_block():` (with "
            "transaction_per_migration, the block commits only this migration's work)."
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
