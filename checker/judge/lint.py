"""A migration's SQL linted with squawk, on the checker's side, as a reviewer's CI would.

The SQL is what the learner's migration rendered in the sandbox (Alembic's offline mode,
``upgrade --sql``); the checker writes it to a folder of its own and runs squawk (the
``squawk-cli`` binary, a pinned course dependency) on it with a time limit, after checking
its size, and reads squawk's JSON report. Learner code never runs squawk and never sees
its report before the checker does. A ``squawk-ignore`` comment in the SQL is itself
reported, unless the exercise allows ignoring that rule: a suppressed warning earns nothing.

squawk counts a ``lock_timeout`` or ``statement_timeout`` as set from the statement that sets
it to the end of the file; the server does not. ``SET LOCAL`` lasts until its transaction ends
(Alembic's ``autocommit_block()`` writes a ``COMMIT`` first) and does nothing outside a
transaction; ``RESET`` ends a limit. Such a limit, written but no longer in force at a
statement that takes a lock, is reported here as squawk would have reported a missing one.
Its 310 lines are squawk's run and that limit pass, which reads the SQL statement by statement
as the server runs it.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MAX_SQL_BYTES = 256 * 1024
LINT_SECONDS = 20
PG_VERSION = "18"
IGNORE_COMMENT = re.compile(r"--\s*squawk-ignore(?:-file)?\b([^\n]*)", re.IGNORECASE)
LIMITS = ("lock_timeout", "statement_timeout")
SET_LIMIT = re.compile(
    r'SET\s+(LOCAL\s+|SESSION\s+)?"?(lock_timeout|statement_timeout)"?\s*(?:=|\bTO\b)\s*(.*)',
    re.IGNORECASE | re.DOTALL,
)
RESET_LIMIT = re.compile(r'RESET\s+"?(lock_timeout|statement_timeout|ALL)\b', re.IGNORECASE)
TRANSACTION_START = re.compile(r"(BEGIN|START\s+TRANSACTION)\b", re.IGNORECASE)
TRANSACTION_END = re.compile(r"(COMMIT|END|ROLLBACK|ABORT)\b(?!\s+PREPARED)", re.IGNORECASE)
DOLLAR_QUOTE = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
LIMIT_VALUE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s|min|h|d)?", re.IGNORECASE)
MILLISECONDS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
LOCKING_STATEMENT = re.compile(
    r"(ALTER|CREATE|DROP|REINDEX|LOCK|TRUNCATE|CLUSTER|COMMENT)\b", re.IGNORECASE
)
# A data change waits for other transactions' row locks: lock_timeout is what makes it give up
# (a statement_timeout may rightly be off for a long backfill in batches).
DATA_CHANGE = re.compile(r"(UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


class LinterUnavailable(RuntimeError):
    """squawk could not run: the grader's problem, not the answer's."""


@dataclass(frozen=True)
class Violation:
    """One warning: the rule, the line of the SQL it names, squawk's message and help."""

    rule: str
    line: int
    statement: str
    message: str
    help: str

    def in_words(self) -> str:
        """The warning as the learner reads it."""
        return f"{self.rule} at `{self.statement}`: {self.message} {self.help}".strip()


@functools.cache
def squawk_binary() -> str:
    """The squawk the course's pinned squawk-cli package installed, wherever this Python
    finds that package (its own environment or one on its path); else the one on PATH."""
    try:
        files = importlib.metadata.distribution("squawk-cli").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        installed = Path(file.locate())
        if file.name == "squawk" and installed.is_file():
            return str(installed.resolve())
    found = shutil.which("squawk")
    if found is None:
        raise LinterUnavailable("squawk is not installed (the squawk-cli package)")
    return found


