"""Lesson 15, Linting migrations before they reach production: its exercises and quiz
questions. Each exercise hands over a migration squawk flags, to be made safe.

Over 300 lines: three exercises, two with a check of their own, and the lesson's questions,
kept together as every lesson's are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ..judge.checks import check
from ..judge.kinds.migration import MigrationTrial
from ..judge.outcomes import CheckFailed
from ..judge.quizzes import Option, Question
from .kinds import GivesWayMigrationExercise, LintedMigrationExercise
from .lesson13_postgresql_without_downtime import UniqueEmailOnline
from .traffic import RowHeldDuringCopy, SignUpsDuringUpgrade

TITLE = "Linting migrations before they reach production"


class UniqueEmailLinted(LintedMigrationExercise, UniqueEmailOnline):
    """Lesson 13's unique email, now also as squawk wants it."""

    id = "15-unique-email-linted"
    title = "Make the flagged unique constraint safe"
    # prefer-robust-stmts asks for CREATE INDEX CONCURRENTLY IF NOT EXISTS, which would keep
    # an invalid index left by a failed build (lesson 13): the course drops and builds again.
    linter_excluded = ("prefer-robust-stmts",)
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `c4d8e2f6a913` (`id`,
`username`, `email`), holding users; `email` is not unique yet. The starter is the migration
autogenerate wrote to make it unique, revision `a7c3e9f1b5d2`; squawk flags it.

**Make it safe:**
- `upgrade()` makes `email` unique with a constraint named `uq_user_email` (where two users
  share an address, it fails and keeps them both; run again once the address is fixed, it keeps
  to the next point too), and its SQL, written
  out by `upgrade --sql`, passes squawk (PostgreSQL 18) with the course's rules: every rule but
  `prefer-robust-stmts`, whose `IF NOT EXISTS` would keep an invalid index (lesson 13). A
  `squawk-ignore` comment does not count as a fix, nor does a limit squawk counts though the
  server has dropped it (a `SET LOCAL` outside its transaction, or after its `COMMIT`);
- while it runs, the app can still add users: the check runs your upgrade on a large table
  twice, once while another transaction is writing to `user` and once with none, watches the
  locks it takes, and has the app insert a user while your upgrade waits;
- `downgrade()` removes the constraint.

