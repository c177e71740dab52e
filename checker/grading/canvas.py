"""Canvas's bulk download of submissions, read as it comes.

"Download Submissions" gives one zip holding each learner's files of their latest
submission, named ``<sortable name>[_LATE]_<user id>_<file id>_<file's name>`` (Canvas's
``ContentZipper``; the name loses every character that is not a letter, a digit or ``_``,
and any ``_<digits>_`` run inside it, but a name that begins or ends with digits keeps
them: the user and file ids are two parts of digits next to each other, read as Canvas
reads them back unless the roster says otherwise, and a name that reads as the file of two
learners on the roster is graded for neither). ``LATE`` is Canvas's mark that the
submission came after the due date Canvas holds for that learner.

A roster maps Canvas user ids (its ``lms_id`` column) to learners; a user id on no roster is
graded as ``canvas-<user id>`` and reported.
"""

from __future__ import annotations

import hashlib
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .names import escaped

DIGITS = re.compile(r"[0-9]+")
MAX_BULK_ENTRIES = 20_000
MAX_BULK_BYTES = 16 * 2**30
MAX_NAME_BYTES = 200  # of a file unpacked: a file system takes 255


class BulkDownloadError(ValueError):
    """A bulk download that cannot be read; the message says why."""


@dataclass(frozen=True)
class CanvasFile:
    """One file of a Canvas bulk download, as its name describes it."""

    path: Path
    user_id: str
    file_id: str
    marked_late: bool
    display_name: str


def canvas_readings(path: Path) -> list[CanvasFile]:
    """Every way a bulk download file's name reads as Canvas names files: a user id and a
    file id next to each other, the file's name after them; empty when it is not named so.
    A name may read several ways when a learner put digits in their own Canvas name or
    their file's. Each reading is marked late when ``LATE`` stands anywhere before the last
    file id the name could have (a learner may add a ``LATE`` to their own name, never take
    Canvas's out)."""
    parts = path.name.split("_")
    pairs = [
        user
        for user in range(len(parts) - 2)
        if DIGITS.fullmatch(parts[user]) and DIGITS.fullmatch(parts[user + 1])
    ]
    late = bool(pairs) and "LATE" in parts[: pairs[-1] + 1]
    return [
        CanvasFile(path, parts[user], parts[user + 1], late, "_".join(parts[user + 2 :]))
        for user in pairs
    ]


def whose(readings: list[CanvasFile], ids: dict[str, str]) -> CanvasFile | None:
    """The reading of a file's name to grade: the one whose user is on the roster, or, with
    none on it, the first (as Canvas reads its names back); None when the name reads as the
    file of several learners on the roster (a learner who put a classmate's id in their own
    Canvas name), which only the instructor can tell apart."""
    on_roster = [reading for reading in readings if reading.user_id in ids]
    if len(on_roster) > 1:
        return None
    return on_roster[0] if on_roster else readings[0]


def learner_of(user_id: str, ids: dict[str, str]) -> str:
    """The learner a Canvas user id is on the roster as, or ``canvas-<user id>``."""
    return ids.get(user_id, f"canvas-{user_id}")


def choose(files: list[CanvasFile]) -> tuple[CanvasFile | None, str]:
    """The hand-in among one learner's files of their latest submission, and a note when
    the choice needs one: the zip archive (the newest upload if there are several), or None
    when none is a zip archive."""
    archives = sorted(
        (file for file in files if file.display_name.lower().endswith(".zip")),
        key=lambda file: int(file.file_id),
    )
    names = ", ".join(sorted(file.display_name for file in files))
    if not archives:
        return None, (
            f"Canvas holds {names} but no hand-in archive: upload the .zip that "
            "handin() writes (handin/<your name>.zip)."
        )
    if len(archives) > 1:
        return archives[-1], (
            f"Canvas holds several archives ({names}); the newest upload, "
            f"{archives[-1].display_name}, was graded."
        )
    return archives[0], ""


