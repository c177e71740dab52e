"""The layout explains the design: packages by role, what may import what, content apart.

The rules are those of ``checker/__init__.py``. A module over 300 lines must say why at
its top; a generated notebook must match what ``python -m checker notebooks`` writes.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from notebook_tools import ROOT

from checker.authoring.notebooks import stale_notebooks
from checker.content.catalogue import COURSE

CHECKER = ROOT / "checker"
# package -> the checker packages it may import (besides itself and the top-level version)
# No engine package imports ``content``, the course: it is handed one (``checker.course``).
MAY_IMPORT = {
    "db": set(),
    "judge": {"db"},
    "course": {"judge"},
    "content": {"judge", "course"},
    "lessons": {"db"},
    "notebook": {"lessons", "course", "judge", "grading"},
    "grading": {"course", "judge", "db"},
    "authoring": {"course", "judge"},
    "engines": {"course", "grading"},
    "api": {"authoring", "course", "engines", "grading", "judge"},
    "cli": {"api", "notebook"},
    "__main__": {"cli"},
    "kernel": set(),
    "__init__": set(),
}
MAX_LINES = 300


def package_of(path: Path) -> str:
    relative = path.relative_to(CHECKER)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def checker_imports(path: Path) -> set[str]:
    """The checker packages a module imports, resolved from relative and absolute imports."""
    module = path.relative_to(ROOT).with_suffix("").parts
    if module[-1] == "__init__":
        module = module[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module[: len(module) - node.level + (path.name == "__init__.py")]
                target = [*base, *(node.module or "").split(".")]
                target = [part for part in target if part]
                names = [target + [alias.name] for alias in node.names]
            else:
                names = [(node.module or "").split(".")]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        else:
            continue
        for name in names:
            if name[0] == "checker" and len(name) > 1:
                found.add(name[1])
    return found


MODULES = sorted(CHECKER.rglob("*.py"))
ENGINE_MODULES = [
    p for p in MODULES if "content" not in p.relative_to(CHECKER).parts and p.parent != CHECKER
]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_follow_the_layers(path):
    if "content" in path.parts and path.parent.name in ("starters", "solutions", "migrations"):
        pytest.skip("answer files, not part of the package")
    package = package_of(path)
    allowed = MAY_IMPORT[package] | {package, "__version__"}
    assert checker_imports(path) <= allowed, f"{package} may import only {sorted(allowed)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_modules_are_short_or_say_why(path):
    text = path.read_text()
    if text.count("\n") > MAX_LINES:
        docstring = ast.get_docstring(ast.parse(text)) or ""
        assert "lines" in docstring, f"{path.name} is long; its docstring must say why"


ENGINE_ENTRY_POINTS = ["checker.cli", "checker.api", "checker.notebook", "checker.grading.batch"]


def test_the_engine_imports_no_course():
    """Importing every entry of the engine loads neither the course nor its app: courses
    are loaded only when asked for (``checker.course.load``)."""
    probe = (
        "import importlib, sys\n"
        f"for name in {ENGINE_ENTRY_POINTS!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('checker.content', 'sample_app'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    assert found == "[]", found


def test_the_judge_and_grading_hold_no_course_text():
    """Exercise statements, hints and quiz prompts live in checker/content only."""
    from checker.content.catalogue import EXERCISES, QUESTIONS

    engine = "\n".join(p.read_text() for p in ENGINE_MODULES)
    for exercise in EXERCISES.values():
        assert exercise.title not in engine, exercise.id
        assert exercise.hints[0][:60] not in engine, exercise.id
    for question in QUESTIONS.values():
        assert question.prompt[:60] not in engine, question.id


def test_generated_notebooks_match_the_lesson_modules():
    """Exercise and solution notebooks and Challenge cells are what the content says."""
    stale = [path.relative_to(ROOT).as_posix() for path in stale_notebooks(COURSE, ROOT)]
    assert not stale, f"run `python -m checker notebooks` (then `make notebooks`): {stale}"


def test_every_exercise_has_its_starter_and_solution_files():
    from checker.content.catalogue import EXERCISES

    content = CHECKER / "content"
    for folder in ("starters", "solutions"):
        names = {path.stem for path in (content / folder).glob("*.py")}
        assert names == set(EXERCISES), folder
