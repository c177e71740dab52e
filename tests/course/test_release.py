"""A release for graded work holds no solution text; one for self-study holds all of it.

A solution's distinctive lines are those no lesson, starter, base migration, sample app
or engine module contains: text that can only have come from the solution (or from the
last hint, which shows its decisive code). Every one of them must be in a release with
solutions and in no file of a release without.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from notebook_tools import ROOT

import checker
from checker.content.catalogue import EXERCISES

CONTENT = ROOT / "checker" / "content"
MIN_LENGTH = 12
GIVING_AWAY = (".hint(", ".solution(", "%%answer")  # cells whose text may come from a solution


def strings(value: object) -> list[str]:
    """Every string inside a notebook's JSON value (the text of its outputs)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for part in value for text in strings(part)]
    return []


def teaching_text() -> str:
    """Everything the course teaches or starts from, outside the solutions and hints."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if not any(call in source for call in GIVING_AWAY):
                found += [source, *strings(cell.get("outputs", []))]
    sources = [
        *(ROOT / "notebooks").glob("*.md"),
        *(CONTENT / "migrations").glob("*.py"),
        *(CONTENT / "starters").glob("*.py"),
        *(ROOT / "sample_app").rglob("*.py"),
        *(p for p in (ROOT / "checker").rglob("*.py") if "content" not in p.parts),
    ]
    found += [path.read_text() for path in sources]
    return "\n".join(found)


def distinctive_lines() -> dict[str, list[str]]:
    """Each solution's lines that appear nowhere in what the course teaches."""
    taught = teaching_text()
    return {
        path.stem: sorted(
            line
            for line in {line.strip() for line in path.read_text().splitlines()}
            if len(line) >= MIN_LENGTH and not line.startswith(("#", '"""')) and line not in taught
        )
        for path in sorted((CONTENT / "solutions").glob("*.py"))
    }


def release(destination: Path, *options: str) -> Path:
    run = subprocess.run(
        [sys.executable, "-m", "checker", "release", str(destination), *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    return destination


def texts(folder: Path) -> dict[Path, str]:
    """Every file's text; a notebook's as the text of its cells and outputs."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            if path.suffix == ".ipynb":
                text = "\n".join(strings(json.loads(text)))
            found[path] = text
    return found


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    root = tmp_path_factory.mktemp("releases")
    return release(root / "with", "--solutions"), release(root / "without")


def test_solutions_have_distinctive_lines_to_search_for():
    found = distinctive_lines()
    assert sorted(found) == sorted(EXERCISES)
    assert sum(bool(found_lines) for found_lines in found.values()) >= len(EXERCISES) // 2
    assert sum(len(found_lines) for found_lines in found.values()) >= 30


def test_a_release_with_solutions_has_every_distinctive_line(releases):
    everything = "\n".join(texts(releases[0]).values())
    for exercise_id, found in distinctive_lines().items():
        missing = [line for line in found if line not in everything]
        assert not missing, (exercise_id, missing)


def test_a_release_without_solutions_has_no_solution_text(releases):
    files = texts(releases[1])
    leaks = [
        (exercise_id, line, str(path.relative_to(releases[1])))
        for exercise_id, found in distinctive_lines().items()
        for line in found
        for path, text in files.items()
        if line in text
    ]
    assert not leaks
    assert not (releases[1] / "solutions").exists()
    assert not list((releases[1] / "checker" / "content" / "solutions").iterdir())


def test_a_release_holds_what_learners_need_and_nothing_of_the_project(releases):
    for folder in releases:
        assert {p.name for p in folder.iterdir()} >= {"notebooks", "exercises", "sample_app"}
        assert not {"tests", "benchmarks", ".ci", ".git", "workspace"} & {
            p.name for p in folder.iterdir()
        }
        assert not list(folder.rglob("__pycache__")) and not list(folder.rglob("*.egg-info"))


def test_a_release_has_the_learners_readme_and_nothing_for_instructors(releases):
    for folder in releases:
        readme = (folder / "README.md").read_text()
        assert readme == (ROOT / "LEARNERS.md").read_text()
        assert "## Handing in" in readme and "make lab" in readme
        for instructors_only in ("Threat model", "For instructors", "make test", "tests/"):
            assert instructors_only not in readme
    assert "solution on request" not in (releases[1] / "exercises" / "README.md").read_text()


def test_in_a_release_without_solutions_the_notebook_says_so_and_checks_still_work(releases):
    exercise_id = "03-add-role"
    script = (
        "from checker.notebook import exercise\n"
        "from checker.content.catalogue import EXERCISES\n"
        f"ex = exercise({exercise_id!r})\n"
        "print(ex.solution())\n"
        "print(ex.hint(len(EXERCISES[ex._exercise.id].hints)))\n"
        f"print(EXERCISES[{exercise_id!r}].judge(open({str(CONTENT / 'solutions' / exercise_id)!r}"
        " + '.py').read()).outcome.value)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=releases[1]
    )
    assert run.returncode == 0, run.stderr
    said = run.stdout
    assert "Solutions are not part of this release of the course." in said
    assert "not part of this release" in said.splitlines()[1]
    assert said.splitlines()[-1] == "passed"


def test_a_release_is_never_written_over_an_existing_folder(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    run = subprocess.run(
        [sys.executable, "-m", "checker", "release", str(tmp_path / "taken")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2 and "exists and is not empty" in run.stderr
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_a_release_for_a_hub_is_a_git_repository_with_its_nbgitpuller_link(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "checker", "release", str(tmp_path / "course"), "--git",
         "--hub", "https://hub.example.edu/", "--repository",
         "https://github.com/example/migrations-course.git"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    git = ["git", "-C", str(tmp_path / "course")]
    log = subprocess.run([*git, "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.splitlines() == [f"Course release (checker {checker.__version__})"]
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""  # everything released is committed
    link = run.stdout.split("learners open: ")[1].strip()
    address = urlsplit(link)
    assert f"{address.scheme}://{address.netloc}{address.path}" == (
        "https://hub.example.edu/hub/user-redirect/git-pull"
    )
    query = parse_qs(address.query)
    assert query == {
        "repo": ["https://github.com/example/migrations-course.git"],
        "branch": ["main"],
        "targetpath": ["migrations-course"],
        "urlpath": ["lab/tree/migrations-course/notebooks/00_start_here.ipynb"],
    }
    assert (tmp_path / "course" / "notebooks" / "00_start_here.ipynb").is_file()
    wrong = subprocess.run(
        [sys.executable, "-m", "checker", "release", str(tmp_path / "other"), "--hub",
         "hub.example.edu", "--repository", "https://github.com/example/c.git"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert wrong.returncode == 2 and "http(s) address" in wrong.stderr