**Preserve:** every user and all their values, both ways.
"""
    hints = (
        (
            "Lesson 13 built the index concurrently and attached it. squawk also wants every "
            "statement that waits for a lock to be preceded by a `lock_timeout`, and slow ones "
            "by a `statement_timeout`: render your SQL and lint it, as the lesson does."
        ),
        (
            "In the autocommit block, `SET` both limits before the concurrent build and "
            "`RESET` them after it (in a `finally:`); in the transaction after the block, "
            "`SET LOCAL` them before `ADD CONSTRAINT ... UNIQUE USING INDEX`."
        ),
        (
            '`op.execute("SET lock_timeout = \'5s\'")`, `op.execute("SET statement_timeout = '
            "'10min'\")`, the concurrent `op.create_index('uq_user_email', ...)`, the two "
            "`RESET`s; then `SET LOCAL lock_timeout = '5s'`, `SET LOCAL statement_timeout = "
            "'5s'` and the `ALTER TABLE`."
        ),
    )


class RequiredColumn(GivesWayMigrationExercise):
    """A NOT NULL column added to a table that has rows, while the old code runs."""

    id = "15-required-column"
    title = "Add a required column safely"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+is_active"
    # The new code marks a user inactive after the upgrade: the downgrade keeps that user.
    changed_after_upgrade = [{"id": 3, "is_active": False}]
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `5e1f0c2a9b01` (`id`,
`username`, `email`), holding users. The starter is the migration autogenerate wrote for a new
model column, `is_active = db.Column(db.Boolean, nullable=False)`, revision `b8d4f0a2c6e3`;
squawk flags it, and it fails on a table that has rows.

**Make it safe:**
- `upgrade()` adds `is_active`, a `BOOLEAN NOT NULL` column; every user already there is active
  (`true`);
- the old code, still running while the migration runs, adds users without naming `is_active`:
  its inserts still work, and such a user is active. On a large table, the upgrade writes none
  of the rows already there again and holds no lock that blocks those inserts for longer than
  the half second the app waits for one: the check runs it on a large table and watches the
  locks it takes;
- its SQL, written out by `upgrade --sql`, passes squawk (PostgreSQL 18) with every rule; a
  `squawk-ignore` comment does not count as a fix, nor does a limit squawk counts though the
  server has dropped it (a `SET LOCAL` outside its transaction, or after its `COMMIT`);
- when another transaction is writing to `user`, the upgrade gives up on its own after a few
  seconds (the app's queries queue behind it only that long) instead of queueing them for as long
  as that transaction lasts, leaves the database as it was, and runs once that transaction is
  over;
- `downgrade()` removes the column, and keeps every user: those the new code marked inactive
  after the upgrade too.

**Preserve:** every user and all their values, both ways.
"""
    hints = (
        (
            "Since PostgreSQL 11 a column added with a constant default changes only the "
            "catalog: no row is written, whatever the table's size (lesson 13)."
        ),
        (
            "`server_default=sa.true()` fills the rows already there and the old code's "
            "inserts. Start `upgrade()` with `SET LOCAL lock_timeout` and `SET LOCAL "
            "statement_timeout`: squawk asks for both before an `ALTER TABLE`."
        ),
        (
            '`op.execute("SET LOCAL lock_timeout = \'2s\'")`, `op.execute("SET LOCAL '
            "statement_timeout = '5s'\")`, then `op.add_column('user', sa.Column('is_active', "
            "sa.Boolean(), server_default=sa.true(), nullable=False))`; `downgrade()`: "
            "`op.drop_column('user', 'is_active')`."
        ),
    )

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "is_active": True}

    @check("old-code-adds-users", after="upgrade-data", needs="upgrade-schema")
    def old_code_adds_users(self, trial: MigrationTrial) -> None:
        """after upgrade, a user added without is_active is added, and is active"""
        trial.require(trial.visible_db, "upgraded", "the upgrade of the first database")
        engine = create_engine(trial.visible_db.app_url, poolclass=NullPool)
        try:
            with engine.connect() as app:
                try:
                    app.execute(
                        text(
                            'INSERT INTO "user" (id, username, email) '
                            "VALUES (901, 'old-code', 'old-code@example.com')"
                        )
                    )
                except Exception as error:  # the answer's schema refused the insert
                    raise CheckFailed(
                        "after upgrade, the old code could not add a user without naming "
                        f"is_active: {str(getattr(error, 'orig', error)).splitlines()[0]}. "
                        "Give the column a server default."
                    ) from None
                added = app.execute(text('SELECT is_active FROM "user" WHERE id = 901'))
                active = added.scalar()
                app.rollback()
        finally:
            engine.dispose()
        if active is not True:
            raise CheckFailed(
                f"after upgrade, a user the old code added has is_active = {active!r}, not true."
            )

    @check("inserts-go-on", after="old-code-adds-users", needs="upgrade-schema", slow=True)
    def inserts_go_on(self, trial: MigrationTrial) -> None:
        """on a large table, the upgrade writes no row again and blocks inserts only briefly"""
        database = self.seeded_database(trial, trial.visible_rows, tag="large")
        with SignUpsDuringUpgrade(database, writer_open=False) as app:
            if app.trouble is None:
                self.migrate(trial, database, "upgrade", self.head(trial))
        if app.trouble is not None:
            raise CheckFailed(f"the checker could not play the app's traffic: {app.trouble}.")
        written, total = app.rows_written_again()
        if app.table_rewritten() or written * 2 > total:
            how = "the whole table" if app.table_rewritten() else f"{written} of the {total} users"
            raise CheckFailed(
                f"on a large table, your upgrade wrote {how} in user again (an UPDATE writes "
                "a new version of every row it touches, even with the same values); in the "
                "transaction that added the column, it holds the lock that blocks every insert "
                "all along: on a table of millions, the old code's inserts wait for minutes. A "
                "column added with a constant server default fills the rows already there "
                "without writing them."
            )
        if app.held_too_long is not None or app.blocking is not None:
            raise CheckFailed(
                f"on a large table, {app.held_too_long or app.blocking}. Adding a column with a "
                "constant default changes only the catalog: keep slow work out of the "
                "transaction that holds the table's lock."
            )


