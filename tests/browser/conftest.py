"""The course's JupyterLab, started by ``make lab`` in a copy of this checkout, and a
headless Chromium on it.

The copy holds the checkout's files (and the build folder a install leaves, which the file
browser must hide) and uses this checkout's ``.venv``, so the tests run what a learner
runs without touching this checkout's notebooks or progress. Screenshots of every step go
to ``build/browser-screenshots/``, kept for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_page import JupyterLab
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "browser-screenshots"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "chromium.chromedriver")
URL_WITH_TOKEN = re.compile(r"(http://(?:localhost|127\.0\.0\.1):\d+/lab\S*\?token=\w+)")
# Chromium on a machine without a network or a display: no sandbox (tests may run as
# root), nothing fetched in the background, no GPU.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def first_on_path(names: tuple[str, ...]) -> str:
    found = next((path for name in names if (path := shutil.which(name))), None)
    if found is None:
        pytest.exit(f"none of {', '.join(names)} is installed: run `make test-browser`", 2)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout as it is now (tracked files, modification times kept, so
    ``make`` sees the installed ``.venv`` as up to date)."""
    copy = tmp_path_factory.mktemp("course")
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    for build_folder in ROOT.glob("*.egg-info"):
        shutil.copytree(build_folder, copy / build_folder.name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    if subprocess.run(["make", "--question", ".venv/.installed"], cwd=copy).returncode:
        # make lab would install the copy into this checkout's .venv, which would then
        # import the course from a folder deleted after the tests
        pytest.exit("the checkout's .venv is not up to date: run `make test-browser`", 2)
    return copy


@pytest.fixture(scope="session")
def lab_url(course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``make lab`` as the README says, on a free port, and read the URL it prints.
    Settings and workspaces of the person running the tests are not used: JupyterLab
    starts as it does for a learner who never changed any."""
    arguments = f"--no-browser --port={free_port()} --ServerApp.port_retries=0"
    settings = tmp_path_factory.mktemp("jupyter-config")
    lab = subprocess.Popen(
        ["make", "lab", f"LAB_ARGS={arguments}"], cwd=course, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(settings)},
    )  # fmt: skip
    printed = []
    for line in lab.stdout:
        printed.append(line)
        found = URL_WITH_TOKEN.search(line)
        if found:
            break
    else:
        pytest.fail("make lab printed no URL with a token:\n" + "".join(printed[-20:]))
    threading.Thread(target=printed.extend, args=(lab.stdout,), daemon=True).start()  # drain
    try:
        yield found.group(1)
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def driver() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = first_on_path(BROWSERS)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(first_on_path(DRIVERS)))
    yield chrome
    chrome.quit()


@pytest.fixture(scope="session")
def lab(driver: webdriver.Chrome, lab_url: str) -> JupyterLab:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return JupyterLab(driver, lab_url, SCREENSHOTS)


def console_problems(driver: webdriver.Chrome) -> list[str]:
    """Uncaught errors in the page's console and requests that failed, since last asked."""
    problems = [
        f"console: {entry['message']}"
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
    ]
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.responseReceived":
            response = params["response"]
            if response["status"] >= 400:
                problems.append(f"request: {response['status']} {response['url']}")
        elif message["method"] == "Network.loadingFailed" and not params.get("canceled"):
            problems.append(f"request failed: {params.get('errorText')}")
    return problems


@pytest.fixture(autouse=True)
def console_stays_clean(request: pytest.FixtureRequest, lab: JupyterLab) -> Iterator[None]:
    """Each step ends with no uncaught error in the console and no failed request since
    the step before (what a module's fixtures did counts for its first step); a screenshot
    is kept when a step fails."""
    yield
    report = getattr(request.node, "outcome_of_call", None)
    if report is not None and report.failed:
        lab.screenshot(f"{request.node.name}-failed")
    problems = console_problems(lab.driver)
    assert not problems, "\n".join(problems)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.outcome_of_call = report
    return report
