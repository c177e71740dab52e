"""The lesson notebooks: lesson shape, committed outputs, and honest error cells.

nbval (run by the same test command) re-executes the exercise and solution notebooks and
compares their outputs; ``test_rerun_lessons.py`` runs each lesson twice, as "Restart Kernel
and Run All" would, the first run compared with the committed outputs as nbval does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from notebook_tools import (
    LESSONS,
    ROOT,
    START_HERE,
    output_text,
    read,
)

ERROR_MARKERS = ("Error:", "ERROR ", "Traceback")


def lesson_id(path: Path) -> str:
    return path.stem


def test_lessons_are_numbered_from_01_without_gaps():
    numbers = [int(path.name[:2]) for path in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1))
    assert len(LESSONS) >= 4


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_lesson_has_the_lesson_shape(path):
    markdown = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
    number = path.name[:2]
    assert markdown.startswith(f"# {number} · ")
    for heading in (
        "**Time:**",
        "**Questions**",
        "**Objectives**",
        "## Key points",
        "## Common pitfalls",
    ):
        assert heading in markdown, f"{path.name} lacks {heading}"


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_lesson_starts_its_own_workspace(path):
    first_code = next(c for c in read(path).cells if c.cell_type == "code")
    assert f'lessons.start("{path.stem}")' in first_code.source


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_lesson_is_committed_executed_in_order(path):
    counts = [c.execution_count for c in read(path).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        "re-run the notebook top to bottom (make notebooks)"
    )


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_errors_appear_only_in_cells_tagged_for_them(path):
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        text = "".join(o.text for o in cell.outputs if o.output_type == "stream")
        raised = any(o.output_type == "error" for o in cell.outputs)
        printed_error = any(marker in text for marker in ERROR_MARKERS)
        assert raised == ("raises-exception" in tags), f"cell {index}: raised={raised}, tags={tags}"
        assert printed_error == ("expected-error" in tags), f"cell {index}: {text[-300:]}"


EXERCISE_NOTEBOOKS = sorted((ROOT / "exercises").glob("*.ipynb"))
SOLUTION_NOTEBOOKS = sorted((ROOT / "solutions").glob("*.ipynb"))


def answer_cell_ids(paths: list[Path]) -> list[str]:
    ids = []
    for path in paths:
        for cell in read(path).cells:
            if cell.cell_type == "code" and cell.source.startswith("%%answer "):
                ids.append(cell.source.split()[1])
    return ids


def test_every_exercise_has_one_starter_and_one_solution_notebook_cell():
    from checker.content.catalogue import EXERCISES

    assert sorted(answer_cell_ids(EXERCISE_NOTEBOOKS)) == sorted(EXERCISES)
    assert sorted(answer_cell_ids(SOLUTION_NOTEBOOKS)) == sorted(EXERCISES)


@pytest.mark.parametrize(
    ("paths", "outcome"),
    [(EXERCISE_NOTEBOOKS, "not attempted"), (SOLUTION_NOTEBOOKS, "passed")],
    ids=["exercises are not attempted", "solutions pass"],
)
def test_committed_checks_show_the_expected_outcome(paths, outcome):
    checks = [
        output_text(cell)
        for path in paths
        for cell in read(path).cells
        if cell.cell_type == "code" and re.fullmatch(r"ex_\w+\.check\(\)", cell.source.strip())
    ]
    assert len(checks) == len(answer_cell_ids(paths))
    for text in checks:
        assert text.splitlines()[0].endswith(f": {outcome}"), text


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_lesson_embeds_a_quiz_and_a_challenge(path):
    sources = [c.source for c in read(path).cells if c.cell_type == "code"]
    assert sum(source.count("quiz(") for source in sources) >= 2
    assert any(source.startswith("%%answer ") for source in sources)
    check_cell = next(c for c in read(path).cells if c.source == "challenge.check()")
    assert "not attempted" in output_text(check_cell)


def test_start_here_maps_every_lesson_and_exercise():
    from checker.content.catalogue import EXERCISES

    markdown = "\n".join(c.source for c in read(START_HERE).cells if c.cell_type == "markdown")
    for path in LESSONS:
        assert f"]({path.name})" in markdown, f"00_start_here does not link {path.name}"
    listing = "".join(
        output_text(c) for c in read(START_HERE).cells if "get_course" in c.source
    )
    assert [line.split()[0] for line in listing.splitlines()] == list(EXERCISES)


ALL_NOTEBOOKS = [START_HERE, *LESSONS, *EXERCISE_NOTEBOOKS, *SOLUTION_NOTEBOOKS]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_its_kernel_so_opening_it_changes_nothing(path):
    assert read(path).metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS + SOLUTION_NOTEBOOKS, ids=lambda p: p.name)
def test_each_exercise_of_a_notebook_has_a_name_of_its_own(path):
    names = [
        match.group(1)
        for cell in read(path).cells
        if (match := re.match(r"(\w+) = exercise\(", cell.source))
    ]
    assert len(names) == len(set(names)) == len(answer_cell_ids([path]))


CHEAT_SHEET = ROOT / "notebooks" / "cheat_sheet.md"


def key_terms(path: Path) -> set[str]:
    """The names a lesson's key points teach: code spans that are one dotted or underscored
    identifier, or a call (``transaction_per_migration``, ``autocommit_block()``)."""
    markdown = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
    points = markdown.split("## Key points", 1)[1].split("## Common pitfalls", 1)[0]
    spans = re.findall(r"`([^`\n]+)`", points)
    return {
        span.removesuffix("()")
        for span in spans
        if re.fullmatch(r"[A-Za-z_][\w.]*(\(\))?", span) and re.search(r"[_.]|\(\)$", span)
    }


def commands_run(path: Path) -> set[str]:
    """The ``flask db`` commands a lesson runs, in shell cells or through ``lesson.setup``."""
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    return set(re.findall(r"flask db ([a-z]+)\b", code)) | set(
        re.findall(r"[\"']db ([a-z]+)\b", code)
    )


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_the_cheat_sheet_covers_the_lesson(path):
    sheet = CHEAT_SHEET.read_text()
    number = path.name[:2]
    assert re.search(rf"\[(\d\d, )*{number}(, \d\d)*\]", sheet), f"nothing cites lesson {number}"
    missing_commands = sorted(c for c in commands_run(path) if f"flask db {c}" not in sheet)
    missing_terms = sorted(term for term in key_terms(path) if term not in sheet)
    assert not missing_commands and not missing_terms, (missing_commands, missing_terms)