# Enough users that a copy in batches meets the app's held row only at its end.
COPIED_PAST_A_HELD_USER = 20_000
USERS_WITHOUT_THEIR_LOGIN = text(
    'SELECT count(*), min(id) FROM "user" WHERE login IS DISTINCT FROM username'
)


class RenameExpand(GivesWayMigrationExercise):
    """The first release of a rename, instead of a rename the running code cannot survive."""

    id = "15-rename-expand"
    title = "Start a rename the running app survives"
    base_revisions = ("5e1f0c2a9b01_create_user_table.py",)
    start_layout = "user"
    target_layout = "user+login"
    # prefer-text-field asks for TEXT instead of VARCHAR(n); login is the type username has.
    linter_excluded = ("prefer-text-field",)
    task = """\
**Start (PostgreSQL):** the `user` table of the first migration, `5e1f0c2a9b01` (`id`,
`username`, `email`), holding users. `username` is to be called `login`. The starter is the
rename written by hand as in lesson 06 (`alter_column(..., new_column_name='login')`, a
`RENAME COLUMN`), revision `c9e5a1b3d7f4`; squawk flags it, since the code still running reads
and writes `username`.

**Write release 1 of the rename instead (expand):**
- `upgrade()` adds `login`, a `VARCHAR(80)` column that may be NULL (release 1's code writes
  both columns; the old code only `username`), and copies every user's `username` into it;
  `username` stays as it is, and nothing else is made (no trigger: release 2 copies the rows
  the old code adds or changes meanwhile, as in lesson 13);
- its SQL, written out by `upgrade --sql`, passes squawk (PostgreSQL 18) with the course's
  rules: every rule but `prefer-text-field` (`login` has the type `username` has); a
  `squawk-ignore` comment does not count as a fix, nor does a limit squawk counts though the
  server has dropped it (a `SET LOCAL` outside its transaction, or after its `COMMIT`);
- when another transaction is writing to `user`, the upgrade gives up on its own after a few
  seconds (the app's queries queue behind it only that long) instead of queueing them for as long
  as that transaction lasts, leaves the database as it was, and runs once that transaction is
  over;
- when the app writes to a user while the copy runs, the copy waits for that user or the upgrade
  gives up: an upgrade that ends well has copied every user;
- `downgrade()` removes `login`; what the old code wrote to `username` after the upgrade (a user
  it added, or renamed) stays as it wrote it.

**Preserve:** every user and all their values, both ways.
"""
    hints = (
        (
            "A rename breaks the code that is still running. Lesson 13 renamed in four "
            "releases: this is the first, which only adds the new column and fills it."
        ),
        (
            "A nullable column without a default changes only the catalog. Copy with one "
            "`UPDATE` on this small table; on a large one, in batches (lesson 13). Start with "
            "`SET LOCAL lock_timeout` and `SET LOCAL statement_timeout`."
        ),
        (
            '`op.execute("SET LOCAL lock_timeout = \'2s\'")`, `op.execute("SET LOCAL '
            "statement_timeout = '5s'\")`, `op.add_column('user', sa.Column('login', "
            'sa.String(length=80), nullable=True))`, `op.execute(\'UPDATE "user" SET login = '
            "username')`; `downgrade()`: `op.drop_column('user', 'login')`."
        ),
    )

    # The old code, still running beside release 1, writes username alone: a user it adds
    # has no login, and a user it renames keeps the login copied before.
    written_after_upgrade = [
        {"id": 61, "username": "old-code-signup", "email": "old-code-signup@example.com"}
    ]
    changed_after_upgrade = [{"id": 2, "username": "bob, renamed by the old code"}]

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "login": row["username"]}

    @staticmethod
    def after_downgrade(row: dict[str, Any]) -> dict[str, Any]:
        return row

    @check("copies-past-a-held-user", after="gives-way-when-blocked", needs="upgrade-schema",
           slow=True)  # fmt: skip
    def copies_past_a_held_user(self, trial: MigrationTrial) -> None:
        """when the app writes to a user during the copy, the upgrade still copies every user"""
        database = self.seeded_database(trial, trial.visible_rows, tag="row-held")
        with RowHeldDuringCopy(database, added_users=COPIED_PAST_A_HELD_USER) as app:
            gave_up = None if app.trouble else self.upgrade_while_held(trial, database)
        if app.trouble is not None:
            raise CheckFailed(f"the checker could not write as the app: {app.trouble}.")
        if gave_up is not None:
            return  # waiting for the user, it gave way: what an upgrade may do
        left, first = app.read_after(USERS_WITHOUT_THEIR_LOGIN)
        if left:
            held = f"user {app.row_id}" if app.held_during_upgrade else "a user"
            raise CheckFailed(
                f"the app wrote to {held} while your upgrade copied (one of "
                f"{COPIED_PAST_A_HELD_USER} users added for the check), and your upgrade ended "
                f"well, leaving {left} without their username in login (user {first} first): "
                "a copy that passes over a row another transaction holds must not end as if "
                "it were done."
            )

