"""Lessons 08 to 14 re-run twice each, as "Restart Kernel and Run All" would.

The lessons are split over two files so that the test workers share the re-runs out
(pytest-xdist sends each file to one worker).
"""

from __future__ import annotations

import pytest
from notebook_tools import LESSONS, assert_reruns_twice


@pytest.mark.parametrize("lesson", LESSONS[7:], ids=lambda path: path.stem)
def test_restart_and_run_all_twice(lesson, tmp_path):
    assert_reruns_twice(lesson, tmp_path)
