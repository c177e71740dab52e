"""Mistakes in an instructor's settings, overrides and class folder are told, with the
line, through the real ``grade`` command: a refusal (exit status 2) where the input cannot
mean what it says, a warning where it may be deliberate."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from checker_command import grade

EXAMPLE = Path(__file__).resolve().parents[1] / "example_class"
HEADER = "learner,item,points,comment\n"


def grade_example(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    return grade(EXAMPLE, tmp_path / "out", "--format=csv", "--trusted-submissions", *options)


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ("ada,03-add-role,-1,\n", "line 2: points must be zero or more"),
        ("ada,03-add-role,nan,\n", "line 2: points must be zero or more"),
        (
            "ada,03-add-role,2,first\nben,03-add-role,1,\nada,03-add-role,3,again\n",
            "line 4: a second override for 'ada' (03-add-role); the first is on line 2",
        ),
    ],
)
def test_overrides_that_cannot_be_meant_are_refused_with_their_line(tmp_path, rows, said):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(HEADER + rows)
    run = grade_example(tmp_path, f"--overrides={overrides}")
    assert run.returncode == 2 and said in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_an_override_above_the_maximum_and_a_pattern_matching_nothing_are_warned(tmp_path):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(HEADER + "ada,03-add-role,70,generous\n")
    settings = tmp_path / "settings.toml"
    settings.write_text('counted = ["0*", "1O-*"]\n')
    run = grade_example(tmp_path, f"--overrides={overrides}", f"--settings={settings}")
    assert run.returncode == 0, run.stderr
    assert "override for 'ada' (03-add-role, line 2): 70 points, above the item's 7" in run.stderr
    assert "counted pattern '1O-*' matches no exercise or quiz question" in run.stderr
    assert "counted pattern '0*'" not in run.stderr


@pytest.mark.parametrize(
    ("folder", "said"),
    [
        (EXAMPLE / "ada", "looks like one learner's course folder or an unpacked hand-in"),
        (EXAMPLE.parents[1], "looks like the course's own folder"),
    ],
    ids=["a learner's folder", "the course's checkout"],
)
def test_a_folder_that_is_not_a_class_is_refused(tmp_path, folder, said):
    run = grade(folder, tmp_path / "out", "--trusted-submissions")
    assert run.returncode == 2 and said in " ".join(run.stderr.split()), run.stderr
    assert "give the folder that holds every learner's folder or hand-in" in " ".join(
        run.stderr.split()
    )
    assert not (tmp_path / "out").exists()


def test_a_second_grading_into_the_same_folder_is_refused_while_one_runs(tmp_path):
    from checker.grading.outputs import held

    with held(tmp_path / "out"):  # a grading holding the folder, as the first run does
        run = grade_example(tmp_path)
        assert run.returncode == 2, run.stderr
        told = " ".join(run.stderr.split())
        assert f"another grading is writing {tmp_path / 'out'} (process {os.getpid()}" in told
        assert not (tmp_path / "out" / "grades.csv").exists()
    assert grade_example(tmp_path).returncode == 0
    assert (tmp_path / "out" / "grades.csv").exists()
