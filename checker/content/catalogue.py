"""The migrations course as the engine is handed it: every lesson module of this package.

Every module ``lessonNN_<name>`` of this package is a lesson: it declares ``TITLE``,
``EXERCISES`` (exercise classes) and ``QUESTIONS`` (quiz questions). Ids are stable, since
saved answers and gradebooks carry them. The course is installed under the
``checker.courses`` entry point as ``migrations``.
"""

from __future__ import annotations

from pathlib import Path

from ..course import Course
from ..judge.kinds import Exercise
from ..judge.quizzes import Question

COURSE_FOLDER = Path(__file__).resolve().parents[2]

COURSE = Course.from_package(
    "migrations",
    "Database migrations with Flask-Migrate",
    __package__,
    folder=COURSE_FOLDER,
    shipped=(
        "Makefile",
        "pyproject.toml",
        "environment.yml",
        ".gitignore",
        ".jupyter",
        ".ipython",
        "sample_app",
        "checker",
    ),
    child_preload=(f"{__package__}.layouts",),
    packages=("sample_app",),
    readme="LEARNERS.md",
)

EXERCISES: dict[str, Exercise] = COURSE.exercises
QUESTIONS: dict[str, Question] = COURSE.questions
