"""The linter check: an answer's upgrade written out as PostgreSQL SQL in the sandbox and
linted by squawk on the checker's side; silenced rules earn nothing; limits hold."""

from __future__ import annotations

import time

import pytest

from checker.content.catalogue import EXERCISES
from checker.judge import kinds
from checker.judge.lint import MAX_SQL_BYTES, limits_not_in_force, lint
from checker.judge.outcomes import Status

EXERCISE = EXERCISES["03-add-password-hash"]
SET_TIMEOUTS = (  # on PostgreSQL only: the exercise's own databases are SQLite
    "def upgrade():\n"
    "    if op.get_context().dialect.name == 'postgresql':\n"
    "        op.execute(\"SET lock_timeout = '2s'\")\n"
    "        op.execute(\"SET statement_timeout = '5s'\")\n"
)


class LintedAddPasswordHash(type(EXERCISE), kinds.LintedMigrationExercise):
    """Lesson 03's exercise, linted with the rule its VARCHAR column does not follow left out."""

    linter_excluded = ("prefer-text-field",)


def linter_result(source: str):
    report = LintedAddPasswordHash().judge(source, hidden=False)
    return next(check for check in report.checks if check.name == "passes-the-linter")


def test_an_upgrade_without_timeouts_fails_with_squawks_rule_and_help():
    found = linter_result(EXERCISE.solution)
    assert found.status is Status.FAILED
    assert "require-lock-timeout" in found.message and "lock_timeout" in found.message
    assert "ALTER TABLE" in found.message  # the statement the warning is about


def test_the_same_upgrade_with_timeouts_passes_and_every_other_check_still_runs():
    report = LintedAddPasswordHash().judge(
        EXERCISE.solution.replace("def upgrade():\n", SET_TIMEOUTS), hidden=False
    )
    assert all(check.status is Status.PASSED for check in report.checks), report.message


def test_a_silenced_rule_earns_nothing():
    silenced = EXERCISE.solution.replace(
        "def upgrade():\n",
        "def upgrade():\n    op.execute('-- squawk-ignore-file')\n",
    )
    found = linter_result(silenced)
    assert found.status is Status.FAILED and "silences the linter" in found.message


