"""Exercise kinds: classes with declarative attributes and a ``check`` that judges outcomes.

An exercise is answered by one Python file (a migration script, or a module). ``check``
never trusts that file: it reads it as text, runs it only inside the sandbox on scratch
copies of a seeded database, and then inspects the resulting database itself.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Enum, create_engine, insert, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from .. import database, postgres, sandbox, steps
from ..outcomes import AnswerProblem, CheckFailed, CheckResult, Outcome, Report, Status
from .tables import HIDDEN_USERS, VISIBLE_USERS, build_metadata

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MAX_ANSWER_BYTES = 2**20
SEEDED_SQLITE_FILES: dict[tuple[str, str], bytes] = {}  # (exercise id, tag) -> database file


class Exercise:
    """What every exercise declares, and the common frame of a check."""

    id: ClassVar[str]
    title: ClassVar[str]
    lesson: ClassVar[str]
    task: ClassVar[str]
    hints: ClassVar[tuple[str, ...]]
    starter: ClassVar[str]
    solution: ClassVar[str]
    timeout: ClassVar[float] = 10.0

    def planned_checks(self) -> list[tuple[str, str, bool]]:
        """Every check a grading runs, hidden ones included: (name, description, hidden)."""
        raise NotImplementedError

    @property
    def max_points(self) -> int:
        """Points at grading: one per check, hidden checks included."""
        return len(self.planned_checks())

    @property
    def hidden_checks(self) -> int:
        """How many checks run only at grading."""
        return sum(hidden for *_, hidden in self.planned_checks())

    def check(self, answer: Path, *, hidden: bool = False, timeout: float | None = None) -> Report:
        """Judge the answer saved in a file; ``hidden`` adds the checks run only at grading."""
        try:
            source = read_answer(answer)
        except AnswerProblem as problem:
            return self.problem_report(problem, [], hidden=hidden, duration=0.0)
        return self.check_source(source, hidden=hidden, timeout=timeout)

    def check_source(
        self, source: str, *, hidden: bool = False, timeout: float | None = None
    ) -> Report:
        """Judge an answer given as source text; learner code may run ``timeout`` s per step."""
        started = time.perf_counter()
        checks = Checks()
        try:
            if not source.strip():
                raise AnswerProblem(Outcome.NOT_ATTEMPTED, "No answer yet: the answer is empty.")
            if same_code(source, self.starter):
                raise AnswerProblem(
                    Outcome.NOT_ATTEMPTED,
                    "Not attempted yet: the answer is still the starter.",
                )
            require_valid_syntax(source)
            with tempfile.TemporaryDirectory(prefix="migrations-check-") as folder:
                scratch = Path(folder)
                try:
                    with sandbox.Session(scratch, timeout=timeout or self.timeout) as session:
                        self.run_checks(checks, source, scratch, session, hidden=hidden)
                finally:
                    dispose_inspection_engines()
                    postgres.drop_scratch_schemas()
        except AnswerProblem as problem:
            duration = time.perf_counter() - started
            return self.problem_report(problem, checks.results, hidden=hidden, duration=duration)
        report = summarise(self.id, checks.results)
        report.hidden_not_run = 0 if hidden else self.hidden_checks
        report.duration = time.perf_counter() - started
        return report

    def problem_report(
        self, problem: AnswerProblem, results: list[CheckResult], *, hidden: bool, duration: float
    ) -> Report:
        return Report(
            self.id,
            problem.outcome,
            problem.message,
            results,
            detail=problem.detail,
            hidden_not_run=0 if hidden else self.hidden_checks,
            duration=duration,
        )

    def run_checks(
        self,
        checks: Checks,
        source: str,
        scratch: Path,
        session: sandbox.Session,
        *,
        hidden: bool,
    ) -> None:
        """Run this exercise's checks on ``source``, recording each in ``checks``.

        Learner code runs only through ``session`` (a sandboxed child working in ``scratch``).
        """
        raise NotImplementedError

    def run_step(
        self, session: sandbox.Session, step: str, *args: Any, what: str
    ) -> dict[str, Any]:
        """Run a ``checker.steps`` function in the sandbox; learner trouble becomes a problem."""
        result = session.call(f"checker.steps:{step}", *args)
        if result.status == "timed out":
            raise AnswerProblem(
                Outcome.TIMED_OUT,
                f"{what} ran for more than {session.timeout:g} s and was stopped. "
                "Is there an endless loop?",
            )
        if result.status == "crashed" or not isinstance(result.value, dict):
            raise AnswerProblem(
                Outcome.ERROR,
                f"{what} ended the checking process abruptly (exit status "
                f"{result.exit_code}). Does the code call os._exit() or kill its process?",
            )
        if "error" in result.value:
            raise AnswerProblem(
                Outcome.ERROR, f"{what} raised an error.", format_learner_error(result.value)
            )
        return result.value


class Checks:
    """Collects check results: a check passes unless it raises ``CheckFailed``.

    Each result's duration is the time since the previous one, so the sandboxed steps a
    check waits for count towards it.
    """

    def __init__(self) -> None:
        self.results: list[CheckResult] = []
        self._since = time.perf_counter()

    def run(
        self, name: str, description: str, verify: Callable[[], None], *, hidden: bool = False
    ) -> bool:
        """Run one check. A problem that stops the whole check (learner code that raised,
        timed out or crashed) is recorded against this check before it goes on up."""
        try:
            verify()
        except AnswerProblem as problem:
            self._add(name, description, Status.FAILED, problem.message, hidden)
            raise
        except CheckFailed as failure:
            self._add(name, description, Status.FAILED, str(failure), hidden)
            return False
        self._add(name, description, Status.PASSED, "", hidden)
        return True

    def skip(self, name: str, description: str, reason: str, *, hidden: bool = False) -> None:
        self._add(name, description, Status.NOT_RUN, reason, hidden)

    def _add(self, name: str, description: str, status: Status, message: str, hidden: bool):
        now = time.perf_counter()
        self.results.append(
            CheckResult(name, description, status, message, hidden, round(now - self._since, 4))
        )
        self._since = now


def summarise(exercise_id: str, results: list[CheckResult]) -> Report:
    failed = [r for r in results if r.status is Status.FAILED]
    not_run = [r for r in results if r.status is Status.NOT_RUN]
    if failed:
        message = f"{len(failed)} of {len(results)} checks failed."
        if not_run:
            message += f" {len(not_run)} could not run because of an earlier failure."
        return Report(exercise_id, Outcome.FAILED, message, results)
    return Report(exercise_id, Outcome.PASSED, f"All {len(results)} checks passed.", results)


def read_answer(path: Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"No answer yet: there is no file {path.name}. Run the %%answer cell to save one.",
        )
    if path.stat().st_size > MAX_ANSWER_BYTES:
        raise AnswerProblem(
            Outcome.ERROR, f"The answer is larger than {MAX_ANSWER_BYTES // 2**20} MB; not read."
        )
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise AnswerProblem(
            Outcome.ERROR, f"The answer is not UTF-8 text (byte {error.start} cannot be read)."
        ) from None
    if not source.strip():
        raise AnswerProblem(Outcome.NOT_ATTEMPTED, "No answer yet: the answer file is empty.")
    return source


def same_code(source: str, starter: str) -> bool:
    """Whether two sources are the same program (comments and layout aside)."""
    try:
        return ast.dump(ast.parse(source)) == ast.dump(ast.parse(starter))
    except SyntaxError:
        return False


def require_valid_syntax(source: str) -> None:
    try:
        compile(source, "answer.py", "exec")
    except SyntaxError as error:
        line = f"line {error.lineno}: " if error.lineno else ""
        code = (error.text or "").rstrip()
        raise AnswerProblem(
            Outcome.ERROR,
            f"The answer has a syntax error: {line}{error.msg}.",
            f"    {code}" if code else "",
        ) from None


def format_learner_error(described: dict[str, Any]) -> str:
    """Render what ``steps.describe_error`` reported: the error, then the learner's lines."""
    lines = [str(described.get("error", "unknown error"))]
    for frame in described.get("frames") or []:
        if not isinstance(frame, dict):
            continue
        where = f"  line {frame.get('line')}"
        if frame.get("function") and frame.get("function") != "<module>":
            where += f", in {frame.get('function')}()"
        lines.append(where)
        if frame.get("code"):
            lines.append(f"    {frame.get('code')}")
    return "\n".join(lines)


