"""Exercise notebooks, solution notebooks and the lessons' Challenge cells, from one source.

Everything is generated from the course's lessons (as ``otter
assign`` and nbgrader's ``generate_assignment`` do), so a notebook can never drift from
the exercise it shows. Writing keeps the outputs of every cell whose source did not
change; ``make notebooks`` then executes the notebooks to refresh the rest.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..course import Course, Lesson
from ..judge.answers import MAGIC
from ..judge.kinds import Exercise

EXERCISES_INTRO = """\
# Exercises · {number} {title}

Exercises for lesson [{number}](../notebooks/{lesson}.ipynb).

**How the exercises work** (each exercise has a name of its own, such as `{handle}`)
- `{handle}.task()` states the task: where it starts, what to write, what must be preserved.
- Write your answer in the cell that starts with `%%answer <exercise id>`, and run it: \
that saves it.
- `{handle}.check()` judges what your answer *does*: it runs it on scratch copies of a database \
seeded with rows, never on your files, and says what is wrong and how to see it.
- `{handle}.hint()` gives a hint (call it again for the next one); `{handle}.solution()` shows \
a solution.
- More checks run when the instructor grades: passing here is necessary, not always sufficient. \
The feedback says how many.
"""
SOLUTIONS_INTRO = """\
# Solutions · {number} {title}

The exercises of [exercises/{number}](../exercises/{lesson}_exercises.ipynb) with their answers \
filled in. The test suite runs this notebook, so every solution is proved to pass its own checks.
"""
STUCK = (
    "Stuck? `{handle}.hint()` shows a hint; run it again for the next one. "
    "`{handle}.solution()` shows a solution."
)
CHALLENGE_INTRO = """\
## Challenge

Put the lesson to work. Read the task, write your answer in the cell that starts with `%%answer`, \
run
that cell to save it, then run the check. It runs your answer on scratch databases, never on yours.
`challenge.hint()` gives a hint (again for the next one); `challenge.solution()` shows a \
solution."""
MORE_PRACTICE = """
More practice: [the other exercises of this lesson](../exercises/{lesson}_exercises.ipynb)."""
CHALLENGE_END = "challenge.check()"
KERNEL_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "pygments_lexer": "ipython3"},
}


def handle(exercise: Exercise) -> str:
    """The name a notebook gives an exercise: ``ex_add_role`` for ``03-add-role``."""
    return "ex_" + exercise.id.split("-", 1)[1].replace("-", "_")


def answer_cell(exercise: Exercise, source: str) -> str:
    """The ``%%answer`` cell holding ``source`` as the answer to ``exercise``."""
    return f"{MAGIC} {exercise.id}\n{source.rstrip()}"


def exercise_cells(lesson: Lesson, *, solved: bool) -> list[NotebookNode]:
    """The cells of a lesson's exercise notebook, or of its solution notebook."""
    intro = SOLUTIONS_INTRO if solved else EXERCISES_INTRO
    first = handle(lesson.exercises[0])
    text = intro.format(number=lesson.number, title=lesson.title, lesson=lesson.name, handle=first)
    cells = [
        nbformat.v4.new_markdown_cell(text),
        nbformat.v4.new_code_cell("from checker.notebook import exercise"),
    ]
    for exercise in lesson.exercises:
        name = handle(exercise)
        cells += [
            nbformat.v4.new_markdown_cell(f"## Exercise `{exercise.id}`: {exercise.title}"),
            nbformat.v4.new_code_cell(f'{name} = exercise("{exercise.id}")\n{name}.task()'),
            nbformat.v4.new_code_cell(
                answer_cell(exercise, exercise.solution if solved else exercise.starter)
            ),
            nbformat.v4.new_code_cell(f"{name}.check()"),
        ]
        if not solved:
            cells.append(nbformat.v4.new_markdown_cell(STUCK.format(handle=name)))
    return cells


def challenge_cells(lesson: Lesson) -> list[NotebookNode]:
    """A lesson's Challenge section: its first exercise, to answer in the lesson itself, and
    a link to the exercise notebook when the lesson has more exercises than that one."""
    exercise = lesson.exercises[0]
    intro = CHALLENGE_INTRO + (MORE_PRACTICE if len(lesson.exercises) > 1 else "")
    return [
        nbformat.v4.new_markdown_cell(intro.format(lesson=lesson.name)),
        nbformat.v4.new_code_cell(f'challenge = exercise("{exercise.id}")\nchallenge.task()'),
        nbformat.v4.new_code_cell(answer_cell(exercise, exercise.starter)),
        nbformat.v4.new_code_cell(CHALLENGE_END),
    ]


def with_challenge(notebook: NotebookNode, lesson: Lesson) -> list[NotebookNode]:
    """The lesson's cells with its Challenge section (heading to ``challenge.check()``)
    replaced, or inserted before the key points when the lesson has none yet."""
    cells = notebook.cells
    if not lesson.exercises:
        return list(cells)
    start = next((i for i, c in enumerate(cells) if c.source.startswith("## Challenge")), None)
    if start is None:
        at = next(i for i, c in enumerate(cells) if c.source.startswith("## Key points"))
        return cells[:at] + challenge_cells(lesson) + cells[at:]
    end = next(i for i, c in enumerate(cells) if i > start and c.source == CHALLENGE_END)
    return cells[:start] + challenge_cells(lesson) + cells[end + 1 :]


def merged(old: NotebookNode | None, cells: list[NotebookNode]) -> NotebookNode:
    """A notebook of ``cells`` that keeps the old outputs, ids and metadata of unchanged cells."""
    notebook = nbformat.v4.new_notebook(metadata=old.metadata if old else KERNEL_METADATA)
    previous = list(old.cells) if old else []
    for index, cell in enumerate(cells):
        before = previous[index] if index < len(previous) else None
        same = before is not None and (before.cell_type, before.source) == (
            cell.cell_type,
            cell.source,
        )
        notebook.cells.append(before if same else cell)
    return notebook


def planned_notebooks(course: Course, root: Path) -> dict[Path, NotebookNode]:
    """Every generated notebook of the course under ``root`` (its folder), by path."""
    planned = {}
    for lesson in course.lessons:
        if not lesson.exercises:
            continue
        for folder, solved in (("exercises", False), ("solutions", True)):
            path = root / folder / f"{lesson.name}_{folder}.ipynb"
            planned[path] = merged(read(path), exercise_cells(lesson, solved=solved))
        path = root / "notebooks" / f"{lesson.name}.ipynb"
        current = read(path)
        if current is not None:
            planned[path] = merged(current, with_challenge(current, lesson))
    return planned


def stale_notebooks(course: Course, root: Path) -> list[Path]:
    """Generated notebooks whose committed cells differ from what their source would give."""
    planned = planned_notebooks(course, root)
    return [path for path, notebook in planned.items() if differs(path, notebook)]


def write_notebooks(course: Course, root: Path) -> list[Path]:
    """Write every generated notebook of the course that changed; returns the paths written."""
    written = []
    for path, notebook in planned_notebooks(course, root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if differs(path, notebook):
            nbformat.write(notebook, path)
            written.append(path)
    return written


def differs(path: Path, notebook: NotebookNode) -> bool:
    """Whether the notebook at ``path`` has other cells (types and sources) than ``notebook``."""
    current = read(path)
    if current is None:
        return True
    shape = [(c.cell_type, c.source) for c in notebook.cells]
    return [(c.cell_type, c.source) for c in current.cells] != shape


def read(path: Path) -> NotebookNode | None:
    """A committed notebook, or None when there is none yet."""
    return nbformat.read(path, as_version=4) if path.is_file() else None
