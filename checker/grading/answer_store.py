"""The learner's answer store: every version of every answer, and which one is current.

An ``%%answer`` cell saves through ``AnswerStore.save``; ``check()``, ``progress()``,
``handin()`` and grading read the current answer. Nothing a course action does can lose an
answer: a cell still holding the starter is never saved, a cell identical to a version
already saved never replaces the current one, and every version ever saved is kept, so a
learner can list them and make an earlier one current again (``restore``).

In the store's folder (``workspace/answers/`` of the course)::

    <id>.py                    the current answer: what check() judges and grading reads
    <id>.json                  which version it is, and why it is current
    versions/<id>/0001.py      every version, in the order saved
    versions/<id>/0001.json    when, and from which notebook, it was saved

A version's file is created exclusively, so two kernels saving at once each get a version
of their own; the current answer and its record are replaced atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from ..judge.kinds.base import same_code

SAVED = "saved"
RESTORED = "restored"
Action = Literal["saved", "starter", "unchanged", "known"]


class StoreError(LookupError):
    """A version that does not exist, or an answer never saved; the message says which."""


@dataclass(frozen=True)
class Version:
    """One saved version of an answer: its number, when and where it was saved."""

    number: int
    saved: str
    notebook: str

    def describe(self) -> str:
        """``version 2, saved 2026-12-05 10:31:02 from exercises/03_...ipynb``."""
        where = f" from {self.notebook}" if self.notebook else ""
        return f"version {self.number}, saved {shown_time(self.saved)}{where}"


@dataclass(frozen=True)
class Current:
    """The current answer: which version it is, why (saved last, or restored), and when."""

    version: Version
    why: str
    at: str
    latest: int

    def describe(self) -> str:
        """What the learner (and the instructor) reads about which answer counts."""
        text = self.version.describe()
        if self.why == RESTORED:
            text += f", made current again on {shown_time(self.at)}"
        if self.latest > self.version.number:
            text += f"; version {self.latest} is newer"
        return text


@dataclass(frozen=True)
class SaveResult:
    """What saving a cell did: ``action`` says whether a version was added, and why not."""

    action: Action
    version: Version | None
    current: Current | None


def now() -> str:
    """The time, in UTC, as the store records it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def shown_time(recorded: str) -> str:
    """A recorded time as a learner reads it, in the machine's local time."""
    try:
        moment = datetime.fromisoformat(recorded)
    except (TypeError, ValueError):
        return str(recorded)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def same_text(first: str, second: str) -> bool:
    """Whether two answers are the same text, trailing spaces and blank lines aside."""

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n")]

    return lines(first) == lines(second)