def module_assignments(source: str) -> dict[str, Any]:
    """Top-level ``name = literal`` assignments of a script, read without running it."""
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    values[target.id] = ...
    return values


def module_functions(source: str) -> set[str]:
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}


def describe_schema_difference(difference: Any) -> str:
    """One line of plain English for one ``compare_metadata`` difference."""
    kind = difference[0]
    if kind == "add_table":
        return f"table {difference[1].name} is missing"
    if kind == "remove_table":
        return f"table {difference[1].name} should not be there"
    if kind == "add_column":
        return f"column {difference[2]}.{difference[3].name} is missing"
    if kind == "remove_column":
        return f"column {difference[2]}.{difference[3].name} should not be there"
    if kind == "modify_nullable":
        _, _, table, column, _, existing, wanted = difference
        now, target = ("NULL" if existing else "NOT NULL"), ("NULL" if wanted else "NOT NULL")
        return f"column {table}.{column} is {now}; it should be {target}"
    if kind == "modify_type":
        _, _, table, column, _, existing, wanted = difference
        return f"column {table}.{column} has type {existing}; it should be {wanted}"
    if kind in ("add_constraint", "remove_constraint", "add_index", "remove_index"):
        item = difference[1]
        columns = ", ".join(c.name for c in item.columns)
        what = "unique constraint" if "constraint" in kind else "index"
        state = "is missing" if kind.startswith("add") else "should not be there"
        return f"{what} on {item.table.name}({columns}) {state}"
    return f"schema difference: {kind}"