def lint(
    sql: str,
    *,
    excluded: tuple[str, ...] = (),
    ignorable: tuple[str, ...] = (),
) -> list[Violation]:
    """squawk's warnings on ``sql`` with the rules ``excluded`` left out, and a warning for
    every ``squawk-ignore`` comment of a rule neither ``ignorable`` nor excluded (silencing a
    rule the course does not apply silences nothing)."""
    if len(sql.encode()) > MAX_SQL_BYTES:
        return [Violation("too-long", 0, "", f"the SQL is over {MAX_SQL_BYTES // 1024} KB.", "")]
    lines = sql.splitlines()
    found = suppressions(lines, ignorable + excluded)
    with tempfile.TemporaryDirectory(prefix="course-lint-") as folder:
        path = Path(folder, "migration.sql")
        path.write_text(sql, encoding="utf-8")
        command = [squawk_binary(), "--reporter=json", f"--pg-version={PG_VERSION}", str(path)]
        if excluded:
            command.insert(2, f"--exclude={','.join(excluded)}")
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=LINT_SECONDS, cwd=folder,
                env={"PATH": os.environ.get("PATH", ""), "HOME": folder},
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise LinterUnavailable(f"squawk ran for more than {LINT_SECONDS} s") from None
    try:
        reported = json.loads(done.stdout or "[]")
    except ValueError:
        raise LinterUnavailable(f"squawk's report was not JSON: {done.stderr[:300]}") from None
    for warning in reported:
        line = int(warning.get("line", 0))
        statement = lines[line].strip() if 0 <= line < len(lines) else ""
        found.append(
            Violation(
                str(warning.get("rule_name", "")),
                line + 1,
                statement[:200],
                str(warning.get("message", "")),
                str(warning.get("help") or ""),
            )
        )
    found += limits_not_in_force(lines)
    return sorted(found, key=lambda violation: (violation.line, violation.rule))


def statements(lines: list[str]) -> list[tuple[int, str, int]]:
    """Each statement of the SQL with the number of the line it starts on and of the query
    it was sent in, comments left out and its spaces collapsed: a statement ends at a ``;``
    outside quotes (``'...'``, ``"..."``, ``$$...$$`` or ``$tag$...$tag$``, so a ``DO``
    block's ``BEGIN ... END`` is no transaction) and comments, wherever it is on its line
    (``SET ...; RESET ...`` is two). Alembic writes each query it sends (an ``op.execute``'s
    text) on lines of its own: statements that share a line were sent as one query. One pass
    over the SQL: its time grows with its length, not faster."""
    sql = "\n".join(lines)
    found: list[tuple[int, str, int]] = []
    parts: list[str] = []
    start = line = 1
    query = ended = 0  # ``ended``: where the last statement's ``;`` was
    index = counted = 0  # the line breaks before ``counted`` are counted in ``line``
    while index < len(sql):
        char = sql[index]
        if sql.startswith("--", index):
            index = _end_of(sql, "\n", index) - 1  # the line break stays: spaces between words
        elif sql.startswith("/*", index):
            index = _end_of(sql, "*/", index + 2)
        elif char == ";":
            if parts:
                found.append((start, " ".join("".join(parts).split()), query))
            parts = []
            index += 1
            ended = index
        elif char.isspace():
            if parts:
                parts.append(char)
            index += 1
        else:
            quote = DOLLAR_QUOTE.match(sql, index)
            closing = quote[0] if quote else char if char in "'\"" else ""
            after = _end_of(sql, closing, index + len(closing)) if closing else index + 1
            if not parts:
                line, counted = line + sql.count("\n", counted, index), index
                start = line
                query += sql.find("\n", ended, index) >= 0
            parts.append(sql[index:after])
            index = after
    if parts:
        found.append((start, " ".join("".join(parts).split()), query))
    return found


def _end_of(sql: str, closing: str, index: int) -> int:
    """Where the text ``closing`` ends, looking from ``index`` (past the end of ``sql`` if
    never, as if it closed there)."""
    found = sql.find(closing, index)
    return len(sql) + len(closing) if found < 0 else found + len(closing)


def limit_value_off(value: str) -> bool:
    """Whether a value given to ``lock_timeout`` or ``statement_timeout`` means no limit:
    zero (``0``, ``'0ms'``, less than the half millisecond PostgreSQL rounds to 0) or
    ``DEFAULT``, the server's default, which is none. A value not read here counts as a
    limit (the server refuses what it cannot read)."""
    text = value.strip().rstrip(";").strip().strip("'\"").strip()
    if text.upper() == "DEFAULT":
        return True
    number = LIMIT_VALUE.fullmatch(text)
    if not number:
        return False
    milliseconds = float(number[1]) * MILLISECONDS[(number[2] or "ms").lower()]
    return round(milliseconds) == 0


