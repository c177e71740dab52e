"""The feedback a learner reads: points per item, and why each lost point was lost.

Much of it is text the learner controls (their folder's name, their error messages, the
values their migration left), so every piece of it is escaped: it reads as the text it
is, never as Markdown structure or HTML. Hidden checks are named by what they check and
why they failed, never by their code.
"""

from __future__ import annotations

import re

from .. import __version__
from .records import ExerciseRecord, LearnerRecord, QuizRecord, total_points

MARKS = {"passed": "✔", "failed": "✘", "not attempted": "○", "error": "⚠", "timed out": "⌛"}
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~])")
BLOCK_STARTS = re.compile(r"^(\d*)([#>+=.)-])")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain(text: str) -> str:
    """Text shown as itself in Markdown: no markup, no HTML, no line breaks."""
    text = CONTROL_CHARACTERS.sub("", " ".join(str(text).split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return BLOCK_STARTS.sub(r"\1\\\2", MARKDOWN_SPECIALS.sub(r"\\\1", text), count=1)


def verbatim(text: str) -> list[str]:
    """A fenced block showing ``text`` as it is: the fence is longer than any run of
    backticks inside, so nothing in it can close the block."""
    text = CONTROL_CHARACTERS.sub("", str(text))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", text, fence]


def feedback_markdown(learner: LearnerRecord) -> str:
    """What a learner reads: points per item and why each lost point was lost."""
    exercises = [item for item in learner.items if isinstance(item, ExerciseRecord)]
    quizzes = [item for item in learner.items if isinstance(item, QuizRecord)]
    lines = [
        f"# Feedback for {plain(learner.learner)}",
        "",
        f"**{learner.points} of {learner.max_points} points** (checker {__version__}).",
        "",
        "✔ passed, ✘ failed, ○ not attempted, ⚠ error in the answer, ⌛ too slow.",
        "",
        "| | Exercise | Points |",
        "|---|---|---|",
    ]
    for item in exercises:
        counted = "" if item.counts else " (not counted)"
        lines.append(
            f"| {MARKS[item.outcome]} | `{item.id}` {plain(item.title)} "
            f"| {item.points} / {item.max_points}{counted} |"
        )
    lines += instructor_comments(learner)
    if learner.refused:
        lines += ["", "## Files not read", ""]
        lines += [f"- {plain(reason)}" for reason in learner.refused]
    for item in exercises:
        if item.points < item.max_points or item.notes:
            lines += exercise_section(item)
    quiz_points = total_points([item.points for item in quizzes])
    quiz_max = total_points([item.max_points for item in quizzes])
    lines += ["", f"## Quizzes: {quiz_points} of {quiz_max} points", ""]
    for item in quizzes:
        lines.append(f"- {MARKS[item.outcome]} `{item.id}`: {plain(item.message)}")
    return "\n".join(lines) + "\n"


def instructor_comments(learner: LearnerRecord) -> list[str]:
    """The items whose points the instructor set, with the points the checks gave and why."""
    overridden = [item for item in learner.items if item.automatic_points != item.points]
    if not overridden:
        return []
    lines = ["", "## From your instructor", ""]
    for item in overridden:
        reason = f": {plain(item.comment)}" if item.comment else ""
        lines.append(
            f"- `{item.id}`: {item.points} points (the checks gave {item.automatic_points}){reason}"
        )
    return lines


def exercise_section(item: ExerciseRecord) -> list[str]:
    """An exercise that lost points (or has notes): its checks that failed, and why."""
    lines = ["", f"## `{item.id}`: {item.outcome}", "", plain(item.message)]
    lines += [f"- Note: {plain(note)}" for note in item.notes]
    not_run = 0
    for check in item.checks:
        if check.outcome != "failed":
            not_run += check.outcome == "not run"
            continue
        label = " (hidden check)" if check.visibility == "hidden" else ""
        lines.append(f"- {MARKS['failed']} {plain(check.description)}{label}")
        if check.message:
            lines.append(f"  {plain(check.message)}")
    if not_run and item.outcome != "not attempted":
        plural = "s" if not_run != 1 else ""
        if not_run == len(item.checks):
            lines.append(f"- None of its {not_run} check{plural} could run.")
        else:
            lines.append(f"- {not_run} more check{plural} could not run.")
    if item.detail:
        lines += ["", *verbatim(item.detail)]
    return lines