_inspection_engines: dict[str, Engine] = {}


def inspection_engine(database_url: str) -> Engine:
    """One engine per database for the length of a check.

    SQLite files are opened read-only, a connection per use. PostgreSQL connections are
    kept in a small pool, since reflection connects once per question otherwise (tens of
    milliseconds per check); an idle pooled connection holds no locks.
    """
    engine = _inspection_engines.get(database_url)
    if engine is None:
        if database_url.startswith("sqlite"):
            engine = database.open_readonly(database_url)
        else:
            engine = create_engine(database_url, pool_size=1, max_overflow=2)
        _inspection_engines[database_url] = engine
    return engine


def dispose_inspection_engines() -> None:
    while _inspection_engines:
        _inspection_engines.popitem()[1].dispose()


def schema_differences(database_url: str, layout: str) -> list[str]:
    """How the database's schema differs from a layout, as sentences (empty when equal)."""
    engine = inspection_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, build_metadata(layout))
    flat = [item for entry in found for item in (entry if isinstance(entry, list) else [entry])]
    return [describe_schema_difference(item) for item in flat]


def enum_type_differences(database_url: str, layout: str) -> list[str]:
    """PostgreSQL enum types that exist without the layout using them, or the reverse."""
    if not database_url.startswith("postgresql"):
        return []
    wanted = {
        column.type.name
        for table in build_metadata(layout).tables.values()
        for column in table.columns
        if isinstance(column.type, Enum)
    }
    engine = inspection_engine(database_url)
    with engine.connect() as connection:
        present = set(
            connection.execute(
                text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE t.typtype = 'e' AND n.nspname = current_schema()"
                )
            ).scalars()
        )
    return [f"the enum type {name} is left behind" for name in sorted(present - wanted)] + [
        f"the enum type {name} is missing" for name in sorted(wanted - present)
    ]


def database_version(database_url: str) -> list[str]:
    """The revisions recorded in ``alembic_version`` (empty when there is no such table)."""
    engine = inspection_engine(database_url)
    if not inspect(engine).has_table("alembic_version"):
        return []
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return sorted(str(row[0]) for row in rows)


def user_rows(database_url: str) -> dict[int, dict[str, Any]] | None:
    """The rows of the ``user`` table by id, or None when the table does not exist."""
    engine = inspection_engine(database_url)
    if not inspect(engine).has_table("user"):
        return None
    columns, rows = database.fetch_rows(engine, "user")
    return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}