def limits_not_in_force(lines: list[str]) -> list[Violation]:
    """A warning for each statement that takes a lock while a limit the SQL wrote is not in
    force, and each data change (a backfill's ``UPDATE``, which waits for other transactions'
    row locks) while a ``lock_timeout`` it wrote is not: set with
    ``SET LOCAL`` outside a transaction, ended with its transaction, ``RESET``, or set to no
    limit (``0``, ``DEFAULT``), which squawk counts as set. A ``SET LOCAL`` outweighs the
    session's value until its transaction ends. A limit never written at all is squawk's to
    report."""
    in_transaction = False
    session: dict[str, bool] = dict.fromkeys(LIMITS, False)
    local: dict[str, bool | None] = dict.fromkeys(LIMITS)  # None: no SET LOCAL in force
    lost: dict[str, str] = {}  # a limit written but not in force, and why
    found = []
    parsed = statements(lines)
    sent_together = Counter(query for _, _, query in parsed)
    implicit: int | None = None  # the query whose statements run as one transaction, if any
    for number, statement, query in parsed:
        if implicit is not None and query != implicit:
            end_local_limits(local, session, lost, f"as its query ended, before line {number}")
            implicit = None
        if not in_transaction and implicit is None and sent_together[query] > 1:
            implicit = query  # PostgreSQL runs a query of several statements as one transaction
        setting, reset = SET_LIMIT.match(statement), RESET_LIMIT.match(statement)
        if setting:
            scope, name, value = setting.group(1), setting.group(2).lower(), setting.group(3)
            is_local = bool(scope) and scope.strip().upper() == "LOCAL"
            on = not limit_value_off(value)
            if is_local and not in_transaction and implicit is None:
                lost[name] = (
                    "set with SET LOCAL outside a transaction (in an autocommit block), where "
                    "PostgreSQL ignores SET LOCAL"
                )
                continue
            if is_local:
                local[name] = on
            else:
                session[name], local[name] = on, None
            if on:
                lost.pop(name, None)
            elif value.strip().upper() == "DEFAULT":
                lost[name] = (
                    f"set to DEFAULT on line {number}: the server's default, which is no limit "
                    "unless the server was given one"
                )
            else:
                lost[name] = f"set to {value.strip()} on line {number}, which is no limit"
        elif reset:
            names = LIMITS if reset.group(1).upper() == "ALL" else (reset.group(1).lower(),)
            for name in names:
                if session[name] or local[name]:
                    lost[name] = f"ended by the RESET on line {number}"
                session[name], local[name] = False, None
        elif TRANSACTION_START.match(statement):
            in_transaction = True
        elif TRANSACTION_END.match(statement):
            end_local_limits(
                local, session, lost, f"at the {statement.split()[0].upper()} on line {number}"
            )
            in_transaction, implicit = False, None
        elif "alembic_version" not in statement and (
            LOCKING_STATEMENT.match(statement) or DATA_CHANGE.match(statement)
        ):
            needed = LIMITS if LOCKING_STATEMENT.match(statement) else ("lock_timeout",)
            in_force = {n: session[n] if local[n] is None else local[n] for n in LIMITS}
            missing = [n for n in needed if n in lost and not in_force[n]]
            if missing:
                found.append(limit_violation(number, lines[number - 1], missing, lost))
    return found


def end_local_limits(
    local: dict[str, bool | None], session: dict[str, bool], lost: dict[str, str], when: str
) -> None:
    """A transaction ends: its ``SET LOCAL`` limits end with it (``when`` says where)."""
    for name in LIMITS:
        if local[name] and not session[name]:
            lost[name] = f"set with SET LOCAL, which ended with its transaction {when}"
        local[name] = None


def limit_violation(number: int, line: str, names: list[str], why: dict[str, str]) -> Violation:
    """The warning for a statement that runs without the limits ``names``."""
    reasons = dict.fromkeys(why[name] for name in names)
    return Violation(
        "limit-not-in-force",
        number,
        line.strip()[:200],
        f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} not in force here: "
        f"{'; '.join(reasons)}.",
        "In an autocommit block, SET the limit and RESET it after the statement; in a "
        "transaction, SET LOCAL it after the BEGIN.",
    )


def suppressions(lines: list[str], ignorable: tuple[str, ...]) -> list[Violation]:
    """A warning for each ``squawk-ignore`` comment that names a rule not allowed (or none,
    which ignores them all)."""
    found = []
    for number, line in enumerate(lines, start=1):
        match = IGNORE_COMMENT.search(line)
        if match is None:
            continue
        rules = [rule.strip() for rule in match.group(1).split(",") if rule.strip()]
        refused = [rule for rule in rules if rule not in ignorable] if rules else ["every rule"]
        if refused:
            found.append(
                Violation(
                    "suppressed",
                    number,
                    line.strip()[:200],
                    f"the migration silences the linter ({', '.join(refused)}).",
                    "Make the statement safe instead: a silenced warning earns nothing here.",
                )
            )
    return found
