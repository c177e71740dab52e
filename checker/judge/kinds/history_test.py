"""History-test exercises: the answer is a test of a migration history, judged by running it.

The learner writes ``test_history(config, metadata)``: a test of the history in
``config`` (an Alembic ``Config`` whose database is empty) against the models' ``metadata``.
Each case is a history the checker lays out; the test must pass on a sound one and fail on
each broken one. A test that passes everything, or fails the sound history, earns nothing:
the sound case is worth no points of its own, and the broken cases need it to pass first.

Nothing a test can read or keep tells the cases apart but the history itself: each case runs
in a child and a scratch folder of its own (a test cannot carry state from one case to the
next), its folder and database get a random name, its revisions random ids and file names, and
no docstring.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from .. import inside, sandbox
from ..checks import Check, with_points
from ..outcomes import CheckFailed
from .base import Exercise, format_learner_error

SOUND = "accepts-a-sound-history"
REVISION_ID = re.compile(r"\b[0-9a-f]{12}\b")
DOCSTRING = re.compile(r'\A""".*?"""\n', re.DOTALL)


@dataclass(frozen=True)
class HistoryCase:
    """A check: a history made of revision files, the models it should reach, and whether
    it is broken (the learner's test must then fail). ``parents`` puts a revision file
    after another revision than its own (file name, parent id, or the ids a merge joins),
    so that one file can sit at the start, in the middle, at the end or on a branch."""

    name: str
    description: str
    revisions: tuple[str, ...]
    models_layout: str
    broken: bool = True
    hidden: bool = False
    points: int = 1
    parents: tuple[tuple[str, str | tuple[str, ...]], ...] = ()

    def script(self, folder: Path, name: str, ids: dict[str, str]) -> bytes:
        """A revision file of the history, its parent changed where ``parents`` says, every
        revision id replaced as ``ids`` says and its docstring left out."""
        text = (folder / name).read_text(encoding="utf-8")
        parent = dict(self.parents).get(name)
        if parent is not None:
            text = re.sub(r"^down_revision = .*$", f"down_revision = {parent!r}", text, flags=re.M)
        text = DOCSTRING.sub("", text)
        return REVISION_ID.sub(lambda found: ids.get(found[0], found[0]), text).encode("utf-8")

    def lay_out(self, folder: Path) -> dict[str, bytes]:
        """The history's files under random revision ids: ``versions/<id>_revision.py``."""
        ids = {name.split("_", 1)[0]: secrets.token_hex(6) for name in self.revisions}
        return {
            f"versions/{ids[name.split('_', 1)[0]]}_revision.py": self.script(folder, name, ids)
            for name in self.revisions
        }


@dataclass(frozen=True)
class HistoryTrial:
    """The learner's test module, and the session whose launcher and limits each case's own
    session takes."""

    session: sandbox.Session
    source: str


class HistoryTestExercise(Exercise):
    """The answer defines ``test_history(config, metadata)``; each case is a history it runs on.

    ``cases`` are the checks, declared as data; the first must be the sound history.
    ``metadata_source`` names the function (``module:function``) that builds a layout's
    MetaData in the sandbox; ``naming_convention`` is the app's, for the histories' env.py.
    """

    function_name: ClassVar[str] = "test_history"
    cases: ClassVar[tuple[HistoryCase, ...]]
    metadata_source: ClassVar[str]
    naming_convention: ClassVar[dict[str, str]] = {}

    def checks(self) -> list[Check]:
        declared = [
            Check(c.name, c.description, c.points, c.hidden, None if c.name == SOUND else SOUND)
            for c in self.cases
        ]
        return with_points(declared, self.points)

    def prepare(self, source: str, private: Path, session: sandbox.Session) -> HistoryTrial:
        return HistoryTrial(session, source)

    def run_check(self, check: Check, trial: HistoryTrial) -> None:
        case = next(case for case in self.cases if case.name == check.name)
        with trial.session.sibling() as session:
            session.scratch.write("test_answer.py", trial.source.encode("utf-8"))
            folder = f"history_{secrets.token_hex(6)}"
            env_py = inside.env_py(self.naming_convention, self.metadata_source, case.models_layout)
            session.scratch.write(f"{folder}/env.py", env_py.encode())
            for path, script in case.lay_out(self.files / "migrations").items():
                session.scratch.write(f"{folder}/{path}", script)
            location = session.scratch.child_path(folder)
            result = self.run_step(
                session,
                "run_history_test",
                session.scratch.child_path("test_answer.py"),
                self.function_name,
                location,
                f"sqlite:///{location}.db",
                self.metadata_source,
                case.models_layout,
                what=f"Loading your {self.function_name}()",
                source=trial.source,
            )
        self.verify_case(case, result, trial.source)

    def verify_case(self, case: HistoryCase, result: dict[str, Any], source: str) -> None:
        """A sound history passes the learner's test; a broken one fails it."""
        failure = result.get("failure")
        if not case.broken and failure is not None:
            raise CheckFailed(
                f"{self.function_name}() fails on a sound history, so it would fail every build: "
                + format_learner_error(failure, source.splitlines()).replace("\n", " ")
            )
        if case.broken and failure is None:
            raise CheckFailed(
                f"{self.function_name}() passes on this history, which is broken: a test that "
                "passes here would let the broken migration through."
            )
