"""The folder learners receive: lessons, exercises and what the course ships (its app, its
package), with or without the solutions.

Without solutions, nothing of a solution is left in any file: the solution scripts and
notebooks are not copied, and each exercise's last hint (the one that shows the decisive
code) is replaced by a sentence saying it is not part of this release. ``ex.solution()``
then says the same (``SolutionNotShipped``).
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

from .. import __version__
from ..course import Course

NOTEBOOK_FOLDERS = ("notebooks", "exercises")
NEVER_SHIPPED = (
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".ipynb_checkpoints",
    "workspace",
    "handin",
    "instance",
    "*.db",
    "*.db-journal",
    "*.sqlite",
    "*.sqlite-journal",
)
WITHHELD_HINT = "The last hint shows the solution's code; it is not part of this release."
MANIFEST = "release.json"


class ReleaseError(ValueError):
    """The release cannot be built; the message says why."""


def build_release(course: Course, folder: Path, destination: Path, *, solutions: bool) -> Path:
    """Copy what learners receive from the course's ``folder`` into ``destination`` (a new
    folder), solutions included only when asked; returns ``destination``."""
    folder, destination = Path(folder).resolve(), Path(destination).resolve()
    expected = (*NOTEBOOK_FOLDERS, *course.shipped, *((course.readme,) if course.readme else ()))
    missing = [n for n in expected if not (folder / n).exists()]
    if missing:
        raise ReleaseError(
            f"{folder} is not the folder of the course {course.name!r} (it has no "
            f"{', '.join(missing)})"
        )
    if destination.exists() and any(destination.iterdir()):
        raise ReleaseError(f"{destination} exists and is not empty; choose a new folder")
    if folder == destination or folder in destination.parents:
        raise ReleaseError("the release cannot be built inside the course folder")
    ignored = shutil.ignore_patterns(*NEVER_SHIPPED)
    destination.mkdir(parents=True, exist_ok=True)
    for name in (*NOTEBOOK_FOLDERS, *course.shipped, *(("solutions",) if solutions else ())):
        source = folder / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignored, symlinks=False)
        elif source.is_file():
            shutil.copy2(source, destination / name)
    if course.readme:
        shutil.copy2(folder / course.readme, destination / "README.md")
    if not solutions:
        withhold_solutions(course, folder, destination)
    manifest = {"checker_version": __version__, "solutions": solutions}
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return destination


def withhold_solutions(course: Course, folder: Path, release: Path) -> None:
    """Remove every solution file and every exercise's last hint from a release (the
    course's content as copied there, when it ships it)."""
    shutil.rmtree(release / "solutions", ignore_errors=True)
    try:
        content = release / course.content.resolve().relative_to(folder)
    except ValueError:
        return  # the content lives apart from the course folder: not part of a release
    if not content.is_dir():
        return
    shutil.rmtree(content / "solutions", ignore_errors=True)
    (content / "solutions").mkdir(exist_ok=True)
    for lesson in course.lessons:
        path = content / lesson.source.name
        path.write_text(without_last_hints(path.read_text(encoding="utf-8")), encoding="utf-8")


def without_last_hints(source: str) -> str:
    """A lesson module's source with the last hint of each exercise class replaced."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    encoded = source.encode("utf-8")
    spans = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and [getattr(t, "id", None) for t in statement.targets] == ["hints"]
                and isinstance(statement.value, ast.Tuple)
                and statement.value.elts
            ):
                last = statement.value.elts[-1]
                start = offsets[last.lineno - 1] + last.col_offset
                end = offsets[last.end_lineno - 1] + last.end_col_offset
                spans.append((start, end))
    for start, end in sorted(spans, reverse=True):
        encoded = encoded[:start] + repr(WITHHELD_HINT).encode() + encoded[end:]
    return encoded.decode("utf-8")