class AnswerStore:
    """The answers of one course folder's store, ``folder`` (``workspace/answers``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def answer_path(self, exercise_id: str) -> Path:
        """The current answer's file, which ``check()`` and grading read."""
        return self.folder / f"{exercise_id}.py"

    def versions(self, exercise_id: str) -> list[Version]:
        """Every version saved, oldest first."""
        found = []
        for path in sorted(self._versions_dir(exercise_id).glob("[0-9]*.py")):
            record = read_json(path.with_suffix(".json"))
            saved, notebook = str(record.get("saved", "")), str(record.get("notebook", ""))
            found.append(Version(int(path.stem), saved, notebook))
        return found

    def source(self, exercise_id: str, number: int) -> str:
        """The text of version ``number``."""
        path = self._versions_dir(exercise_id) / f"{number:04d}.py"
        if not path.is_file():
            raise StoreError(self._no_version(exercise_id, number))
        return path.read_text(encoding="utf-8")

    def matching(self, exercise_id: str, text: str) -> Version | None:
        """The version holding the same text as ``text``, if one was saved."""
        for version in self.versions(exercise_id):
            if same_text(text, self.source(exercise_id, version.number)):
                return version
        return None

    def current(self, exercise_id: str) -> Current | None:
        """The current answer's version and why it is current; None when nothing is saved.

        A current answer the store did not write (an older course's store, or a file edited
        by hand) is first kept as a version of its own.
        """
        self._adopt_unversioned(exercise_id)
        record = read_json(self.folder / f"{exercise_id}.json")
        versions = {version.number: version for version in self.versions(exercise_id)}
        number = record.get("version")
        if type(number) is not int or number not in versions:
            return None
        why, at = str(record.get("why", SAVED)), str(record.get("at", ""))
        return Current(versions[number], why, at, max(versions))

    def save(self, exercise_id: str, source: str, starter: str, notebook: str = "") -> SaveResult:
        """Save a cell's text as a new version and make it current, unless it is the starter
        or the same text as a version already saved (then nothing changes)."""
        current = self.current(exercise_id)
        if same_code(source, starter) or not source.strip():
            return SaveResult("starter", None, current)
        known = self.matching(exercise_id, source)
        if known is not None:
            unchanged = current is not None and known.number == current.version.number
            return SaveResult("unchanged" if unchanged else "known", known, current)
        version = self._add_version(exercise_id, source, now(), notebook)
        self._make_current(exercise_id, version, SAVED, version.saved)
        return SaveResult("saved", version, self.current(exercise_id))

    def restore(self, exercise_id: str, number: int) -> Current:
        """Make version ``number`` the current answer again (no version is removed)."""
        self.current(exercise_id)
        source = self.source(exercise_id, number)
        version = next(v for v in self.versions(exercise_id) if v.number == number)
        self._make_current(exercise_id, version, RESTORED, now(), source)
        restored = self.current(exercise_id)
        assert restored is not None
        return restored

    def _versions_dir(self, exercise_id: str) -> Path:
        return self.folder / "versions" / exercise_id

    def _no_version(self, exercise_id: str, number: int) -> str:
        numbers = [v.number for v in self.versions(exercise_id)]
        if not numbers:
            return f"no answer to {exercise_id} has been saved yet"
        return f"{exercise_id} has no version {number}; its versions are 1 to {max(numbers)}"

    def _add_version(self, exercise_id: str, source: str, saved: str, notebook: str) -> Version:
        folder = self._versions_dir(exercise_id)
        folder.mkdir(parents=True, exist_ok=True)
        number = max((v.number for v in self.versions(exercise_id)), default=0) + 1
        while True:
            path = folder / f"{number:04d}.py"
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                number += 1
                continue
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(source)
            write_atomically(path.with_suffix(".json"), {"saved": saved, "notebook": notebook})
            return Version(number, saved, notebook)

    def _make_current(
        self, exercise_id: str, version: Version, why: str, at: str, source: str | None = None
    ) -> None:
        text = source if source is not None else self.source(exercise_id, version.number)
        record = {
            "exercise": exercise_id,
            "version": version.number,
            "why": why,
            "at": at,
            "saved": version.saved,
            "notebook": version.notebook,
            "versions": max(v.number for v in self.versions(exercise_id)),
        }
        write_atomically(self.answer_path(exercise_id), text)
        write_atomically(self.folder / f"{exercise_id}.json", record)

    def _adopt_unversioned(self, exercise_id: str) -> None:
        """Keep a current answer the store did not write as a version of its own."""
        path = self.answer_path(exercise_id)
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8", errors="replace")
        record = read_json(self.folder / f"{exercise_id}.json")
        match = self.matching(exercise_id, text)
        if match is not None and match.number == record.get("version"):
            return
        if match is None:
            saved = str(record.get("saved") or modified_time(path))
            match = self._add_version(exercise_id, text, saved, str(record.get("notebook", "")))
        self._make_current(exercise_id, match, SAVED, match.saved, text)


def course_store(course: Path) -> AnswerStore:
    """The answer store of a learner's course folder."""
    return AnswerStore(Path(course) / "workspace" / "answers")


def modified_time(path: Path) -> str:
    """A file's modification time, as the store records times."""
    moment = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    return moment.isoformat(timespec="seconds")


def read_json(path: Path) -> dict:
    """A small JSON record; an absent or unreadable one is empty."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def write_atomically(path: Path, content: str | dict) -> None:
    """Replace a file at once: a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
