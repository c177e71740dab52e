"""A course, as the engine sees it: lessons, exercises and quiz questions, their files, and
what judging preloads. The engine imports no course; it is handed one.

Courses are found through the ``checker.courses`` entry point group (as pytest finds its
plugins): a distribution declares ``name = "package.module:COURSE"``. This package's own
course, ``migrations``, is the default. ``load`` also takes ``package.module:ATTRIBUTE``.

A course is usually built from a package of lesson modules, ``lessonNN_<name>``, each
declaring ``TITLE``, ``EXERCISES`` (exercise classes) and ``QUESTIONS`` (quiz questions)::

    COURSE = Course.from_package(
        "tiny", "A tiny course", "tiny_course.content", folder=..., child_preload=[...]
    )
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from .judge.kinds import Exercise
from .judge.quizzes import Question

ENTRY_POINT_GROUP = "checker.courses"
DEFAULT_COURSE = "migrations"
COURSE_VARIABLE = "CHECKER_COURSE"


class CourseNotFound(LookupError):
    """No installed course has this name; the message lists the ones there are."""


@dataclass(frozen=True)
class Lesson:
    """One lesson: its notebook's name (``03_first_migrations``), title, exercises and quiz
    questions, and the module declaring them (its hints are edited in a release)."""

    name: str
    title: str
    exercises: tuple[Exercise, ...]
    questions: tuple[Question, ...]
    source: Path

    @property
    def number(self) -> str:
        """The lesson's number as its notebook's name starts: ``03``."""
        return self.name.split("_", 1)[0]


@dataclass(frozen=True, eq=False)
class Course:
    """Everything the engine needs to know of a course.

    ``folder`` is the course folder (``notebooks/``, ``exercises/``, ``solutions/``);
    ``content`` the package folder of its lesson modules, ``starters/`` and ``solutions/``;
    ``shipped`` the entries of ``folder`` a release copies besides the notebooks, and
    ``readme`` the file of ``folder`` it ships as its ``README.md`` (one for learners);
    ``child_preload`` the modules a clean helper imports before judging (table layouts, no
    statement or answer); ``packages`` the course's own Python packages (its content, an
    app whose conventions judging reads), whose code the grading cache's key covers.
    ``name`` is the course's short name, and ``reference`` the ``package.module:ATTRIBUTE``
    that ``load`` found it at (grading processes load it again from there).
    """

    name: str
    title: str
    lessons: tuple[Lesson, ...]
    folder: Path
    content: Path
    shipped: tuple[str, ...] = ()
    child_preload: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    readme: str = ""
    reference: str = ""
    exercises: dict[str, Exercise] = field(init=False, repr=False)
    questions: dict[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        exercises = {e.id: e for lesson in self.lessons for e in lesson.exercises}
        questions = {q.id: q for lesson in self.lessons for q in lesson.questions}
        object.__setattr__(self, "exercises", exercises)
        object.__setattr__(self, "questions", questions)

    @classmethod
    def from_package(
        cls,
        name: str,
        title: str,
        package: str,
        *,
        folder: Path,
        shipped: tuple[str, ...] = (),
        child_preload: tuple[str, ...] = (),
        packages: tuple[str, ...] = (),
        readme: str = "",
    ) -> Course:
        """A course of the ``lessonNN_<name>`` modules of ``package``, in their order."""
        root = importlib.import_module(package)
        lessons = tuple(
            lesson_of_module(importlib.import_module(f"{package}.{found.name}"))
            for found in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name)
            if found.name.startswith("lesson")
        )
        content = Path(root.__file__).parent
        return cls(
            name,
            title,
            lessons,
            Path(folder),
            content,
            shipped,
            child_preload,
            (package, *packages),
            readme=readme,
        )

    def package_folders(self) -> list[Path]:
        """Where the course's own packages are (those importable here), none inside another."""
        found = []
        for name in self.packages:
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.submodule_search_locations:
                found.append(Path(next(iter(spec.submodule_search_locations))).resolve())
        return [f for f in found if not any(o != f and o in f.parents for o in found)]

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id; a KeyError lists the ids that exist."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            known = ", ".join(self.exercises)
            raise KeyError(f"no exercise {exercise_id!r}; the exercises are: {known}") from None

    def question(self, question_id: str) -> Question:
        """The quiz question with this id; a KeyError lists the ids that exist."""
        try:
            return self.questions[question_id]
        except KeyError:
            known = ", ".join(self.questions)
            raise KeyError(
                f"no quiz question {question_id!r}; the questions are: {known}"
            ) from None

    def lesson_of(self, item_id: str) -> Lesson:
        """The lesson declaring an exercise or a quiz question."""
        for lesson in self.lessons:
            if any(item.id == item_id for item in (*lesson.exercises, *lesson.questions)):
                return lesson
        raise KeyError(f"{item_id!r} is in no lesson of the course {self.name!r}")


def lesson_of_module(module: ModuleType) -> Lesson:
    """A lesson from its module: ``lesson03_first_migrations`` is ``03_first_migrations``."""
    return Lesson(
        name=module.__name__.rsplit(".", 1)[-1].removeprefix("lesson"),
        title=module.TITLE,
        exercises=tuple(cls() for cls in module.EXERCISES),
        questions=tuple(module.QUESTIONS),
        source=Path(module.__file__),
    )


def installed() -> dict[str, str]:
    """The courses installed here, by name: where each is declared."""
    return {found.name: found.value for found in entry_points(group=ENTRY_POINT_GROUP)}


def chosen_name() -> str:
    """The course asked for in the environment (``CHECKER_COURSE``), or the default one."""
    return os.environ.get(COURSE_VARIABLE) or DEFAULT_COURSE


@cache
def load(name: str | None = None) -> Course:
    """The course installed as ``name`` (the chosen one when None), or the object named
    by ``package.module:ATTRIBUTE``; loaded once per process."""
    name = name or chosen_name()
    if ":" in name:
        reference = name
    else:
        known = installed()
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise CourseNotFound(f"no course {name!r} is installed; the courses are: {listed}")
        reference = known[name]
    module_name, _, attribute = reference.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise CourseNotFound(f"the course {name!r} cannot be loaded: {error}") from None
    if not isinstance(found, Course):
        raise CourseNotFound(f"{reference} is not a Course")
    return found if found.reference == reference else replace(found, reference=reference)