def compare_rows(
    when: str, expected: list[dict[str, Any]], actual: dict[int, dict[str, Any]] | None
) -> None:
    """Raise CheckFailed describing how the user rows differ from what was expected."""
    if actual is None:
        raise CheckFailed(f"{when}, the user table does not exist, so every row is lost.")
    total = len(expected)
    missing = [row["id"] for row in expected if row["id"] not in actual]
    if missing:
        raise CheckFailed(
            f"{when}, {len(missing)} of {total} users are gone (ids {format_ids(missing)})."
        )
    extra = sorted(set(actual) - {row["id"] for row in expected})
    if extra:
        raise CheckFailed(f"{when}, there are {len(extra)} unexpected new users.")
    problems = []
    for column in expected[0]:
        wrong = [row for row in expected if actual[row["id"]].get(column, ...) != row[column]]
        if not wrong:
            continue
        first = wrong[0]
        found = actual[first["id"]].get(column, ...)
        if found is ...:
            problems.append(f"the {column} column is missing, so no user has their {column}")
            continue
        verb = (
            "lost their"
            if found in (None, "") and first[column] not in (None, "")
            else ("have a wrong")
        )
        problems.append(
            f"{len(wrong)} of {total} users {verb} {column} "
            f"(user {first['id']} should have {first[column]!r}, has {found!r})"
        )
    if problems:
        raise CheckFailed(f"{when}, " + "; ".join(problems) + ".")


def format_ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (", ..." if len(ids) > 5 else "")


@dataclass(frozen=True)
class MigrationRun:
    """One check of a migration script: its sandbox, its migrations folder and its revision."""

    session: sandbox.Session
    location: Path
    answer_file: Path
    revision: str


HISTORY_CHECK = "the script continues the history: one head, right after the last migration"
ROUND_TRIP_CHECKS = {
    "upgrade-schema": "after upgrade, the schema is the target schema",
    "upgrade-data": "after upgrade, every user is there with the right values",
    "downgrade-schema": "after downgrade, the schema is back to the start",
    "downgrade-data": "after downgrade, every user is back as before",
}
HIDDEN_ROUND_TRIP_CHECKS = {
    "other-data": "a round trip keeps the data of other users (unusual names, more rows)",
    "upgrade-again": "upgrade, downgrade, then upgrade again reaches the target schema",
}


