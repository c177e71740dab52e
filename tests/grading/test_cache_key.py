"""What a judged item's cache key depends on: an edit to the checker or to one of the
course's packages (the sample app, whose naming convention judging reads) judges every
answer again."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import sample_app
from checker.content.catalogue import COURSE
from checker.grading import cache


def test_the_course_s_packages_include_the_sample_app():
    assert Path(sample_app.__file__).parent.resolve() in COURSE.package_folders()


def test_an_edit_to_a_course_package_changes_the_fingerprint(monkeypatch, tmp_path):
    shutil.copytree(
        Path(sample_app.__file__).parent,
        tmp_path / "app_copy",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    before = cache.fingerprint(replace(COURSE, packages=(*COURSE.packages, "app_copy")))
    models = tmp_path / "app_copy" / "models.py"
    models.write_text(models.read_text() + "\n# renamed a convention\n")
    edited = replace(COURSE, packages=(*COURSE.packages, "app_copy"))
    assert cache.fingerprint(edited) != before
