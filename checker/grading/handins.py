"""Hand-ins: a learner packs exactly what grading reads into ``<learner>.zip``, and the
grader unpacks a folder of them, safely, next to learner folders.

Packing reads the learner's course folder with the grader's own reader
(``submission.read_submission``), so the archive holds the same files grading would take
from the folder, and nothing else. Unpacking trusts nothing in an archive: only the paths
grading reads are taken (no absolute path, no ``..``, no link, no special file), each
within grading's size limits, with a bound on the archive, its entries and their total
size. An archive that breaks a rule is not read at all; the learner's feedback says why.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..course import Course
from ..judge.answers import MAX_NOTEBOOK_BYTES
from . import canvas
from .answer_choice import ANSWER_STORES
from .names import LEARNER_NAME, look_alike_names, name_problem
from .submission import (
    PROGRESS_STORES,
    LearnerFolder,
    answer_notebooks,
    read_submission,
)

COPY_SUFFIX = re.compile(r"(?P<learner>.+) \((?P<number>[0-9]{1,4})\)")
MAX_ARCHIVE_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 128 * 2**20
CHUNK = 2**16
# What reading a damaged archive can raise: its structure, its compressed data (deflate, bzip2,
# lzma), a name flagged UTF-8 that is not. A learner controls all of them.
UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error,
              lzma.LZMAError, OSError, UnicodeDecodeError, ValueError, RuntimeError)  # fmt: skip
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


class HandinError(ValueError):
    """A hand-in that cannot be made or read; the message says why."""


def graded_paths(course: Course) -> set[str]:
    """Every path, relative to a learner's folder, that grading may read."""
    paths = set(answer_notebooks(course))
    for store in ANSWER_STORES:
        paths |= {
            f"{store}/{exercise_id}{suffix}"
            for exercise_id in course.exercises
            for suffix in (".py", ".json")
        }
    for store in PROGRESS_STORES:
        paths |= {f"{store}/{question_id}.json" for question_id in course.questions}
    return paths


def require_learner_name(name: str) -> str:
    """A learner's name, usable as a file and folder name on every system."""
    if not LEARNER_NAME.fullmatch(name):
        raise HandinError(
            f"{name!r} cannot name a hand-in: use letters, digits and . _ @ + - "
            "(at most 100, starting with a letter or digit)"
        )
    return name


def pack(course: Course, folder: Path, learner: str, destination: Path) -> tuple[Path, list[str]]:
    """Write ``<learner>.zip`` into ``destination`` with every file grading reads from the
    course folder; returns the archive and what grading would refuse (links and the like)."""
    require_learner_name(learner)
    submission = read_submission(course, Path(folder))
    learner_folder = LearnerFolder(Path(folder))
    destination.mkdir(parents=True, exist_ok=True)
    archive = destination / f"{learner}.zip"
    partial = destination / f".{learner}.zip.partial"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for relative in sorted(submission.files):
            data = learner_folder.read(relative, MAX_NOTEBOOK_BYTES)
            if data is None:
                continue
            modified = time.localtime(learner_folder.mtimes[relative])[:6]
            entry = zipfile.ZipInfo(relative, date_time=max(modified, ZIP_EPOCH))
            entry.external_attr = (stat.S_IFREG | 0o644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            packed.writestr(entry, data)
    partial.replace(archive)
    return archive, submission.refused


@dataclass
class Unpacked:
    """Submissions as one folder of learner folders, and what unpacking had to say: notes
    on a learner's record, warnings for the instructor about names left out, and for each
    learner graded from an archive, where it came from (``handin`` of their record)."""

    folder: Path
    notes: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    handed_in: dict[str, dict[str, Any]] = field(default_factory=dict)


def archive_learner(archive: Path) -> tuple[str, int] | None:
    """The learner a hand-in is of, and which copy it is: ``ben.zip`` is ben's first,
    ``ben (2).zip`` (as LMS bulk downloads name resubmissions) the third; None when the
    name names no learner."""
    stem = archive.name[: -len(".zip")]
    copy = COPY_SUFFIX.fullmatch(stem)
    learner, number = (copy["learner"], int(copy["number"])) if copy else (stem, 0)
    return (learner, number) if LEARNER_NAME.fullmatch(learner) else None


@contextlib.contextmanager
def unpacked(
    course: Course, submissions: Path, canvas_ids: dict[str, str] | None = None
) -> Iterator[Unpacked]:
    """``submissions`` as a folder of learner folders: itself when it holds no archive and
    no folder whose name cannot be written; otherwise a private temporary folder with the
    learner folders linked and the latest hand-in of each learner unpacked, removed
    afterwards. ``submissions`` may also be Canvas's bulk download (its zip, or a folder
    of its files), whose Canvas user ids ``canvas_ids`` maps to learners. Names that cannot
    be graded are left out with a warning; the rest of the class is graded."""
    with contextlib.ExitStack() as stack:
        left_out: list[str] = []
        if submissions.is_file():
            bulk = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="course-bulk-")))
            try:
                left_out = canvas.extract_bulk_download(submissions, bulk, MAX_ARCHIVE_BYTES)
            except canvas.BulkDownloadError as error:
                raise HandinError(str(error)) from None
            submissions = bulk
        result = stack.enter_context(_unpacked_folder(course, submissions, canvas_ids or {}))
        result.warnings += left_out
        yield result


