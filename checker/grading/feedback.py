"""The feedback a learner reads: points per item, and why each lost point was lost.

Much of it is text the learner controls (their folder's name, their error messages, the
values their migration left), so every piece of it is escaped: it reads as the text it
is, never as Markdown structure or HTML. Hidden checks are named by what they check and
why they failed, never by their code.
"""

from __future__ import annotations

import re

from .. import __version__
from .records import ExerciseRecord, GradedItem, LearnerRecord, QuizRecord, total_points

MARKS = {"passed": "✔", "failed": "✘", "not attempted": "○", "error": "⚠", "timed out": "⌛"}
OVERRIDDEN = "✎"
LEGEND = (
    "✔ passed, ✘ failed, ○ not attempted, ⚠ error in the answer, ⌛ too slow, "
    "✎ points set by your instructor."
)
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


def mark(item: GradedItem) -> str:
    """An item's status mark: its outcome's, or ✎ when the instructor set its points."""
    return OVERRIDDEN if item.automatic_points != item.points else MARKS[item.outcome]


def nothing_handed_in(learner: LearnerRecord) -> bool:
    """Whether the learner's record holds no answer at all: no exercise attempted, no quiz
    question answered, nothing the instructor set."""
    return all(
        item.outcome == "not attempted" and item.automatic_points == item.points
        for item in learner.items
    )


def points_line(learner: LearnerRecord) -> str:
    """The learner's total, with the late penalty when there is one."""
    if learner.late is None or not learner.penalty:
        return f"{learner.points} of {learner.max_points} points"
    return (
        f"{learner.points} of {learner.max_points} points ({learner.raw_points} earned, "
        f"less {learner.penalty} for lateness)"
    )


def feedback_markdown(learner: LearnerRecord) -> str:
    """What a learner reads: points per item and why each lost point was lost."""
    exercises = [item for item in learner.items if isinstance(item, ExerciseRecord)]
    quizzes = [item for item in learner.items if isinstance(item, QuizRecord)]
    lines = [
        f"# Feedback for {plain(learner.learner)}",
        "",
        f"**{points_line(learner)}** (checker {__version__}).",
    ]
    lines += lateness_lines(learner)
    if nothing_handed_in(learner):
        lines += ["", "Nothing was handed in: no exercise answered and no quiz question."]
        lines += refusals(learner)
        return "\n".join(lines) + "\n"
    lines += ["", LEGEND, "", "| | Exercise | Points |", "|---|---|---|"]
    for item in exercises:
        counted = "" if item.counts else " (not counted)"
        lines.append(
            f"| {mark(item)} | `{item.id}` {plain(item.title)} "
            f"| {item.points} / {item.max_points}{counted} |"
        )
    lines += instructor_comments(learner)
    lines += refusals(learner)
    for item in exercises:
        if item.points < item.max_points or item.notes:
            lines += exercise_section(item)
    counted = [item for item in quizzes if item.counts]
    quiz_points = total_points([item.points for item in counted])
    quiz_max = total_points([item.max_points for item in counted])
    lines += ["", f"## Quizzes: {quiz_points} of {quiz_max} points", ""]
    for item in quizzes:
        note = "" if item.counts else " (not counted)"
        lines.append(f"- {mark(item)} `{item.id}`{note}: {plain(item.message)}")
    return "\n".join(lines) + "\n"


def lateness_lines(learner: LearnerRecord) -> list[str]:
    """When the hand-in came and what it cost, and the time the learner's machine wrote."""
    if learner.late is None:
        return []
    lines = ["", f"Hand-in: {plain(learner.late['in_words'])}"]
    if learner.late.get("learner_clock"):
        lines.append(
            f"(Your files' newest date, by your own computer's clock, is "
            f"{plain(learner.late['learner_clock'])}; it is shown, not used.)"
        )
    return lines


def refusals(learner: LearnerRecord) -> list[str]:
    """The files of the learner's folder that were not read, and why."""
    if not learner.refused:
        return []
    return ["", "## Files not read", "", *(f"- {plain(reason)}" for reason in learner.refused)]


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