EXERCISES = (UniqueEmailLinted, RequiredColumn, RenameExpand)

QUESTIONS = (
    Question(
        id="15-what-squawk-reads",
        prompt=(
            "squawk passes a migration's SQL, written out by `flask db upgrade --sql`. Which of "
            "these can still block the app for longer than the migration's limits allow? Select "
            "all that apply."
        ),
        kind="multiple",
        keys=(
            "63ce57810d73ed2cceaecc86326284f5493db85155e5946eae56a678167f938a",
            "4395d5e9777ec5809159a18ce1705d291f3154361b4f23a3b8d761d3772acd48",
        ),
        options=(
            Option(
                "An `UPDATE` of every row in the migration's transaction",
                (
                    "squawk has no rule on data changes: the rows stay locked against other "
                    "writers until the migration's transaction ends."
                ),
            ),
            Option(
                "`SELECT archive_old_users()`, calling a function that deletes rows of `user`",
                (
                    "squawk reads the statement, a SELECT; what the function's body runs is not "
                    "in the SQL it reads."
                ),
            ),
            Option(
                "`ALTER TABLE ... ADD COLUMN bio TEXT`, with `SET LOCAL lock_timeout` and "
                "`statement_timeout` before it",
                (
                    "It waits at most lock_timeout for its lock, and once granted adds the "
                    "column in a moment; the lock lasts until COMMIT, so keep the rest of that "
                    "transaction short."
                ),
            ),
        ),
        explanation=(
            "A linter reads the text of the SQL: what the statements cost on this table, and "
            "what runs outside them, only a run on a real server shows."
        ),
    ),
    Question(
        id="15-ignore",
        prompt=(
            "A team's CI runs squawk on every new migration. One `CREATE INDEX CONCURRENTLY` is "
            "flagged by `prefer-robust-stmts`, which asks for `IF NOT EXISTS`. What should the "
            "migration do?"
        ),
        kind="single",
        keys=("f338f8ca1249599177fc038bb5adef05801389eea04df548159855b24aed5378",),
        options=(
            Option(
                (
                    "Keep the statement, and put `-- squawk-ignore prefer-robust-stmts` with the "
                    "reason on the line before it"
                ),
                (
                    "IF NOT EXISTS would keep an invalid index left by a failed build: the rule "
                    "does not fit this statement, and the comment says so where it applies."
                ),
            ),
            Option(
                "Add `IF NOT EXISTS`, as squawk asks",
                (
                    "After a failed concurrent build the invalid index exists: IF NOT EXISTS "
                    "would skip the build and keep it (lesson 13)."
                ),
            ),
            Option(
                "Exclude `prefer-robust-stmts` in `.squawk.toml` for the whole app",
                (
                    "The rule still catches other statements that cannot run twice; silence it "
                    "only where it does not apply."
                ),
            ),
        ),
        explanation=("Disable a rule as narrowly as it does not apply, with the reason beside it."),
    ),
)
