"""A learner's session in JupyterLab, in a real Chromium: what they see, step by step.

The steps run in order on one JupyterLab (``make lab`` in a copy of the checkout); each
saves screenshots under ``build/browser-screenshots/`` and ends with a clean browser
console (``conftest.console_stays_clean``).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from lab_page import JupyterLab, Notebook, wait_for
from quiz_answers import RIGHT
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from wrong_answers import WRONG_ANSWERS

from checker.content.catalogue import EXERCISES, QUESTIONS
from checker.db import postgres

LESSON_01 = "notebooks/01_why_migrations.ipynb"
LESSON_11 = "notebooks/11_postgresql.ipynb"
EXERCISES_03 = "exercises/03_first_migrations_exercises.ipynb"
INTENDED_ERRORS = {"expected-error", "raises-exception"}
WIDGET_ERROR = "Error displaying widget"
FORM_BUTTON = ".jp-OutputArea-output .widget-button"
QUESTION = "01-create-all"
EXERCISE = "03-add-password-hash"


def plain(markdown: str) -> str:
    """Inline Markdown as the page shows it."""
    return re.sub(r"[`*]", "", markdown)


def code_cells_with_intended_errors(path: Path) -> set[int]:
    """Indices (among all cells) of the cells tagged as failing on purpose."""
    cells = nbformat.read(path, as_version=4).cells
    return {i for i, c in enumerate(cells) if INTENDED_ERRORS & set(c.metadata.get("tags", []))}


def assert_errors_only_where_intended(notebook: Notebook, path: Path) -> None:
    """Nothing red on screen and no error output saved, except in cells tagged for it."""
    intended = code_cells_with_intended_errors(path)
    shown = set(notebook.stderr_cells())
    assert shown <= intended, f"error output in cells {sorted(shown - intended)}"
    saved = nbformat.read(path, as_version=4).cells
    errors = {
        i
        for i, c in enumerate(saved)
        if any(o.output_type == "error" for o in c.get("outputs", []))
    }
    assert errors <= intended, f"error outputs saved in cells {sorted(errors - intended)}"


def postgres_processes_in(folders: list[Path]) -> list[int]:
    return [
        process.pid
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres"
        and any(str(folder) in " ".join(process.info["cmdline"] or []) for folder in folders)
    ]


@pytest.fixture(scope="module")
def lesson_01(lab: JupyterLab) -> Notebook:
    return lab.open(LESSON_01)


def test_the_url_make_lab_prints_opens_start_here(lab: JupyterLab, course: Path):
    lab.open_start_url()
    lab.screenshot("start-here")
    assert lab.tab_titles() == ["00_start_here.ipynb"]
    assert not lab.dirty_tabs(), "the notebook shows as modified just by opening it"
    assert "Jupyter news" not in lab.page_text()
    lab.driver.find_element(By.CSS_SELECTOR, ".jp-BreadCrumbs-home").click()
    names = wait_for(
        lambda: (found := lab.file_browser_names()) and "notebooks" in found and found,
        20,
        "the file browser to list the course's folder",
    )
    lab.screenshot("file-browser")
    assert list(course.glob("*.egg-info")), "the copy should hold the install's build folder"
    shown_hidden = [name for name in names if name.endswith(".egg-info") or name == "build"]
    assert not shown_hidden, f"build folders in the file browser: {shown_hidden}"


def test_lesson_01_runs_all_with_errors_only_where_intended(
    lab: JupyterLab, lesson_01: Notebook, course: Path
):
    assert not lab.dirty_tabs(), "the lesson shows as modified just by opening it"
    started = time.monotonic()
    lesson_01.run_all()
    print(f"lesson 01, Run All Cells: {time.monotonic() - started:.1f} s")
    lab.screenshot("lesson-01-ran")
    lesson_01.save()
    assert_errors_only_where_intended(lesson_01, course / LESSON_01)
    assert WIDGET_ERROR not in lab.page_text()


def quiz_form(lab: JupyterLab, prompt: str) -> WebElement:
    """The output showing the quiz form whose prompt is ``prompt``."""
    return wait_for(
        lambda: next(
            (
                output
                for output in lab.find_all(".jp-OutputArea-output")
                if prompt in output.text and lab.find_all(".widget-checkbox", output)
            ),
            None,
        ),
        20,
        f"a quiz form asking {prompt!r}",
    )


def choose(lab: JupyterLab, form: WebElement, option: str) -> str:
    """Tick an option, press Check, and return the feedback shown."""

    def feedback() -> str:
        return form.find_elements(By.CSS_SELECTOR, ".widget-html")[-1].text

    before = feedback()
    for row in lab.find_all(".widget-hbox", form):
        if row.text.strip() == option:
            box = row.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
            if not box.is_selected():
                box.click()
    form.find_element(By.XPATH, ".//button[normalize-space()='Check']").click()
    return wait_for(lambda: feedback() != before and feedback(), 20, "the quiz's feedback")


def test_a_quiz_is_a_form_that_answers_and_saves(
    lab: JupyterLab, lesson_01: Notebook, course: Path
):
    question = QUESTIONS[QUESTION]
    form = quiz_form(lab, plain(question.prompt))
    lab.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", form)
    options = [plain(option.text) for option in question.options]
    assert [row.text.strip() for row in lab.find_all(".widget-hbox", form)] == options
    wrong = next(option for option in question.options if option.text != RIGHT[QUESTION])
    feedback = choose(lab, form, plain(wrong.text))
    lab.screenshot("quiz-wrong")
    assert "Not quite" in feedback and plain(wrong.feedback) in feedback
    feedback = choose(lab, form, plain(RIGHT[QUESTION]))
    lab.screenshot("quiz-right")
    assert "Correct" in feedback
    saved = course / "workspace" / "progress" / f"{QUESTION}.json"
    assert json.loads(saved.read_text())["answer"] == RIGHT[QUESTION]


def test_an_exercise_fails_with_what_is_wrong_then_passes_with_the_solution(
    lab: JupyterLab, course: Path
):
    cells = nbformat.read(course / EXERCISES_03, as_version=4).cells
    answer = next(i for i, c in enumerate(cells) if c.source.startswith(f"%%answer {EXERCISE}"))
    wrong = next(w for w in WRONG_ANSWERS if w.exercise_id == EXERCISE and not w.hidden)
    notebook = lab.open(EXERCISES_03)
    notebook.run_cell(1)  # the import
    notebook.run_cell(answer - 1)  # the exercise and its task
    notebook.replace_source(answer, f"%%answer {EXERCISE}\n{wrong.source}")
    notebook.run_cell(answer)
    verdict = notebook.run_cell(answer + 1)
    lab.screenshot("exercise-wrong")
    assert "✘ Failed" in verdict and wrong.message in verdict, verdict
    notebook.replace_source(answer, f"%%answer {EXERCISE}\n{EXERCISES[EXERCISE].solution}")
    notebook.run_cell(answer)
    verdict = notebook.run_cell(answer + 1)
    lab.screenshot("exercise-solved")
    assert "✔ Passed" in verdict and "checks passed" in verdict, verdict
    notebook.save()


def test_restart_and_run_all_then_a_new_kernel_shows_no_widget_error(lab: JupyterLab, course: Path):
    notebook = lab.open(LESSON_01)
    notebook.restart_and_run_all()
    lab.screenshot("lesson-01-restarted")
    assert_errors_only_where_intended(notebook, course / LESSON_01)
    notebook.save()  # as autosave would: outputs now name the forms of this kernel
    notebook.shut_down_kernel()
    reopened = lab.open(LESSON_01)  # a new kernel
    quizzes = sum("quiz(" in c.source for c in nbformat.read(course / LESSON_01, 4).cells)
    wait_for(
        lambda: lab.find_all(FORM_BUTTON) or WIDGET_ERROR in lab.page_text(),
        30,
        "the quiz outputs to render",
    )
    time.sleep(3)  # a widget whose model is missing says so after two seconds
    lab.screenshot("lesson-01-reopened")
    assert WIDGET_ERROR not in lab.page_text()
    forms = lab.find_all(FORM_BUTTON)
    assert len(forms) == quizzes, f"{len(forms)} quiz forms shown for {quizzes} quiz cells"
    assert not lab.dirty_tabs()
    reopened.shut_down_kernel()


def test_lesson_11_runs_with_its_server_and_leaves_none(lab: JupyterLab, course: Path):
    started = time.time()
    notebook = lab.open(LESSON_11)
    notebook.run_all(seconds=600)
    lab.screenshot("lesson-11-ran")
    notebook.save()
    assert_errors_only_where_intended(notebook, course / LESSON_11)
    left = [f for f, _ in postgres.course_servers(started)]
    assert not left and not postgres_processes_in(left), f"servers left running: {left}"

    cells = nbformat.read(course / LESSON_11, as_version=4).cells
    starts = next(i for i, c in enumerate(cells) if "postgres.start()" in c.source)
    restarted = time.time()
    for index in range(starts + 1):
        if cells[index].cell_type == "code":
            notebook.run_cell(index)
    running = [f for f, _ in postgres.course_servers(restarted)]
    assert running and postgres_processes_in(running), "the lesson started no server"
    notebook.shut_down_kernel()
    lab.screenshot("lesson-11-kernel-shut-down")
    wait_for(
        lambda: not postgres.course_servers(restarted) and not postgres_processes_in(running),
        30,
        "the server to stop with the kernel",
    )
