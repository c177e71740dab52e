"""A learner's feedback as one HTML page: each exercise's graded answer beside its checks.

The page is what an LMS takes back as a submission comment and what a learner opens in any
browser: one file, its style inline, no script, nothing fetched. Everything the learner
wrote (their answer, their folder's name, their error messages) is escaped.
"""

from __future__ import annotations

from html import escape

from .. import __version__
from .feedback import LEGEND, mark, nothing_handed_in, points_line
from .records import ExerciseRecord, LearnerRecord, QuizRecord, total_points

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
.exercise { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: .85em; margin: 0; }
table { border-collapse: collapse; } td, th { padding: .2em .6em; text-align: left; }
tr + tr td { border-top: 1px solid #ddd; }
ul.checks { list-style: none; padding: 0; margin: 0; } ul.checks li { margin-bottom: .5em; }
.passed { color: #1a7f37; } .failed { color: #b42318; } .note { color: #555; }
.message { display: block; margin-left: 1.4em; color: #444; }
"""


def feedback_html(learner: LearnerRecord) -> str:
    """The learner's feedback page: totals, lateness, the instructor's comments, and each
    exercise with its answer beside its checks; quiz questions last."""
    exercises = [item for item in learner.items if isinstance(item, ExerciseRecord)]
    quizzes = [item for item in learner.items if isinstance(item, QuizRecord)]
    name = escape(learner.learner)
    body = [
        f"<h1>Feedback for {name}</h1>",
        f"<p><b>{escape(points_line(learner))}</b> (checker {__version__}).</p>",
    ]
    if learner.late is not None:
        body.append(f"<p>Hand-in: {escape(learner.late['in_words'])}</p>")
    body += [f'<p class="note">Not read: {escape(reason)}</p>' for reason in learner.refused]
    if nothing_handed_in(learner):
        body.append("<p>Nothing was handed in: no exercise answered and no quiz question.</p>")
        return page(f"Feedback for {name}", body)
    body.append(f'<p class="note">{escape(LEGEND)}</p>')
    body.append(summary_table(exercises))
    for item in exercises:
        body += exercise_part(item)
    body += quiz_part(quizzes)
    return page(f"Feedback for {name}", body)


def page(title: str, body: list[str]) -> str:
    """A whole HTML document around ``body``, its style inline."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def summary_table(exercises: list[ExerciseRecord]) -> str:
    """One row per exercise: its mark, id, title and points."""
    rows = [
        f"<tr><td>{mark(item)}</td><td><code>{escape(item.id)}</code></td>"
        f"<td>{escape(item.title)}</td><td>{item.points} / {item.max_points}"
        f"{'' if item.counts else ' (not counted)'}</td></tr>"
        for item in exercises
    ]
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def exercise_part(item: ExerciseRecord) -> list[str]:
    """An exercise: the answer graded on the left, its checks and notes on the right."""
    heading = (
        f'<h2 id="{escape(item.id)}">{mark(item)} <code>{escape(item.id)}</code> '
        f"{escape(item.title)}: {item.points} of {item.max_points}</h2>"
    )
    if item.outcome == "not attempted" and item.automatic_points == item.points:
        return [heading, f"<p>{escape(item.message)}</p>"]
    comment = ""
    if item.automatic_points != item.points:
        comment = (
            f"<p>Your instructor set {item.points} points (the checks gave "
            f"{item.automatic_points}){': ' + escape(item.comment) if item.comment else ''}.</p>"
        )
    answer = item.answer or "(no answer text was graded)"
    checks = []
    for check in item.checks:
        hidden = " (hidden check)" if check.visibility == "hidden" else ""
        message = "" if check.outcome == "passed" or not check.message else check.message
        checks.append(
            f'<li class="{escape(check.outcome)}">{"✔" if check.outcome == "passed" else "✘"} '
            f"{escape(check.description)}{hidden} ({check.points} of {check.max_points})"
            + (f'<span class="message">{escape(message)}</span>' if message else "")
            + "</li>"
        )
    notes = [f'<p class="note">Note: {escape(note)}</p>' for note in item.notes]
    detail = f"<pre>{escape(item.detail)}</pre>" if item.detail else ""
    return [
        heading,
        comment,
        '<div class="exercise">',
        f"<div><pre>{escape(answer)}</pre></div>",
        f'<div><p>{escape(item.message)}</p><ul class="checks">{"".join(checks)}</ul>'
        f"{''.join(notes)}{detail}</div>",
        "</div>",
    ]


def quiz_part(quizzes: list[QuizRecord]) -> list[str]:
    """The quiz questions: each one's mark and what the learner saw in the notebook."""
    counted = [item for item in quizzes if item.counts]
    earned = total_points([item.points for item in counted])
    possible = total_points([item.max_points for item in counted])
    rows = [
        f"<li>{mark(item)} <code>{escape(item.id)}</code>"
        f"{'' if item.counts else ' (not counted)'}: {escape(item.message)}</li>"
        for item in quizzes
    ]
    return [f"<h2>Quizzes: {earned} of {possible} points</h2>", "<ul>", *rows, "</ul>"]
