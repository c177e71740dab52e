"""The whole course's exercises and quiz questions, collected from the lesson modules.

Every module ``lessonNN_<name>`` of this package is a lesson: it declares ``TITLE``,
``EXERCISES`` (exercise classes) and ``QUESTIONS`` (quiz questions). Ids are stable, since
saved answers and gradebooks carry them.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ..judge.kinds import Exercise
from ..judge.quizzes import Question

LESSON_MODULES: tuple[ModuleType, ...] = tuple(
    importlib.import_module(f"{__package__}.{found.name}")
    for found in sorted(pkgutil.iter_modules(importlib.import_module(__package__).__path__))
    if found.name.startswith("lesson")
)

EXERCISES: dict[str, Exercise] = {
    exercise.id: exercise
    for module in LESSON_MODULES
    for exercise in (cls() for cls in module.EXERCISES)
}

QUESTIONS: dict[str, Question] = {
    question.id: question for module in LESSON_MODULES for question in module.QUESTIONS
}


def lesson_name(module: ModuleType) -> str:
    """A lesson module's notebook name: ``lesson03_first_migrations`` is ``03_first_migrations``."""
    return module.__name__.rsplit(".", 1)[-1].removeprefix("lesson")


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id; a KeyError lists the ids that exist."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise KeyError(f"no exercise {exercise_id!r}; the exercises are: {known}") from None


def get_question(question_id: str) -> Question:
    """The quiz question with this id; a KeyError lists the ids that exist."""
    try:
        return QUESTIONS[question_id]
    except KeyError:
        known = ", ".join(QUESTIONS)
        raise KeyError(f"no quiz question {question_id!r}; the questions are: {known}") from None
