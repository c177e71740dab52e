"""The frame every exercise kind shares: declared attributes, answer files, judging an answer.

An exercise is answered by one Python file (a migration script, or a module). Judging
never trusts that file: it reads it as text, runs it only inside the sandbox on scratch
copies of a seeded database, and inspects what it did from the checker's own process.
"""

from __future__ import annotations

import ast
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from ...db import postgres_scratch
from .. import sandbox
from ..answers import read_answer
from ..checks import Check, Checks, declared_checks, require_known_needs, with_points
from ..inspection import dispose_inspection_engines
from ..outcomes import TOO_DEEP, AnswerProblem, CheckResult, Outcome, Report, Status
from ..scratch import ScratchTampered

STEPS_MODULE = "checker.judge.inside"
MAX_ERROR_CHARACTERS = 300
MAX_FRAMES = 5


class SolutionNotShipped(LookupError):
    """This copy of the course was released without solutions."""


class Exercise:
    """What every exercise declares, and the common frame of judging an answer.

    ``files`` is the folder holding ``starters/<id>.py`` and ``solutions/<id>.py``;
    ``points`` weights some checks otherwise than one point each; ``forbidden_imports``
    names modules the answer may not import, with the reason the learner is told.
    ``practice`` says why an exercise is practice, not counted in grading unless the
    instructor's settings name it: its answer is in a lesson or a shipped file for anyone
    to copy. Empty for an exercise that counts.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    task: ClassVar[str]
    hints: ClassVar[tuple[str, ...]]
    files: ClassVar[Path]
    points: ClassVar[dict[str, int]] = {}
    timeout: ClassVar[float] = 10.0
    forbidden_imports: ClassVar[dict[str, str]] = {}
    practice: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A declared check's ``needs`` and ``after`` must name checks that exist."""
        super().__init_subclass__(**kwargs)
        checks = declared_checks(cls)
        require_known_needs(cls.__name__, checks)
        with_points(checks, cls.points)

    @property
    def starter(self) -> str:
        """The code the learner starts from."""
        return (self.files / "starters" / f"{self.id}.py").read_text(encoding="utf-8")

    @property
    def solution(self) -> str:
        """A complete answer that passes every check (``SolutionNotShipped`` if absent)."""
        path = self.files / "solutions" / f"{self.id}.py"
        if not path.is_file():
            raise SolutionNotShipped(f"the solution of {self.id} is not part of this release")
        return path.read_text(encoding="utf-8")

    def checks(self) -> list[Check]:
        """Every check judging may run, hidden ones included, in the order they run."""
        return with_points(declared_checks(type(self)), self.points)

    @property
    def max_points(self) -> int:
        """Points at grading: the points of every check, hidden checks included."""
        return sum(check.points for check in self.checks())

    @property
    def hidden_checks(self) -> int:
        """How many checks run only at grading."""
        return sum(check.hidden for check in self.checks())

    def judge_file(
        self,
        answer: Path,
        *,
        hidden: bool = False,
        timeout: float | None = None,
        launcher: sandbox.Launcher = sandbox.IN_PROCESS,
    ) -> Report:
        """Judge the answer saved in a file; ``hidden`` adds the checks run only at grading."""
        try:
            source = read_answer(answer)
        except AnswerProblem as problem:
            return self.problem_report(problem, [], hidden=hidden, duration=0.0)
        return self.judge(source, hidden=hidden, timeout=timeout, launcher=launcher)

    def judge(
        self,
        source: str,
        *,
        hidden: bool = False,
        timeout: float | None = None,
        until_failure: bool = False,
        launcher: sandbox.Launcher = sandbox.IN_PROCESS,
    ) -> Report:
        """Judge an answer given as source text; learner code may run ``timeout`` s per step
        in a child ``launcher`` starts (isolated at grading). ``until_failure`` stops at the
        first failed check (the rest are left out)."""
        started = time.perf_counter()
        checks = Checks()
        try:
            if not source.strip():
                raise AnswerProblem(Outcome.NOT_ATTEMPTED, "No answer yet: the answer is empty.")
            if same_code(source, self.starter):
                raise AnswerProblem(
                    Outcome.NOT_ATTEMPTED, "Not attempted yet: the answer is still the starter."
                )
            require_valid_syntax(source)
            planned = [check for check in self.checks() if hidden or not check.hidden]
            with (
                tempfile.TemporaryDirectory(prefix="migrations-check-") as folder,
                contextlib.ExitStack() as open_sockets,
            ):
                limits = {
                    "timeout": timeout or self.timeout,
                    "sockets": self.sandbox_sockets(open_sockets, launcher),
                    "forbidden_imports": self.forbidden_imports,
                }
                try:
                    with sandbox.Session(launcher, **limits) as session:
                        trial = self.prepare(source, Path(folder), session)
                        checks.run_all(
                            planned,
                            lambda check: self.run_check_safely(check, trial),
                            until_failure=until_failure,
                        )
                finally:
                    dispose_inspection_engines()
                    postgres_scratch.drop_all()
        except AnswerProblem as problem:
            duration = time.perf_counter() - started
            return self.problem_report(problem, checks.results, hidden=hidden, duration=duration)
        report = summarise(self.id, checks.results)
        report.hidden_not_run = 0 if hidden else self.hidden_checks
        report.duration = time.perf_counter() - started
        return report

    def sandbox_sockets(
        self, open_sockets: contextlib.ExitStack, launcher: sandbox.Launcher
    ) -> tuple[tuple[str, str], ...]:
        """Unix sockets (host path, path in the child) the child ``launcher`` starts may
        connect to; what serves them is entered on ``open_sockets`` and closed with the check."""
        return ()

    def prepare(self, source: str, private: Path, session: sandbox.Session) -> Any:
        """Set up what this kind's checks work on (the trial).

        Learner code runs only through ``session``, a sandboxed child whose scratch folder
        the checker reaches through ``session.scratch``; ``private`` is the checker's own.
        """
        raise NotImplementedError

    def run_check(self, check: Check, trial: Any) -> None:
        """Run one declared check on the trial; it raises ``CheckFailed`` when not met."""
        getattr(self, check.method)(trial)

    def run_check_safely(self, check: Check, trial: Any) -> None:
        """Run a check; a scratch folder the learner's code tampered with stops the answer."""
        try:
            self.run_check(check, trial)
        except ScratchTampered as tampering:
            raise AnswerProblem(
                Outcome.ERROR,
                f"The answer's code tampered with the checker's scratch files: {tampering}.",
            ) from None

    def problem_report(
        self, problem: AnswerProblem, results: list[CheckResult], *, hidden: bool, duration: float
    ) -> Report:
        """The report of an answer a problem stopped: the checks it reached, and why."""
        return Report(
            self.id,
            problem.outcome,
            problem.message,
            results,
            detail=problem.detail,
            hidden_not_run=0 if hidden else self.hidden_checks,
            duration=duration,
        )

    def run_step(
        self, session: sandbox.Session, step: str, *args: Any, what: str, source: str
    ) -> dict[str, Any]:
        """Run a step of ``checker.judge.inside`` in the sandbox; learner trouble is a problem.

        An error is shown with the lines of ``source`` (the answer as the checker has it) that
        the child names; only the error's own text comes from the child.
        """
        result = session.call(f"{STEPS_MODULE}:{step}", *args)
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
                Outcome.ERROR,
                f"{what} raised an error.",
                format_learner_error(result.value, source.splitlines()),
            )
        return result.value


