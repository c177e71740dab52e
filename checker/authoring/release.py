"""The folder learners receive: lessons, exercises, the sample app and the checker, with
or without the solutions.

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
from ..content.catalogue import LESSON_MODULES

SHIPPED = (
    "README.md",
    "Makefile",
    "pyproject.toml",
    "environment.yml",
    ".gitignore",
    ".jupyter",
    ".ipython",
    "notebooks",
    "exercises",
    "sample_app",
    "checker",
)
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
SOLUTION_FOLDERS = ("solutions", "checker/content/solutions")
WITHHELD_HINT = "The last hint shows the solution's code; it is not part of this release."
MANIFEST = "release.json"


class ReleaseError(ValueError):
    """The release cannot be built; the message says why."""


def build_release(course: Path, destination: Path, *, solutions: bool) -> Path:
    """Copy what learners receive from the course folder into ``destination`` (a new
    folder), solutions included only when asked; returns ``destination``."""
    course, destination = Path(course).resolve(), Path(destination).resolve()
    if not (course / "checker").is_dir() or not (course / "notebooks").is_dir():
        raise ReleaseError(f"{course} is not the course's folder (no checker/ and notebooks/)")
    if destination.exists() and any(destination.iterdir()):
        raise ReleaseError(f"{destination} exists and is not empty; choose a new folder")
    if course == destination or course in destination.parents:
        raise ReleaseError("the release cannot be built inside the course folder")
    ignored = shutil.ignore_patterns(*NEVER_SHIPPED)
    destination.mkdir(parents=True, exist_ok=True)
    for name in (*SHIPPED, *(("solutions",) if solutions else ())):
        source = course / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignored, symlinks=False)
        elif source.is_file():
            shutil.copy2(source, destination / name)
    if not solutions:
        withhold_solutions(destination)
    manifest = {"checker_version": __version__, "solutions": solutions}
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return destination


def withhold_solutions(release: Path) -> None:
    """Remove every solution file and every exercise's last hint from a release."""
    for folder in SOLUTION_FOLDERS:
        shutil.rmtree(release / folder, ignore_errors=True)
    (release / "checker/content/solutions").mkdir()
    for module in LESSON_MODULES:
        path = release / "checker/content" / f"{module.__name__.rsplit('.', 1)[1]}.py"
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


