"""Where answers live: a file, or the ``%%answer ID`` cells of a notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat

from .outcomes import AnswerProblem, Outcome

MAGIC = "%%answer"
MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_ANSWER_BYTES = 2**20


def read_answer(path: Path) -> str:
    """The text of an answer file; missing, empty, too large or not UTF-8 is a problem."""
    path = Path(path)
    if not path.is_file():
        raise AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"No answer yet: there is no file {path.name}. Run the %%answer cell to save one.",
        )
    if path.stat().st_size > MAX_ANSWER_BYTES:
        raise AnswerProblem(
            Outcome.ERROR, f"The answer is larger than {MAX_ANSWER_BYTES // 2**20} MB; not read."
        )
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise AnswerProblem(
            Outcome.ERROR, f"The answer is not UTF-8 text (byte {error.start} cannot be read)."
        ) from None
    if not source.strip():
        raise AnswerProblem(Outcome.NOT_ATTEMPTED, "No answer yet: the answer file is empty.")
    return source


def answer_cells(notebook: nbformat.NotebookNode, exercise_id: str) -> list[str]:
    """The sources (without the magic line) of every ``%%answer ID`` cell, in order."""
    sources = []
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        first, _, rest = cell.get("source", "").partition("\n")
        if first.split() == [MAGIC, exercise_id]:
            sources.append(rest)
    return sources


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook read for its cells; unreadable or too large is an ``AnswerProblem``."""
    shown = f"{path.parent.name}/{path.name}"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise AnswerProblem(
            Outcome.ERROR, f"{shown} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; not read."
        )
    try:
        return nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    except UnicodeDecodeError as error:
        raise AnswerProblem(
            Outcome.ERROR, f"{shown} is not UTF-8 text (byte {error.start} cannot be read)."
        ) from None
    except Exception as error:  # nbformat raises assorted JSON and validation errors
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise AnswerProblem(
            Outcome.ERROR,
            f"{shown} is not a readable notebook ({type(error).__name__}"
            f"{': ' + reason if reason else ''}).",
        ) from None


def from_notebook(path: Path, exercise_id: str) -> str:
    """The answer a notebook gives to an exercise: its last ``%%answer`` cell for it."""
    cells = answer_cells(read_notebook(path), exercise_id)
    if not cells:
        raise AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"{path.name} has no '{MAGIC} {exercise_id}' cell: no answer to check.",
        )
    return cells[-1]