def summarise(exercise_id: str, results: list[CheckResult]) -> Report:
    """The outcome of an answer whose checks all ran (or were skipped for a failure)."""
    failed = [r for r in results if r.status is Status.FAILED]
    not_run = [r for r in results if r.status is Status.NOT_RUN]
    if failed:
        message = f"{len(failed)} of {len(results)} checks failed."
        if not_run:
            message += f" {len(not_run)} could not run because of an earlier failure."
        return Report(exercise_id, Outcome.FAILED, message, results)
    return Report(exercise_id, Outcome.PASSED, f"All {len(results)} checks passed.", results)


def same_code(source: str, starter: str) -> bool:
    """Whether two sources are the same program (comments and layout aside)."""
    try:
        return ast.dump(ast.parse(source)) == ast.dump(ast.parse(starter))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # no program, or too deep
        return False


def require_valid_syntax(source: str) -> None:
    """Raise an error outcome naming the line when ``source`` is not valid Python."""
    try:
        compile(source, "answer.py", "exec")
    except (RecursionError, MemoryError):
        raise AnswerProblem(Outcome.ERROR, TOO_DEEP) from None
    except SyntaxError as error:
        line = f"line {error.lineno}: " if error.lineno else ""
        code = (error.text or "").rstrip()
        raise AnswerProblem(
            Outcome.ERROR,
            f"The answer has a syntax error: {line}{error.msg}.",
            f"    {code}" if code else "",
        ) from None


def format_learner_error(described: dict[str, Any], source: list[str]) -> str:
    """Render what ``inside.describe_error`` reported: the error's first line (cut short),
    then where in the answer, each line quoted from ``source``, never from the child."""
    error = " ".join(str(described.get("error", "unknown error")).split())
    lines = [error if len(error) <= MAX_ERROR_CHARACTERS else error[:MAX_ERROR_CHARACTERS] + "..."]
    frames = described.get("frames") if isinstance(described.get("frames"), list) else []
    for frame in frames[:MAX_FRAMES]:
        if not isinstance(frame, dict) or type(frame.get("line")) is not int:
            continue
        number, function = frame["line"], frame.get("function")
        where = f"  line {number}"
        if isinstance(function, str) and function.isidentifier():
            where += f", in {function}()"
        lines.append(where)
        if 1 <= number <= len(source) and source[number - 1].strip():
            lines.append(f"    {source[number - 1].strip()[:MAX_ERROR_CHARACTERS]}")
    return "\n".join(lines)
