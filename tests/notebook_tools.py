"""Reading lesson notebooks, comparing outputs the way nbval does, and re-running lessons."""

from __future__ import annotations

import configparser
import hashlib
import os
import re
import shutil
from pathlib import Path

import nbformat
from kernel_sockets import AsyncLocalSocketKernelManager
from nbclient import NotebookClient

from checker.content.catalogue import EXERCISES
from checker.grading.answer_store import AnswerStore
from checker.judge.answers import MAGIC
from checker.notebook import COURSE_DIR_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
LESSONS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p != START_HERE)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def sanitize_patterns() -> list[tuple[re.Pattern, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def output_text(cell: nbformat.NotebookNode) -> str:
    """Everything a code cell showed, as text: streams, results and errors."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}\n")
    return "".join(parts)


def sanitized(text: str, patterns: list[tuple[re.Pattern, str]]) -> str:
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


def tree_digest(folder: Path) -> str:
    """A digest of every file under ``folder`` (caches left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def assert_reruns_twice(lesson: Path, scratch: Path) -> None:
    """Run a lesson twice in a row in a scratch copy of the course, as "Restart Kernel and
    Run All" would: both runs print what the committed notebook shows, and the course's
    ``sample_app/`` is left as it was.

    The first run saves no answer (its Challenge cell still holds the starter). Before the
    second, the learner solves the Challenge elsewhere (the exercise notebook saves the
    solution): the second run must keep that answer, say so, and check it as passed.
    """
    before = tree_digest(ROOT / "sample_app")
    copies = scratch / "notebooks"
    copies.mkdir()
    (scratch / "exercises").mkdir()
    shutil.copy(lesson, copies / lesson.name)
    patterns = sanitize_patterns()
    committed_code = [c for c in read(lesson).cells if c.cell_type == "code"]
    store = AnswerStore(scratch / "workspace" / "answers")
    challenge = challenge_cells(committed_code)
    for round_number in (1, 2):
        if round_number == 2:
            solve(store, challenge)
        fresh = nbformat.read(copies / lesson.name, as_version=4)
        NotebookClient(
            fresh,
            timeout=120,
            allow_errors=True,
            resources={"metadata": {"path": str(copies)}},
            kernel_manager_class=AsyncLocalSocketKernelManager,
        ).execute(env={k: v for k, v in os.environ.items() if k != COURSE_DIR_VARIABLE})
        fresh_code = [c for c in fresh.cells if c.cell_type == "code"]
        for index, (old, new) in enumerate(zip(committed_code, fresh_code, strict=True)):
            where = f"round {round_number}, {lesson.name}, code cell {index}"
            if round_number == 2 and index in challenge:
                assert challenge[index][1] in output_text(new), (where, output_text(new))
                continue
            assert sanitized(output_text(new), patterns) == sanitized(output_text(old), patterns), (
                where
            )
        if round_number == 1:
            assert not store.folder.exists(), "running a lesson saved an answer"
    for exercise_id, _ in challenge.values():
        if exercise_id:
            assert store.current(exercise_id).version.number == 1
            assert len(store.versions(exercise_id)) == 1
    assert (copies / "workspace" / lesson.stem).is_dir()
    assert tree_digest(ROOT / "sample_app") == before


def challenge_cells(code: list[nbformat.NotebookNode]) -> dict[int, tuple[str, str]]:
    """The lesson's ``%%answer`` cells and the check right after each: by cell index, the
    exercise id (empty for a check) and what the cell must print once the answer is solved."""
    found = {}
    for index, cell in enumerate(code):
        first = cell.source.split("\n", 1)[0]
        if first.startswith(MAGIC):
            found[index] = (first.split()[1], "Your saved answer is kept: version 1")
            found[index + 1] = ("", "passed")
    return found


def solve(store: AnswerStore, challenge: dict[int, tuple[str, str]]) -> None:
    """Save each Challenge exercise's solution, as the exercise notebook would."""
    for exercise_id, _ in challenge.values():
        if exercise_id:
            exercise = EXERCISES[exercise_id]
            store.save(exercise_id, exercise.solution, exercise.starter, "exercises/solved.ipynb")
