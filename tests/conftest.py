"""Shared fixtures: a private workspace per test, and a way to run ``flask`` in it; and a
check at the end of the session that no course PostgreSQL server outlived it."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from checker.db import postgres
from checker.db.postgres_supervisor import SESSION_VARIABLE
from checker.lessons import workspace

SERVERS_GONE_WITHIN = 30.0  # seconds for the last workers' servers to be stopped

# Kernels started by the tests (nbval, nbclient) load the course's %%answer magic at start, as
# those of `make lab` do.
os.environ.setdefault("IPYTHONDIR", str(Path(__file__).resolve().parents[1] / ".ipython"))
# Every server this session starts (in workers, kernels, graders) carries its name; the
# check at the end counts only those, whatever else runs on the machine meanwhile.
SESSION = os.environ.setdefault(SESSION_VARIABLE, f"tests-{uuid.uuid4().hex[:12]}")


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


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[SESSION_STARTED] = time.time()


@pytest.hookimpl(trylast=True)  # after pytest-xdist has torn its workers down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a server the tests started is still there. Only the controller
    checks, once every worker has ended; its own server it stops first, as its end would."""
    if hasattr(session.config, "workerinput"):
        return
    postgres.stop()
    started = session.config.stash[SESSION_STARTED]
    end = time.monotonic() + SERVERS_GONE_WITHIN
    while (
        left := [f for f, _ in postgres.course_servers(started, SESSION)]
    ) and time.monotonic() < end:
        time.sleep(0.5)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(
            f"FAILED session-end check: {len(left)} course PostgreSQL server(s) outlived the "
            f"tests: {', '.join(map(str, left))}",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


SESSION_STARTED = pytest.StashKey[float]()
