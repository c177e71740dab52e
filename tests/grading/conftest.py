"""What the grading tests share: Alice, who answers everything right, graded alone, the
grade every batch that grades her beside hostile classmates must leave her."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pytest
from checker_command import SOLUTIONS, grade
from class_builder import learner_folder
from quiz_answers import RIGHT

ALICE = "alice"


@pytest.fixture(scope="session")
def alice_graded_alone(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The output folder of Alice graded alone behind the namespaces boundary, five seconds per
    check. Graded once per run: the first test worker to ask grades her, under a file lock in
    the folder every worker's temporary folders share, and the others read the result."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    base, out = shared / "alice-alone", shared / "alice-alone" / "out"
    with open(shared / "alice-alone.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "results.json").is_file():
            shutil.rmtree(base, ignore_errors=True)
            learner_folder(base / "class", ALICE, SOLUTIONS, RIGHT)
            run = grade(base / "class", out, "--timeout", "5", "--isolation", "namespaces")
            assert run.returncode == 0, run.stderr
    return out