def handins(
    files: list[list[CanvasFile]],
    ids: dict[str, str],
    taken: set[str],
    warnings: list[str],
    notes: dict[str, list[str]],
) -> dict[str, tuple[Path | None, dict[str, Any]]]:
    """Each learner's hand-in among Canvas's files of their latest submission (None when
    there is no archive), with where it came from: the file, the Canvas ids and late mark.
    User ids on no roster line, learners in ``taken`` (who handed in otherwise too) and the
    choices made are added to ``warnings`` and the learners' ``notes``; a file whose name
    does not tell whose it is is graded for no one, and said."""
    by_user: dict[str, list[CanvasFile]] = {}
    several: dict[Path, list[CanvasFile]] = {}
    for readings in files:
        file = whose(readings, ids)
        if file is None:
            warnings.append(
                f"{readings[0].path.name} reads as the file of several learners on the roster "
                f"({', '.join(r.user_id for r in readings if r.user_id in ids)}): graded for "
                "none of them; look at it yourself."
            )
            continue
        if len(readings) > 1:
            several[file.path] = readings
        by_user.setdefault(file.user_id, []).append(file)
    for user_id, user_files in by_user.items():
        plain = [file for file in user_files if file.path not in several]
        if plain and len(plain) < len(user_files):  # a name that also reads as another's
            for file in user_files:
                if file.path in several:
                    warnings.append(
                        f"{file.path.name} reads as Canvas user {user_id}'s file and as "
                        f"another's ({', '.join(r.user_id for r in several[file.path])}), "
                        f"beside a file only {user_id} has: graded for no one; look at it "
                        "yourself."
                    )
            by_user[user_id] = plain
    chosen: dict[str, tuple[Path | None, dict[str, Any]]] = {}
    for user_id, user_files in sorted(by_user.items()):
        learner = learner_of(user_id, ids)
        if ids and user_id not in ids:
            warnings.append(
                f"Canvas user {user_id} ({user_files[0].path.name}) is on no roster line: "
                f"graded as {learner}; add them to the roster."
            )
        if learner in taken:
            warnings.append(
                f"{learner} has both Canvas files and another hand-in: the other was graded."
            )
            continue
        file, note = choose(user_files)
        if note:
            notes.setdefault(learner, []).append(escaped(note))
        shown = file or user_files[0]
        about = {
            "file": escaped(shown.path.name),  # shown in the learner's feedback and records
            "lms": "Canvas",
            "lms_id": user_id,
            "lms_file_id": shown.file_id,
            "marked_late": any(f.marked_late for f in user_files),
        }
        chosen[learner] = (file.path if file else None, about)
    return chosen


def short_name(name: str) -> str:
    """An entry's name as written to disk: itself, or, when longer than a file system takes
    (Canvas keeps a learner's own file name whole), its start and a digest of the rest, with
    its extension."""
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    start = name.encode()[: MAX_NAME_BYTES // 2].decode(errors="ignore")
    digest = hashlib.sha256(name.encode(errors="surrogatepass")).hexdigest()[:16]
    return f"{start}-{digest}{Path(name).suffix[:16]}"


SHOWN_LEFT_OUT = 5


def entry_name_problem(name: str) -> str | None:
    """Why a file of the bulk download cannot be unpacked under its name, or None."""
    if "\\" in name or "\0" in name:
        return "its name holds a backslash or a NUL"
    if name.startswith("."):
        return "its name begins with a dot"
    return None


def extract_bulk_download(archive: Path, target: Path, largest: int) -> list[str]:
    """Unpack Canvas's submissions zip into ``target``: its files, flat; an archive holding
    anything else (folders, links, ``..``) is refused. A file is copied up to ``largest``
    bytes and one more, enough for the hand-in's own check to refuse it as too large.

    A file whose name alone is the problem (a backslash or NUL, a leading dot, a name the
    file system refuses: part of a learner's own file name, which Canvas keeps) is left out,
    and the warnings returned say which (the first ``SHOWN_LEFT_OUT``, then how many more);
    the rest of the class is unpacked."""
    left_out, unlisted = [], 0
    try:
        with zipfile.ZipFile(archive) as bulk:
            entries = bulk.infolist()
            if len(entries) > MAX_BULK_ENTRIES:
                raise BulkDownloadError(f"{archive.name} holds more than {MAX_BULK_ENTRIES} files")
            if sum(entry.file_size for entry in entries) > MAX_BULK_BYTES:
                raise BulkDownloadError(f"{archive.name} unpacks to more than 16 GB")
            for entry in entries:
                name = entry.filename
                if entry.is_dir() or "/" in name:
                    raise BulkDownloadError(
                        f"{archive.name} holds {name!r}: not a Canvas bulk download, whose "
                        "files are all at its top"
                    )
                problem = entry_name_problem(name)
                if problem is None:
                    try:
                        copy = (target / short_name(name)).open("xb")
                    except FileExistsError:
                        raise
                    except OSError as error:
                        problem = f"its name cannot be written ({error.strerror})"
                    else:
                        with copy, bulk.open(entry) as source:
                            copy.write(source.read(largest + 1))
                if problem is not None and len(left_out) < SHOWN_LEFT_OUT:
                    left_out.append(f"{name!r} in {archive.name} was not read: {problem}.")
                elif problem is not None:
                    unlisted += 1
    except BulkDownloadError:
        raise
    except FileExistsError as error:
        raise BulkDownloadError(f"{archive.name} holds {error.filename!r} twice") from None
    except OSError as error:
        raise BulkDownloadError(
            f"{archive.name} cannot be read ({error.strerror or error})"
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError,
            RuntimeError, zlib.error, lzma.LZMAError) as error:  # fmt: skip
        raise BulkDownloadError(
            f"{archive.name} is not a readable zip archive ({type(error).__name__})"
        ) from None
    if unlisted:
        left_out.append(f"{unlisted} more files in {archive.name} were not read, alike.")
    return left_out
