"""Canvas's bulk download of submissions, read as it comes.

"Download Submissions" gives one zip holding each learner's files of their latest
submission, named ``<sortable name>[_LATE]_<user id>_<file id>_<file's name>`` (Canvas's
``ContentZipper``; the name loses every character that is not a letter, a digit or ``_``,
and any ``_<digits>_`` run, so that the first two parts made of digits are always the user
and file ids, as Canvas itself reads them back on "Re-upload Submissions"). ``LATE`` is
Canvas's mark that the submission came after the due date Canvas holds for that learner.

A roster maps Canvas user ids (its ``lms_id`` column) to learners; a user id on no roster is
graded as ``canvas-<user id>`` and reported.
"""

from __future__ import annotations

import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DIGITS = re.compile(r"[0-9]+")
MAX_BULK_ENTRIES = 20_000
MAX_BULK_BYTES = 16 * 2**30


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


def canvas_file(path: Path) -> CanvasFile | None:
    """The Canvas ids in a bulk download file's name, or None when it is not named so."""
    parts = path.name.split("_")
    numbers = [index for index, part in enumerate(parts) if DIGITS.fullmatch(part)]
    if len(numbers) < 2 or numbers[1] == len(parts) - 1:
        return None
    user, file = numbers[0], numbers[1]
    marked_late = user > 0 and parts[user - 1] == "LATE"
    return CanvasFile(path, parts[user], parts[file], marked_late, "_".join(parts[file + 1 :]))


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
    files: list[CanvasFile],
    ids: dict[str, str],
    taken: set[str],
    warnings: list[str],
    notes: dict[str, list[str]],
) -> dict[str, tuple[Path | None, dict[str, Any]]]:
    """Each learner's hand-in among Canvas's files of their latest submission (None when
    there is no archive), with where it came from: the file, the Canvas ids and late mark.
    User ids on no roster line, learners in ``taken`` (who handed in otherwise too) and the
    choices made are added to ``warnings`` and the learners' ``notes``."""
    by_user: dict[str, list[CanvasFile]] = {}
    for file in files:
        by_user.setdefault(file.user_id, []).append(file)
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
            notes.setdefault(learner, []).append(note)
        shown = file or user_files[0]
        about = {
            "file": shown.path.name,
            "lms": "Canvas",
            "lms_id": user_id,
            "lms_file_id": shown.file_id,
            "marked_late": any(f.marked_late for f in user_files),
        }
        chosen[learner] = (file.path if file else None, about)
    return chosen


def extract_bulk_download(archive: Path, target: Path, largest: int) -> None:
    """Unpack Canvas's submissions zip into ``target``: its files, flat; anything else in it
    (folders, links, ``..``) is refused. A file is copied up to ``largest`` bytes and one
    more, enough for the hand-in's own check to refuse it as too large."""
    try:
        with zipfile.ZipFile(archive) as bulk:
            entries = bulk.infolist()
            if len(entries) > MAX_BULK_ENTRIES:
                raise BulkDownloadError(f"{archive.name} holds more than {MAX_BULK_ENTRIES} files")
            if sum(entry.file_size for entry in entries) > MAX_BULK_BYTES:
                raise BulkDownloadError(f"{archive.name} unpacks to more than 16 GB")
            for entry in entries:
                name = entry.filename
                if entry.is_dir() or "/" in name or "\\" in name or name.startswith("."):
                    raise BulkDownloadError(
                        f"{archive.name} holds {name!r}: not a Canvas bulk download, whose "
                        "files are all at its top"
                    )
                with bulk.open(entry) as source, (target / name).open("xb") as copy:
                    copy.write(source.read(largest + 1))
    except BulkDownloadError:
        raise
    except FileExistsError as error:
        raise BulkDownloadError(f"{archive.name} holds {error.filename!r} twice") from None
    except OSError as error:  # a name the file system cannot hold (too long, say)
        raise BulkDownloadError(
            f"{archive.name} holds a file that cannot be written ({error.strerror})"
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError,
            RuntimeError, zlib.error, lzma.LZMAError) as error:  # fmt: skip
        raise BulkDownloadError(
            f"{archive.name} is not a readable zip archive ({type(error).__name__})"
        ) from None
