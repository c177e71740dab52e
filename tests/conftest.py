"""Shared fixtures: a private workspace per test, and a way to run ``flask`` in it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from checker.lessons import workspace

# Kernels started by the tests (nbval, nbclient) load the course's %%answer magic at start, as
# those of `make lab` do.
os.environ.setdefault("IPYTHONDIR", str(Path(__file__).resolve().parents[1] / ".ipython"))


@pytest.fixture
def space(tmp_path: Path) -> workspace.Workspace:
    """A fresh workspace holding a copy of the sample app."""
    return workspace.reset(tmp_path / "workspace")


@pytest.fixture
def flask(space: workspace.Workspace):
    """Run ``flask ARGS`` in the workspace; returns the CompletedProcess."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["flask", *args],
            cwd=space.path,
            env={**os.environ, **space.environ(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run
