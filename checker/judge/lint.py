"""A migration's SQL linted with squawk, on the checker's side, as a reviewer's CI would.

The SQL is what the learner's migration rendered in the sandbox (Alembic's offline mode,
``upgrade --sql``); the checker writes it to a folder of its own and runs squawk (the
``squawk-cli`` binary, a pinned course dependency) on it with a time limit, after checking
its size, and reads squawk's JSON report. Learner code never runs squawk and never sees
its report before the checker does. A ``squawk-ignore`` comment in the SQL is itself
reported, unless the exercise allows ignoring that rule: a suppressed warning earns nothing.
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
from dataclasses import dataclass
from pathlib import Path

MAX_SQL_BYTES = 256 * 1024
LINT_SECONDS = 20
PG_VERSION = "18"
IGNORE_COMMENT = re.compile(r"--\s*squawk-ignore(?:-file)?\b([^\n]*)", re.IGNORECASE)


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
    every ``squawk-ignore`` comment of a rule not in ``ignorable``."""
    if len(sql.encode()) > MAX_SQL_BYTES:
        return [Violation("too-long", 0, "", f"the SQL is over {MAX_SQL_BYTES // 1024} KB.", "")]
    lines = sql.splitlines()
    found = suppressions(lines, ignorable)
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
    return sorted(found, key=lambda violation: (violation.line, violation.rule))


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
