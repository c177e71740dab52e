"""What a judged item's cache key depends on: an edit to the checker or to one of the
course's packages (the sample app, whose naming convention judging reads) judges every
answer again."""

from __future__ import annotations

import shutil

from checker.content.catalogue import COURSE
from checker.grading import cache


def test_an_edit_to_the_sample_app_changes_the_fingerprint(monkeypatch, tmp_path):
    assert "sample_app" in COURSE.packages
    cache.fingerprint.cache_clear()
    before = cache.fingerprint(COURSE)
    edited = tmp_path / "sample_app"
    original = cache.package_folder("sample_app")
    shutil.copytree(original, edited, ignore=shutil.ignore_patterns("__pycache__"))
    models = edited / "models.py"
    models.write_text(models.read_text() + "\n# renamed a convention\n")
    found = cache.package_folder
    monkeypatch.setattr(
        cache, "package_folder", lambda name: edited if name == "sample_app" else found(name)
    )
    cache.fingerprint.cache_clear()
    try:
        assert cache.fingerprint(COURSE) != before
    finally:
        cache.fingerprint.cache_clear()