@pytest.mark.parametrize(
    ("sql", "rule"),
    [
        ('ALTER TABLE "user" ADD CONSTRAINT uq UNIQUE (email);\n', "disallowed-unique-constraint"),
        ("-- squawk-ignore renaming-column\nALTER TABLE t RENAME a TO b;\n", "suppressed"),
        ("SELECT 1;\n" * (MAX_SQL_BYTES // 10 + 1), "too-long"),
    ],
)
def test_lint_reports_rules_silencing_and_oversized_sql(sql, rule):
    assert rule in {violation.rule for violation in lint(sql)}


def test_an_allowed_silencing_is_no_violation():
    sql = "-- squawk-ignore renaming-column\nALTER TABLE t RENAME a TO b;\n"
    rules = {v.rule for v in lint(sql, ignorable=("renaming-column",))}
    assert "suppressed" not in rules and "renaming-column" not in rules


def test_a_rule_without_help_reads_as_its_message_alone():
    (dropped,) = [v for v in lint("ALTER TABLE t DROP COLUMN a;\n") if v.rule == "ban-drop-column"]
    assert dropped.help == ""
    assert dropped.in_words().endswith("Dropping a column may break existing clients.")


LIMITS_IN_FORCE = [
    # (what the SQL does, the SQL, the lines at which a limit is not in force)
    (
        "SET LOCAL after the BEGIN",
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD b int;\nCOMMIT;\n",
        [],
    ),
    (
        "SET, then RESET, in an autocommit block; SET LOCAL again after the BEGIN",
        "BEGIN;\nCOMMIT;\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
        "RESET lock_timeout;\nBEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE t ADD b int;\n"
        "COMMIT;\n",
        [],
    ),
    (
        "SET LOCAL ended by the COMMIT that opens an autocommit block",
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
        "BEGIN;\nALTER TABLE t ADD b int;\nCOMMIT;\n",
        [4, 6],
    ),
    (
        "SET LOCAL outside a transaction",
        "COMMIT;\nSET LOCAL lock_timeout = '2s';\nBEGIN;\nALTER TABLE t ADD b int;\nCOMMIT;\n",
        [4],
    ),
    (
        "a limit RESET before the statement",
        "SET lock_timeout = '2s';\nRESET ALL;\nALTER TABLE t ADD b int;\n",
        [3],
    ),
    (
        "a DO block's BEGIN and END inside the transaction",
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nDO $$\nBEGIN\n  UPDATE t SET a = 1;\nEND\n$$;\n"
        "ALTER TABLE t ADD b int;\nCOMMIT;\n",
        [],
    ),
    (
        "a session limit set to 0, which squawk counts as set",
        "SET lock_timeout = '2s';\nSET lock_timeout = 0;\nALTER TABLE t ADD b int;\n",
        [3],
    ),
    (
        "the only limit set to '0ms' in the transaction",
        "BEGIN;\nSET LOCAL statement_timeout = '0ms';\nALTER TABLE t ADD b int;\nCOMMIT;\n",
        [3],
    ),
    (
        "a SET LOCAL to DEFAULT outweighs the session's limit until the COMMIT",
        "SET lock_timeout = '2s';\nBEGIN;\nSET LOCAL lock_timeout TO DEFAULT;\n"
        "ALTER TABLE t ADD b int;\nCOMMIT;\nALTER TABLE t ADD c int;\n",
        [4],
    ),
    (
        "a session limit outlives a SET LOCAL's transaction",
        "SET lock_timeout = '2s';\nBEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\n"
        "ALTER TABLE t ADD b int;\n",
        [],
    ),
    (
        "two SET LOCAL in one line, after an earlier RESET",
        "BEGIN;\nCOMMIT;\nSET statement_timeout = '10min';\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
        "RESET statement_timeout;\nBEGIN;\n"
        "SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '5s';\n"
        "ALTER TABLE t ADD b int;\nCOMMIT;\n",
        [],
    ),
    (
        "a RESET behind a SET in one line",
        "BEGIN;\nSET LOCAL statement_timeout = '5s';\n"
        "SET LOCAL lock_timeout = '2s'; RESET statement_timeout;\nALTER TABLE t ADD b int;\n"
        "COMMIT;\n",
        [4],
    ),
    (
        "limits named in double quotes, after an earlier RESET",
        "SET lock_timeout = '2s';\nRESET lock_timeout;\nBEGIN;\n"
        "SET LOCAL \"lock_timeout\" = '2s';\nALTER TABLE t ADD b int;\nCOMMIT;\n",
        [],
    ),
    (
        "a limit RESET by its quoted name",
        "SET lock_timeout = '2s';\nRESET \"lock_timeout\";\nALTER TABLE t ADD b int;\n",
        [3],
    ),
    (
        "SET LOCAL sent in one query with the statement, outside a transaction",
        "COMMIT;\nSET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '5s'; "
        "ALTER TABLE t ADD b int;\nALTER TABLE t ADD c int;\nBEGIN;\nCOMMIT;\n",
        [3],
    ),
    (
        "a semicolon inside quotes and comments ends no statement",
        "BEGIN;\n-- RESET lock_timeout; here\nSET LOCAL lock_timeout = '2s';\n"
        "COMMENT ON TABLE t IS 'a; RESET lock_timeout';\n/* ; */ ALTER TABLE t ADD b int;\n"
        "COMMIT;\n",
        [],
    ),
]


@pytest.mark.parametrize(
    ("sql", "lines"), [case[1:] for case in LIMITS_IN_FORCE], ids=[c[0] for c in LIMITS_IN_FORCE]
)
def test_a_limit_squawk_counts_but_the_server_drops_is_reported(sql, lines):
    found = [v for v in lint(sql) if v.rule == "limit-not-in-force"]
    assert [v.line for v in found] == lines
    assert all("not in force here" in v.message and v.statement for v in found)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT" + " " * (MAX_SQL_BYTES - 16) + "1;",  # one long statement
        "x;" * (MAX_SQL_BYTES // 2),  # as many statements as fit
        "SET lock_timeout = '1s';\n" * (MAX_SQL_BYTES // 26),
    ],
    ids=["one-long-statement", "many-tiny-statements", "many-lines"],
)
def test_the_limit_pass_reads_the_largest_sql_accepted_in_one_pass(sql):
    """The grader's own work on learner SQL stays bounded: far under a second here, where
    reading it anew at every character took minutes. Counted in the processor time of this
    process, which other tests running beside it do not change."""
    started = time.process_time()
    limits_not_in_force(sql.splitlines())
    assert time.process_time() - started < 3
