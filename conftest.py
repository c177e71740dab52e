"""Hooks for every test of the checkout, the notebooks that nbval executes included (a
conftest under ``tests/`` would not reach ``notebooks/``, ``exercises/`` or ``solutions/``)."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from checker.notebook import COURSE_DIR_VARIABLE

NOTEBOOK_STORES = pytest.StashKey[dict]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Every notebook nbval executes saves answers into an empty course store of its own
    (``COURSE_DIR``, read by its kernel when it starts), never into the checkout's: what a
    notebook prints cannot depend on the notebooks run before it, or on a developer's own
    answers."""
    if type(item).__name__ != "IPyNbCell":
        yield
        return
    before = os.environ.get(COURSE_DIR_VARIABLE)
    os.environ[COURSE_DIR_VARIABLE] = notebook_store(item.config, item.parent.nodeid)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(COURSE_DIR_VARIABLE, None)
        else:
            os.environ[COURSE_DIR_VARIABLE] = before


def notebook_store(config: pytest.Config, notebook: str) -> str:
    """An empty course folder for one notebook's answers, made once per test session."""
    stores = config.stash.setdefault(NOTEBOOK_STORES, {})
    if notebook not in stores:
        stores[notebook] = tempfile.mkdtemp(prefix="course-store-")
    return stores[notebook]


def pytest_unconfigure(config: pytest.Config) -> None:
    for store in config.stash.get(NOTEBOOK_STORES, {}).values():
        shutil.rmtree(store, ignore_errors=True)
