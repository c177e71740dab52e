"""A tiny course on a notes app: two lessons, a migration exercise, a function exercise and a
quiz question. It exists to prove that the checker serves any course: nothing of the
migrations course is used here but the engine's public kinds."""

from __future__ import annotations

from pathlib import Path

from checker.course import Course

COURSE = Course.from_package(
    "tiny",
    "Notes and tags",
    f"{__name__}.lessons",
    folder=Path(__file__).resolve().parents[1],
    shipped=("tiny_course",),
    child_preload=(f"{__name__}.layouts",),
    packages=(__name__,),
)
