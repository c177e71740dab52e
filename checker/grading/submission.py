"""Reading one learner's folder, once, strictly, and never changing a file.

A learner's folder is a copy of their course folder. Only the files the course itself
names are read: the notebooks that invite answers (``notebooks/<lesson>.ipynb`` for the
Challenge, ``exercises/<lesson>_exercises.ipynb``), the answers the ``%%answer`` cells
saved (``workspace/answers/<id>.py``) and the saved quiz answers
(``workspace/progress/<question>.json``); the stores' older places under ``notebooks/``
and ``exercises/`` are read too. Nothing below the
learner's folder may be a symbolic link or a file hard-linked elsewhere (a learner could
point it at the solutions or at a classmate's work); what is refused, and why, is noted
for the feedback. Each file is read and parsed once, within size limits.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..course import Course
from ..judge.answers import (
    MAX_NOTEBOOK_BYTES,
    answer_cells,
    is_unicode,
    parse_notebook,
)
from ..judge.outcomes import AnswerProblem
from .answer_choice import MAX_RECORD_BYTES, Answer, find_answer

PROGRESS_STORES = (
    "workspace/progress",
    "notebooks/workspace/progress",
    "exercises/workspace/progress",
)
MAX_CHOICES = 1000  # the most items a saved answer's list may have
LEARNER_FOLDER_PARTS = ("workspace", "notebooks", "exercises")  # a course folder's top


def not_a_class(folder: Path) -> str | None:
    """Why a folder given as the class is not one, or None: it holds the parts of a
    single course folder at its top (one learner's folder, an unpacked hand-in, or the
    course's own checkout), whose subfolders would each be graded as a learner."""
    found = [name for name in LEARNER_FOLDER_PARTS if (folder / name).is_dir()]
    if not found:
        return None
    if (folder / "pyproject.toml").is_file():
        what = "the course's own folder"
    else:
        what = "one learner's course folder or an unpacked hand-in"
    return (
        f"{folder} looks like {what} (it holds {', '.join(f'{n}/' for n in found)}), not a "
        f"class: give the folder that holds every learner's folder or hand-in"
        + ("" if what.startswith("the course") else f" (perhaps {folder.parent})")
    )


class Refused(Exception):
    """A file or folder grading will not read: its path in the learner's folder, and why."""


@dataclass
class Submission:
    """Everything grading takes from one learner's folder: answers by exercise id, saved
    quiz answers (or why one could not be read) by question id, what was refused, and
    every file read (a hand-in packs exactly these)."""

    answers: dict[str, Answer]
    quiz_answers: dict[str, Any]
    quiz_problems: dict[str, str]
    refused: list[str]
    hard_links: dict[str, tuple[int, int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class LearnerFolder:
    """A learner's folder, read through descriptors without following any link below it.

    The folder itself may be a link (an instructor may collect submissions that way).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.refused: list[str] = []
        self.hard_links: dict[str, tuple[int, int]] = {}
        self.mtimes: dict[str, float] = {}

    def read(self, relative: str, limit: int) -> bytes | None:
        """The bytes of a regular file, None when absent; refused files are noted, None.

        A refused folder is noted once, by its own path (``notebooks/``).
        """
        try:
            return self._read(relative, limit)
        except Refused as refusal:
            path, reason = refusal.args
            if f"{path}: {reason}" not in self.refused:
                self.refused.append(f"{path}: {reason}")
            return None

    def _read(self, relative: str, limit: int) -> bytes | None:
        *folders, name = relative.split("/")
        current = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for depth, part in enumerate(folders):
                shown = "/".join(folders[: depth + 1]) + "/"
                following = self._open(current, part, os.O_RDONLY | os.O_DIRECTORY, shown)
                if following is None:
                    return None
                os.close(current)
                current = following
            try:  # looked at before it is opened: opening a device may act on the device
                found = os.stat(name, dir_fd=current, follow_symlinks=False)
            except FileNotFoundError:
                return None
            if not stat.S_ISREG(found.st_mode) and not stat.S_ISLNK(found.st_mode):
                raise Refused(relative, "not a regular file; not read")
            handle = self._open(current, name, os.O_RDONLY | os.O_NONBLOCK, relative)
        finally:
            os.close(current)
        if handle is None:
            return None
        with os.fdopen(handle, "rb") as stream:
            details = os.fstat(stream.fileno())
            if not stat.S_ISREG(details.st_mode):
                raise Refused(relative, "not a regular file; not read")
            if details.st_nlink > 1:
                self.hard_links[relative] = (details.st_dev, details.st_ino)
                raise Refused(relative, "a file linked from elsewhere (a hard link); not read")
            if details.st_size > limit:
                raise Refused(relative, f"larger than {limit // 2**20} MB; not read")
            self.mtimes[relative] = details.st_mtime
            return stream.read(limit + 1)

    @staticmethod
    def _open(folder: int, name: str, flags: int, shown: str) -> int | None:
        try:
            return os.open(name, flags | os.O_NOFOLLOW, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError:
            if stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode):
                raise Refused(shown, "a symbolic link; links are not followed") from None
            raise Refused(shown, "not a folder or file that can be read") from None


def shared_files(hard_links: dict[str, dict[str, tuple[int, int]]]) -> dict[str, list[str]]:
    """Notes for learners whose refused hard-linked files (path to device and inode, by
    learner) are the same file as another learner's: an instructor should look at both."""
    holders: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for learner, links in hard_links.items():
        for relative, inode in links.items():
            holders.setdefault(inode, []).append((learner, relative))
    notes: dict[str, list[str]] = {}
    for sharing in holders.values():
        for learner, relative in sharing:
            others = ", ".join(f"{o}'s {path}" for o, path in sharing if o != learner)
            if others:
                notes.setdefault(learner, []).append(f"{relative} is the same file as {others}.")
    return notes


def answer_notebooks(course: Course) -> list[str]:
    """Every notebook the course invites an answer in: each lesson (its Challenge) and each
    lesson's exercise notebook, as paths in a learner's folder."""
    names = []
    for lesson in (lesson.name for lesson in course.lessons):
        names += [f"exercises/{lesson}_exercises.ipynb", f"notebooks/{lesson}.ipynb"]
    return names


def read_submission(course: Course, learner: Path) -> Submission:
    """Read everything grading needs from a learner's folder, each file once."""
    folder = LearnerFolder(learner)
    cells: dict[str, dict[str, list[str]]] = {}  # notebook path -> answer cells by id
    problems: dict[str, AnswerProblem] = {}  # notebook path -> why it could not be read
    for relative in answer_notebooks(course):
        data = folder.read(relative, MAX_NOTEBOOK_BYTES)
        if data is None:
            continue
        try:
            cells[relative] = answer_cells(parse_notebook(data, relative), relative)
        except AnswerProblem as problem:
            problems[relative] = problem
    answers = {
        exercise_id: find_answer(course, folder, exercise_id, cells, problems)
        for exercise_id in course.exercises
    }
    quiz_answers, quiz_problems = read_quiz_answers(course, folder)
    return Submission(
        answers, quiz_answers, quiz_problems, folder.refused, folder.hard_links, list(folder.mtimes)
    )


def answer_shaped(value: Any) -> bool:
    """Whether a saved value is shallow enough to be judged: a text, a number, or a list or
    object of those (up to ``MAX_CHOICES``); the judge then says whether it fits its
    question. Anything deeper is no answer, and never travels further (a list nested a
    thousand deep cannot even be sent back from a worker), nor is text that is not Unicode
    (JSON's ``"\\ud800"`` escapes half a character)."""
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, (list, dict)):
        items = list(value.values() if isinstance(value, dict) else value)
        if len(items) > MAX_CHOICES:
            return False
    else:
        items = [value]
    return all(isinstance(item, scalar) and is_unicode(item) for item in items)


def read_quiz_answers(
    course: Course, folder: LearnerFolder
) -> tuple[dict[str, Any], dict[str, str]]:
    """The saved answer to each quiz question; a file that cannot be read costs only its
    own question (the reason is kept). Only the answer is taken, never a stored verdict."""
    found: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question_id in course.questions:
        for store in PROGRESS_STORES:
            relative = f"{store}/{question_id}.json"
            data = folder.read(relative, MAX_RECORD_BYTES)
            if data is None:
                continue
            try:
                record = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                problems.setdefault(question_id, f"{relative} is not readable JSON.")
                continue
            if (
                isinstance(record, dict)
                and record.get("question") == question_id
                and answer_shaped(record.get("answer"))
            ):
                found[question_id] = record.get("answer")
                problems.pop(question_id, None)
                break
            problems.setdefault(question_id, f"{relative} is not a saved answer to this question.")
    return found, problems
