"""What one learner uploaded to a grading engine, read before anything is graded.

An engine (Gradescope, PrairieLearn) hands the grader a folder of whatever the learner
uploaded. A right upload is the hand-in archive ``handin()`` wrote, or the files it holds,
in their folders or flat (as a file-upload form delivers them: a notebook by its name, a
saved answer by its exercise's id). Anything else (nothing, two archives, a zip holding
none of those files, only files the course does not read) is told to the learner: what was
found and what to upload, with no check listed as "not run".
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..course import Course
from ..grading.handins import UNREADABLE, graded_paths

MAX_LISTED = 8
MAX_NAME_SHOWN = 100
UPLOAD_LEARNER = "submission"  # the one learner of the class an upload is graded as
WHAT_TO_UPLOAD = (
    "Upload the archive handin() wrote (handin/<your name>.zip), or the files it holds."
)


@dataclass(frozen=True)
class Upload:
    """An upload, read: the archive or the graded files to take, what was ignored, and
    when nothing can be graded, why (``problem``, a sentence for the learner)."""

    archive: Path | None = None
    files: dict[str, Path] | None = None
    ignored: tuple[str, ...] = ()
    problem: str = ""

    def as_learner_folder(self, target: Path) -> Path:
        """Put the upload where grading a class of one reads it: the archive as
        ``target/submission.zip``, or the files in ``target/submission/``."""
        target.mkdir(parents=True, exist_ok=True)
        if self.archive is not None:
            shutil.copyfile(self.archive, target / f"{UPLOAD_LEARNER}.zip")
        for relative, source in (self.files or {}).items():
            path = target / UPLOAD_LEARNER / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, path)
        return target


def flat_names(course: Course) -> dict[str, str]:
    """Each graded path by its file name alone, when that name is unique to it (a
    notebook's name, an exercise's saved answer), for uploads that lost their folders."""
    by_name: dict[str, list[str]] = {}
    for path in graded_paths(course):
        by_name.setdefault(PurePosixPath(path).name, []).append(path)
    return {name: min(paths, key=len) for name, paths in by_name.items()}


def read_upload(course: Course, folder: Path) -> Upload:
    """Read an engine's upload folder (links and hidden files are never followed)."""
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and not path.name.startswith(".")
    )
    relative = {path.relative_to(folder).as_posix(): path for path in files}
    if not relative:
        return Upload(problem=f"Nothing was uploaded. {WHAT_TO_UPLOAD}")
    archives = [name for name in relative if name.endswith(".zip")]
    allowed, by_name = graded_paths(course), flat_names(course)
    taken: dict[str, Path] = {}
    for name, path in relative.items():
        if name in allowed:
            taken[name] = path
        elif "/" not in name and name in by_name and by_name[name] not in taken:
            taken[by_name[name]] = path
    used = set(taken.values())
    if taken:
        return Upload(files=taken, ignored=tuple(n for n, p in relative.items() if p not in used))
    if len(archives) == 1:
        problem = archive_problem(course, relative[archives[0]], archives[0])
        others = tuple(name for name in relative if name != archives[0])
        return Upload(archive=None if problem else relative[archives[0]], problem=problem,
                      ignored=others)  # fmt: skip
    found = listed(list(relative))
    if len(archives) > 1:
        return Upload(problem=f"Found {len(archives)} archives ({found}): upload one. "
                      + WHAT_TO_UPLOAD)  # fmt: skip
    return Upload(problem=f"Found {found}, none of which is a hand-in. {WHAT_TO_UPLOAD}")


def archive_problem(course: Course, archive: Path, name: str) -> str:
    """Why an uploaded archive is not a hand-in, or "": it must be a zip holding at least
    one file grading reads (the rest is the grader's own careful unpacking)."""
    try:
        with zipfile.ZipFile(archive) as packed:
            entries = [entry.filename for entry in packed.infolist()[: 10 * MAX_LISTED]]
    except UNREADABLE:
        return f"Found {name}, which is not a readable zip archive. {WHAT_TO_UPLOAD}"
    if not set(entries) & graded_paths(course):
        inside = listed(entries) or "nothing"
        return (
            f"Found {name}, which holds {inside} but none of the files a hand-in holds. "
            + WHAT_TO_UPLOAD
        )
    return ""


def listed(names: list[str]) -> str:
    """At most a few names (one with a character that does not print, as Python writes it),
    each cut to ``MAX_NAME_SHOWN`` characters, and how many more."""
    shown = ", ".join(
        shown_name[:MAX_NAME_SHOWN] + ("…" if len(shown_name) > MAX_NAME_SHOWN else "")
        for shown_name in (n if n.isprintable() else repr(n) for n in names[:MAX_LISTED])
    )
    more = len(names) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")
