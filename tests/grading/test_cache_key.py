"""What a judged item's cache key depends on: an edit to the checker or to the sample app
(whose naming convention judging reads) judges every answer again."""

from __future__ import annotations

import shutil

from checker.grading import cache


def test_an_edit_to_the_sample_app_changes_the_fingerprint(monkeypatch, tmp_path):
    cache.checker_fingerprint.cache_clear()
    before = cache.checker_fingerprint()
    edited = tmp_path / "sample_app"
    shutil.copytree(cache.sample_app_folder(), edited, ignore=shutil.ignore_patterns("__pycache__"))
    models = edited / "models.py"
    models.write_text(models.read_text() + "\n# renamed a convention\n")
    monkeypatch.setattr(cache, "sample_app_folder", lambda: edited)
    cache.checker_fingerprint.cache_clear()
    try:
        assert cache.checker_fingerprint() != before
    finally:
        cache.checker_fingerprint.cache_clear()