class MigrationExercise(Exercise):
    """The answer is an Alembic revision script continuing a given history.

    Declared by subclasses: the history the script continues (``base_revisions``), the
    layouts before and after (``start_layout``, ``target_layout``), the revision id the
    starter uses, and how each user row should look after the upgrade.
    """

    base_revisions: ClassVar[tuple[str, ...]]
    merges: ClassVar[tuple[str, ...]] = ()
    start_layout: ClassVar[str]
    target_layout: ClassVar[str]
    compatibility_check: ClassVar[tuple[str, str] | None] = None
    database_kind: ClassVar[str] = "sqlite"

    def planned_checks(self) -> list[tuple[str, str, bool]]:
        visible = [("history", HISTORY_CHECK), *ROUND_TRIP_CHECKS.items()]
        if self.compatibility_check:
            visible.append(self.compatibility_check)
        hidden = HIDDEN_ROUND_TRIP_CHECKS.items()
        return [(n, d, False) for n, d in visible] + [(n, d, True) for n, d in hidden]

    @staticmethod
    def after_upgrade(row: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def verify_compatibility(self, database_path: Path) -> None:
        """Extra check on a copy of the upgraded database (exercises that declare one)."""
        raise NotImplementedError

    @property
    def parents(self) -> tuple[str, ...]:
        """The revisions the answer must follow: the last one, or the heads a merge joins."""
        return self.merges or (self.base_revisions[-1].split("_", 1)[0],)

    def seed_rows(self, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows seeded before the upgrade, shaped for the start layout."""
        columns = build_metadata(self.start_layout).tables["user"].columns.keys()
        rows = []
        for number, user in enumerate(users):
            row = {"id": user["id"], "username": user["username"], "email": user["email"]}
            if "password_hash" in columns:
                row["password_hash"] = None if number % 3 == 0 else f"hash-{user['id']}"
            if "bio" in columns:
                row["bio"] = None if number % 4 == 1 else f"{user['username']} writes here"
            rows.append(row)
        return rows

    def run_checks(self, checks, source, scratch, session, *, hidden) -> None:
        structure = self.script_structure(source)
        location, answer_file = self.prepare_scripts(source, scratch)
        run = MigrationRun(session, location, answer_file, structure["revision"])
        history_ok = checks.run(
            "history", HISTORY_CHECK, lambda: self.verify_history(structure, run)
        )
        if not history_ok:
            skipped = [*ROUND_TRIP_CHECKS.items(), *filter(None, [self.compatibility_check])]
            for name, description in skipped:
                checks.skip(name, description, "needs a correct history")
            for name, description in HIDDEN_ROUND_TRIP_CHECKS.items() if hidden else ():
                checks.skip(name, description, "needs a correct history", hidden=True)
            return
        self.visible_round_trip(checks, run, scratch)
        if hidden:
            self.hidden_round_trip(checks, run, scratch)

    def visible_round_trip(self, checks: Checks, run: MigrationRun, scratch: Path) -> None:
        """Upgrade and downgrade the sample users, checking schema and rows after each."""
        rows = self.seed_rows(VISIBLE_USERS)
        db = self.seeded_database(scratch, rows, tag="visible")

        def check(name: str, verify: Callable[[], None]) -> None:
            checks.run(name, ROUND_TRIP_CHECKS[name], verify)

        self.migrate(run, db, "upgrade", run.revision)
        check("upgrade-schema", lambda: self.verify_schema(db, "upgrade", run.revision))
        expected = [self.after_upgrade(dict(r)) for r in rows]
        check("upgrade-data", lambda: compare_rows("after upgrade", expected, user_rows(db)))
        if self.compatibility_check:
            copy = scratch / "compatibility.db"
            shutil.copy(db.removeprefix("sqlite:///"), copy)
            name, description = self.compatibility_check
            checks.run(name, description, lambda: self.verify_compatibility(copy))
        self.migrate(run, db, "downgrade", self.parents[0])
        check("downgrade-schema", lambda: self.verify_schema(db, "downgrade", None))
        check("downgrade-data", lambda: compare_rows("after downgrade", rows, user_rows(db)))

    def hidden_round_trip(self, checks: Checks, run: MigrationRun, scratch: Path) -> None:
        rows = self.seed_rows(HIDDEN_USERS)
        db = self.seeded_database(scratch, rows, tag="hidden")

        def other_data() -> None:
            self.migrate(run, db, "upgrade", run.revision)
            expected = [self.after_upgrade(dict(r)) for r in rows]
            compare_rows("with other users, after upgrade", expected, user_rows(db))
            self.migrate(run, db, "downgrade", self.parents[0])
            compare_rows("with other users, after downgrade", rows, user_rows(db))

        def stairway() -> None:
            self.migrate(run, db, "upgrade", run.revision)
            self.verify_schema(db, "upgrade after a downgrade", run.revision)

        for name, verify in (("other-data", other_data), ("upgrade-again", stairway)):
            checks.run(name, HIDDEN_ROUND_TRIP_CHECKS[name], verify, hidden=True)

    def script_structure(self, source: str) -> dict[str, Any]:
        functions = module_functions(source)
        for name in ("upgrade", "downgrade"):
            if name not in functions:
                raise AnswerProblem(
                    Outcome.FAILED,
                    f"The script defines no {name}() function. Every migration needs both "
                    "upgrade() and downgrade(): Alembic calls them on upgrade and downgrade.",
                )
        values = module_assignments(source)
        revision = values.get("revision")
        if type(revision) is not str or not revision:
            raise AnswerProblem(
                Outcome.FAILED,
                "The script needs a line like revision = 'abc123def456': the revision id, "
                "as a plain string.",
            )
        return {"revision": revision, "down_revision": values.get("down_revision")}

    def prepare_scripts(self, source: str, scratch: Path) -> tuple[Path, Path]:
        location = scratch / "migrations"
        versions = location / "versions"
        versions.mkdir(parents=True)
        (location / "env.py").write_text(steps.ENV_PY)
        for name in self.base_revisions:
            shutil.copy(MIGRATIONS_DIR / name, versions / name)
        answer_file = versions / "answer.py"
        answer_file.write_text(source, encoding="utf-8")
        return location, answer_file

    def verify_history(self, structure: dict[str, Any], run: MigrationRun) -> None:
        down = structure["down_revision"]
        named = set(down) if isinstance(down, (tuple, list)) else {down}
        if self.merges and named != set(self.merges):
            raise CheckFailed(
                f"down_revision is {down!r}, but a merge must name both heads it joins: "
                f"down_revision = {self.merges!r}."
            )
        if not self.merges and down != self.parents[0]:
            raise CheckFailed(
                f"down_revision is {down!r}, but this migration comes right after the last "
                f"one, {self.parents[0]!r}: set down_revision = {self.parents[0]!r}."
            )
        if structure["revision"] in {name.split("_", 1)[0] for name in self.base_revisions}:
            raise CheckFailed(
                f"revision {structure['revision']!r} is already the id of an earlier "
                "migration; give this one an id of its own."
            )
        facts = self.run_step(
            run.session,
            "history",
            str(run.location),
            str(run.answer_file),
            what="Loading the script",
        )
        heads = facts.get("heads")
        if heads != [structure["revision"]]:
            raise CheckFailed(
                f"the history should have one head, {structure['revision']!r}; it has {heads!r}."
            )

    def migrate(self, run: MigrationRun, db: str, direction: str, target: str) -> None:
        self.run_step(
            run.session,
            "migrate",
            str(run.location),
            db,
            direction,
            target,
            str(run.answer_file),
            what=f"Your {direction}()",
        )

    def verify_schema(self, db: str, when: str, revision: str | None) -> None:
        layout = self.target_layout if revision else self.start_layout
        expected_version = [revision] if revision else sorted(self.parents)
        differences = schema_differences(db, layout) + enum_type_differences(db, layout)
        if differences:
            raise CheckFailed(f"after {when}, " + "; ".join(differences) + ".")
        version = database_version(db)
        if version != expected_version:
            raise CheckFailed(
                f"after {when}, alembic_version holds {version!r} instead of {expected_version!r}."
            )

    def seeded_database(self, scratch: Path, rows: list[dict[str, Any]], tag: str) -> str:
        """A database at the base revision holding ``rows``, built from trusted scripts only.

        Returns its URL: a SQLite file in ``scratch`` (built once per process and tag, then
        copied), or a new database on a PostgreSQL server for exercises about PostgreSQL.
        """
        if self.database_kind == "postgresql":
            url = postgres.scratch_schema()
            self.seed(scratch, url, rows, tag)
            return url
        path = scratch / f"{tag}.db"
        key = (self.id, tag)
        if key in SEEDED_SQLITE_FILES:
            path.write_bytes(SEEDED_SQLITE_FILES[key])
        else:
            self.seed(scratch, f"sqlite:///{path}", rows, tag)
            SEEDED_SQLITE_FILES[key] = path.read_bytes()
        return f"sqlite:///{path}"

    def seed(self, scratch: Path, url: str, rows: list[dict[str, Any]], tag: str) -> None:
        """Upgrade an empty database through the base revisions, then insert ``rows``."""
        base = scratch / f"base-{tag}"
        versions = base / "versions"
        versions.mkdir(parents=True)
        (base / "env.py").write_text(steps.ENV_PY)
        for name in self.base_revisions:
            shutil.copy(MIGRATIONS_DIR / name, versions / name)
        command.upgrade(steps.alembic_config(str(base), url), "heads")
        engine = create_engine(url, poolclass=NullPool)
        table = build_metadata(self.start_layout).tables["user"]
        with engine.begin() as connection:
            connection.execute(insert(table), rows)
        engine.dispose()
