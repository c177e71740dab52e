"""Every lesson re-run twice, as "Restart Kernel and Run All" would: the first round is the
check nbval would make (every output as committed), so nbval does not run the lessons again
(``conftest.py``); each lesson may run on any test worker (``SPREAD``)."""

from __future__ import annotations

import pytest
from notebook_tools import LESSONS, assert_reruns_twice


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_restart_and_run_all_twice(lesson, tmp_path):
    assert_reruns_twice(lesson, tmp_path)
