"""Migrations judged as a reviewer's linter would judge them, as well as by what they do.

A ``LintedMigrationExercise`` is a migration exercise whose answer must also pass squawk,
the PostgreSQL migration linter teams run in CI: its upgrade is written out as SQL for
PostgreSQL in the sandbox (Alembic's offline mode, as ``flask db upgrade --sql`` does),
and the checker lints that text (``checker.judge.lint``) with the course's rule set. That
text comes from learner code, which may write out other SQL than it runs or alter what the
sandbox reports; so the DDL the server itself saw the upgrade run (``postgres_scratch``
records it) must have had the limits squawk asks for too.
"""

from __future__ import annotations

import ast
from typing import ClassVar

from ...db.postgres_scratch import DdlSeen
from ..checks import check
from ..lint import MAX_SQL_BYTES, LinterUnavailable, lint
from ..outcomes import CheckFailed
from .migration import MigrationExercise
from .migration_trial import MigrationTrial

POSTGRESQL_DIALECT = "postgresql+psycopg://"  # offline: no server is reached
SHOWN_VIOLATIONS = 5
# What a script reads to tell whether it is being written out as SQL (Alembic's offline mode).
OFFLINE_MODE_NAMES = frozenset({"is_offline_mode", "as_sql"})


def offline_mode_read(source: str) -> str | None:
    """The name by which a script asks whether it runs offline, if it does: what squawk reads
    must be what the server runs, so a script may not take another way when written out."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        else:
            continue
        if name in OFFLINE_MODE_NAMES:
            return name
    return None


def ddl_without_limits(seen: list[DdlSeen]) -> str | None:
    """The first DDL statement the server saw the upgrade run without a lock_timeout and a
    statement_timeout of its own in force, in words, or None. squawk asks for both before
    every DDL statement but a ``CREATE TABLE``, and the limit pass for them to be in force:
    an upgrade that runs the SQL squawk read meets this; one that writes out other SQL than
    it runs (or alters what it reports) may not. A limit the session did not set is the
    check's own role default, not the upgrade's."""
    for statement in seen:
        if statement.tag == "CREATE TABLE":
            continue
        missing = [
            name
            for name, value, set_by_upgrade in (
                ("lock_timeout", statement.lock_timeout, statement.lock_timeout_set),
                ("statement_timeout", statement.statement_timeout, statement.statement_timeout_set),
            )
            if not set_by_upgrade or value == "0"
        ]
        if missing:
            return (
                f"{statement.tag} (in `{' '.join(statement.query.split())[:150]}`) with no "
                f"{' and no '.join(missing)} of its own in force"
            )
    return None


class LintedMigrationExercise(MigrationExercise):
    """A migration that must pass squawk as well as every migration check.

    ``linter_excluded`` are the rules the course does not apply (each with its reason in
    the lesson); ``linter_ignorable`` the rules the statement lets the answer silence.
    """

    linter_excluded: ClassVar[tuple[str, ...]] = ()
    linter_ignorable: ClassVar[tuple[str, ...]] = ()

    @check("passes-the-linter", needs="history")
    def passes_the_linter(self, trial: MigrationTrial) -> None:
        """its upgrade, written out as SQL for PostgreSQL, passes squawk with the course's rules"""
        offline_name = offline_mode_read(trial.source)
        if offline_name is not None:
            raise CheckFailed(
                f"your script reads {offline_name}, so it can write out other SQL than it runs: "
                "squawk must read what the server will run. Run the same statements both ways."
            )
        revisions = f"{trial.identity.down_revision}:{trial.identity.revision}"
        rendered = self.run_step(
            trial.session,
            "render_sql",
            trial.location,
            POSTGRESQL_DIALECT,
            revisions,
            trial.answer_file,
            MAX_SQL_BYTES + 1,
            what="Your upgrade(), written out as SQL (upgrade --sql)",
            source=trial.source,
        )
        sql = rendered.get("sql")
        if not isinstance(sql, str):
            raise CheckFailed("your upgrade() could not be written out as SQL.")
        try:
            violations = lint(sql, excluded=self.linter_excluded, ignorable=self.linter_ignorable)
        except LinterUnavailable as trouble:
            raise RuntimeError(f"the linter could not run: {trouble}") from None
        if violations:
            shown = "; ".join(v.in_words() for v in violations[:SHOWN_VIOLATIONS])
            more = len(violations) - SHOWN_VIOLATIONS
            raise CheckFailed(
                f"squawk reports {len(violations)} problem{'s' if len(violations) != 1 else ''} "
                f"in the SQL of your upgrade(): {shown.rstrip('.')}"
                + (f"; and {more} more." if more > 0 else ".")
            )
        unprotected = ddl_without_limits(trial.upgrade_ddl or [])
        if unprotected:
            raise CheckFailed(
                f"squawk passes the SQL your upgrade() writes out, but the server saw it run "
                f"{unprotected}: what squawk reads must be what the server runs."
            )