@contextlib.contextmanager
def _unpacked_folder(
    course: Course, submissions: Path, canvas_ids: dict[str, str]
) -> Iterator[Unpacked]:
    """A folder of learner folders and hand-ins (or Canvas's files) as learner folders."""
    visible = [p for p in submissions.iterdir() if not p.name.startswith((".", "_"))]
    folders = [p for p in visible if p.is_dir()]
    from_canvas = [r for p in visible if p.is_file() and (r := canvas.canvas_readings(p))]
    in_canvas = {readings[0].path for readings in from_canvas}
    archives = sorted(
        p for p in visible if p.suffix == ".zip" and p.is_file() and p not in in_canvas
    )
    unnamed = {folder.name: problem for folder in folders if (problem := name_problem(folder.name))}
    alike = look_alike_names([folder.name for folder in folders if folder.name not in unnamed])
    if not archives and not unnamed and not from_canvas:
        yield Unpacked(submissions, warnings=alike)
        return
    with tempfile.TemporaryDirectory(prefix="course-handins-") as temporary:
        root = Path(temporary)
        result = Unpacked(root, warnings=alike)
        for name, problem in unnamed.items():
            result.warnings.append(f"Folder {name!r} was not graded: {problem}; rename it.")
        for path in folders:
            if path.name not in unnamed:
                (root / path.name).symlink_to(path, target_is_directory=True)
        chosen = _latest_handins(archives, result.warnings)
        chosen |= canvas.handins(
            from_canvas, canvas_ids, set(chosen), result.warnings, result.notes
        )
        for learner, (archive, about) in sorted(chosen.items()):
            if (root / learner).exists():
                name = about["file"]
                result.warnings.append(
                    f"{learner} has both a folder and {name}: the folder was graded."
                )
                result.notes[learner] = [f"{name} was not read: the folder was graded."]
                continue
            target = root / learner
            target.mkdir()
            result.handed_in[learner] = about
            if archive is None:
                continue
            try:
                about["learner_clock"] = unpack(course, archive, target)
            except HandinError as refusal:
                shutil.rmtree(target)
                target.mkdir()
                result.notes.setdefault(learner, []).append(
                    f"{archive.name} was not read: {refusal}"
                )
        yield result


def _latest_handins(
    archives: list[Path], warnings: list[str]
) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each learner's latest hand-in by its name (``ben.zip``, ``ben (2).zip``); archives
    named for no learner are left out with a warning."""
    found: dict[str, list[tuple[int, Path]]] = {}
    for archive in archives:
        named = archive_learner(archive)
        if named is None:
            warnings.append(
                f"{archive.name} was not graded: its name is not a learner's (letters, digits "
                "and . _ @ + -, as <learner>.zip or <learner> (N).zip); rename it."
            )
            continue
        found.setdefault(named[0], []).append((named[1], archive))
    latest = {}
    for learner, copies in found.items():
        copies.sort()
        archive = copies[-1][1]
        if len(copies) > 1 or archive.name != f"{learner}.zip":
            others = ", ".join(copy.name for _, copy in copies[:-1])
            warnings.append(
                f"{archive.name} was graded as {learner}'s hand-in"
                + (f", the latest of theirs (not {others})." if others else ".")
            )
        latest[learner] = (archive, {"file": archive.name})
    return latest


def unpack(course: Course, archive: Path, target: Path) -> str:
    """Unpack a hand-in into ``target``, or refuse it whole (``HandinError``); returns the
    newest time written inside it, by the learner's own clock (shown, never trusted)."""
    if archive.is_symlink() or not archive.is_file():
        raise HandinError("not a regular file")
    if archive.stat().st_size > MAX_ARCHIVE_BYTES:
        raise HandinError(f"larger than {MAX_ARCHIVE_BYTES // 2**20} MB")
    allowed = graded_paths(course)
    try:
        with zipfile.ZipFile(archive) as packed:
            entries = packed.infolist()
            if len(entries) > len(allowed):
                raise HandinError(f"{len(entries)} entries; a hand-in holds at most {len(allowed)}")
            total = 0
            for entry in entries:
                total += extract(packed, entry, target, allowed, MAX_TOTAL_BYTES - total)
            newest = max((entry.date_time for entry in entries), default=None)
    except HandinError:
        raise
    except UNREADABLE as error:
        raise HandinError(f"not a readable zip archive ({type(error).__name__})") from None
    return "{:04}-{:02}-{:02} {:02}:{:02}:{:02}".format(*newest) if newest else ""


def extract(
    packed: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path, allowed: set[str], room: int
) -> int:
    """Extract one entry (a file grading reads, within the limits); returns its size."""
    name = entry.filename
    mode = entry.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise HandinError(f"{name!r} is a link")
    if entry.is_dir():
        folders = {p.rsplit("/", depth)[0] + "/" for p in allowed for depth in (1, 2, 3)}
        if name not in folders:
            raise HandinError(f"{name!r} is not part of a hand-in")
        return 0
    if name not in allowed:
        raise HandinError(f"{name!r} is not part of a hand-in (only what grading reads is)")
    if entry.flag_bits & 0x1:
        raise HandinError(f"{name!r} is encrypted")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # 0: made where files have no mode
        raise HandinError(f"{name!r} is not a regular file")
    limit = min(MAX_NOTEBOOK_BYTES, room)
    path = target / name
    if path.exists():
        raise HandinError(f"{name!r} is in the archive twice")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with packed.open(entry) as source, path.open("wb") as copy:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise HandinError(f"{name!r} unpacks to more than {limit // 2**20} MB")
            copy.write(chunk)
    modified = time.mktime((*entry.date_time, 0, 0, -1))
    os.utime(path, (modified, modified))
    return written
