"""Where answers live: a file, or the ``%%answer ID`` cells of a notebook."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

from .outcomes import AnswerProblem, Outcome

MAGIC = "%%answer"
MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_NOTEBOOK_VALUES = 1_000_000  # parsed, some 60 bytes each: under 100 MB
MAX_ANSWER_BYTES = 2**20
JSON_TEXT = re.compile(rb'"(?:[^"\\]|\\.)*"')


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
        source = path.read_text(encoding="utf-8-sig")  # the byte-order mark some editors write
    except UnicodeDecodeError as error:
        raise AnswerProblem(
            Outcome.ERROR, f"The answer is not UTF-8 text (byte {error.start} cannot be read)."
        ) from None
    if not source.strip():
        raise AnswerProblem(Outcome.NOT_ATTEMPTED, "No answer yet: the answer file is empty.")
    return source


def answer_cells(notebook: Any, shown: str = "the notebook") -> dict[str, list[str]]:
    """The source (without the magic line) of every ``%%answer ID`` cell, by id, in order.

    A cell is read as IPython runs it: blank lines before the magic are dropped and the
    indentation common to every line removed (``leading_empty_lines`` and ``leading_indent``
    of IPython's input transformer), so a cell IPython saved an answer from is graded too.
    ``notebook`` is the notebook's JSON, read without schema validation: only code cells
    whose first line with text holds the magic are looked at, so a notebook of many cells
    costs one pass. An answer cell larger than 1 MB is an ``AnswerProblem``.
    """
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise AnswerProblem(Outcome.ERROR, f"{shown} is not a readable notebook (no cell list).")
    found: dict[str, list[str]] = {}
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        if isinstance(source, str):
            source = [source]
        if not isinstance(source, list) or not all(isinstance(line, str) for line in source):
            continue
        first = next((line for line in source if line and not line.isspace()), "")
        if not first.lstrip().startswith(MAGIC):
            continue
        size = sum(len(line) for line in source)
        text = textwrap.dedent("".join(source)) if size <= MAX_ANSWER_BYTES else first.lstrip()
        lines = text.splitlines(keepends=True)
        start = next((i for i, line in enumerate(lines) if not line.isspace()), len(lines))
        lines = lines[start:]
        words = lines[0].split() if lines else []
        if len(words) != 2 or words[0] != MAGIC:
            continue
        if size > MAX_ANSWER_BYTES:
            raise AnswerProblem(
                Outcome.ERROR,
                f"{shown} has a '{MAGIC} {words[1]}' cell larger than "
                f"{MAX_ANSWER_BYTES // 2**20} MB; not read.",
            )
        if not is_unicode(text):
            raise AnswerProblem(
                Outcome.ERROR,
                f"{shown} has a '{MAGIC} {words[1]}' cell whose text is not Unicode (half of "
                "a character, as JSON's \\ud800 escape writes it); not read.",
            )
        found.setdefault(words[1], []).append("".join(lines[1:]))
    return found


def is_unicode(value: object) -> bool:
    """Whether a value is no text, or text that UTF-8 can write: JSON may escape half of a
    character (a lone surrogate, ``"\\ud800"``), which no file, digest or page can hold."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_notebook(path: Path) -> Any:
    """A notebook file's JSON; too large or unreadable is an ``AnswerProblem``."""
    shown = f"{path.parent.name}/{path.name}"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise AnswerProblem(
            Outcome.ERROR, f"{shown} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; not read."
        )
    return parse_notebook(path.read_bytes(), shown)


def parse_notebook(data: bytes, shown: str) -> Any:
    """A notebook's JSON from its bytes; malformed, deeply nested or not UTF-8 is an
    ``AnswerProblem`` naming the notebook as ``shown``, and so is one of more values than
    ``MAX_NOTEBOOK_VALUES``, counted before parsing from its brackets and the commas outside
    its texts (every value but a container's first follows a comma): each value costs the
    reader some 60 bytes, where its text may take two."""
    outside_texts = JSON_TEXT.sub(b'""', data)  # a comma inside a text is no value
    values = outside_texts.count(b"{") + outside_texts.count(b"[") + outside_texts.count(b",")
    if values > MAX_NOTEBOOK_VALUES:
        raise AnswerProblem(
            Outcome.ERROR,
            f"{shown} holds more than {MAX_NOTEBOOK_VALUES:,} JSON values (objects, arrays, "
            "texts, numbers); not read.",
        )
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise AnswerProblem(
            Outcome.ERROR, f"{shown} is not UTF-8 text (byte {error.start} cannot be read)."
        ) from None
    except (ValueError, RecursionError) as error:
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise AnswerProblem(
            Outcome.ERROR,
            f"{shown} is not a readable notebook ({type(error).__name__}"
            f"{': ' + reason if reason else ''}).",
        ) from None


def from_notebook(path: Path, exercise_id: str) -> str:
    """The answer a notebook gives to an exercise: its last ``%%answer`` cell for it."""
    cells = answer_cells(read_notebook(path), path.name).get(exercise_id)
    if not cells:
        raise AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"{path.name} has no '{MAGIC} {exercise_id}' cell: no answer to check.",
        )
    return cells[-1]
