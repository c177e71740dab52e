"""The class report: one HTML page an instructor reads after a grading run.

It shows the grade distribution, each exercise's pass rate, the checks the class failed
most (with the message most learners got), the hand-ins' lateness, and answers identical
or nearly so between learners (``similarity``). Charts are inline SVG and the style is
inline: the page works offline, with no script and nothing fetched.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from html import escape

from .. import __version__
from .feedback_page import page
from .records import ExerciseRecord, LearnerRecord
from .similarity import similar_pairs

BINS = 10
MOST_FAILED = 15
BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 44, 8, 160


@dataclass(frozen=True)
class FailedCheck:
    """A check and how many learners who attempted its exercise failed it."""

    id: str
    description: str
    failed: int
    attempted: int
    message: str
    message_count: int


def report_html(learners: list[LearnerRecord], *, isolation: str) -> str:
    """The class report for the learners of one grading run."""
    body = [
        "<h1>Class report</h1>",
        f"<p>{len(learners)} learners graded (checker {__version__}; learner code isolated by:"
        f" {escape(isolation)}).</p>",
    ]
    if not learners:
        return page("Class report", [*body, "<p>No learner was graded.</p>"])
    body += distribution_part(learners)
    body += pass_rate_part(learners)
    body += failed_checks_part(learners)
    body += lateness_part(learners)
    body += similarity_part(learners)
    return page("Class report", body)


def distribution_part(learners: list[LearnerRecord]) -> list[str]:
    """A histogram of the learners' totals as a share of the points possible."""
    maximum = learners[0].max_points
    shares = [learner.points / maximum if maximum else 0 for learner in learners]
    counts = [0] * BINS
    for share in shares:
        counts[min(int(share * BINS), BINS - 1)] += 1
    labels = [f"{10 * i}–{10 * i + 10}%" for i in range(BINS)]
    totals = [learner.points for learner in learners]
    summary = (
        f"Median {statistics.median(totals):g}, mean {statistics.fmean(totals):.2f}, "
        f"lowest {min(totals):g}, highest {max(totals):g}, of {maximum:g} points."
    )
    return [
        "<h2>Grade distribution</h2>",
        f"<p>{summary}</p>",
        column_chart("Learners per band of the total", labels, counts),
    ]


def pass_rate_part(learners: list[LearnerRecord]) -> list[str]:
    """Each exercise's share of learners who passed it, and who attempted it."""
    rows, labels, rates = [], [], []
    for index, item in enumerate(learners[0].items):
        if not isinstance(item, ExerciseRecord):
            continue
        outcomes = [learner.items[index].outcome for learner in learners]
        passed = outcomes.count("passed")
        attempted = len(outcomes) - outcomes.count("not attempted")
        labels.append(item.id)
        rates.append(round(100 * passed / len(outcomes)))
        rows.append(
            f"<tr><td><code>{escape(item.id)}</code></td><td>{passed}</td><td>{attempted}</td>"
            f"<td>{len(outcomes)}</td></tr>"
        )
    return [
        "<h2>Pass rate per exercise</h2>",
        row_chart("Percent of learners who passed", labels, rates, suffix="%"),
        "<table><tr><th>Exercise</th><th>Passed</th><th>Attempted</th><th>Learners</th></tr>",
        *rows,
        "</table>",
    ]


def failed_checks(learners: list[LearnerRecord]) -> list[FailedCheck]:
    """The checks failed by the most learners who attempted their exercise, with the
    message most of them got."""
    failed: Counter[str] = Counter()
    attempted: Counter[str] = Counter()
    messages: dict[str, Counter[str]] = {}
    descriptions: dict[str, str] = {}
    for learner in learners:
        for item in learner.items:
            if not isinstance(item, ExerciseRecord) or item.outcome == "not attempted":
                continue
            for check in item.checks:
                attempted[check.id] += 1
                descriptions[check.id] = check.description
                if check.outcome == "failed":
                    failed[check.id] += 1
                    messages.setdefault(check.id, Counter())[check.message] += 1
    ranked = sorted(failed, key=lambda check_id: (-failed[check_id], check_id))
    found = []
    for check_id in ranked[:MOST_FAILED]:
        message, count = messages[check_id].most_common(1)[0]
        found.append(
            FailedCheck(
                check_id,
                descriptions[check_id],
                failed[check_id],
                attempted[check_id],
                message,
                count,
            )
        )
    return found


def failed_checks_part(learners: list[LearnerRecord]) -> list[str]:
    """A table of the checks failed most."""
    found = failed_checks(learners)
    if not found:
        return ["<h2>Checks failed most</h2>", "<p>No check failed.</p>"]
    rows = [
        f"<tr><td><code>{escape(check.id)}</code><br>{escape(check.description)}</td>"
        f"<td>{check.failed} of {check.attempted}</td>"
        f"<td>{escape(check.message)} <small>({check.message_count}×)</small></td></tr>"
        for check in found
    ]
    return [
        "<h2>Checks failed most</h2>",
        "<table><tr><th>Check</th><th>Failed by</th><th>Most common message</th></tr>",
        *rows,
        "</table>",
    ]


def lateness_part(learners: list[LearnerRecord]) -> list[str]:
    """How many hand-ins came on time, late, too late, or with no time known."""
    lates = [learner.late for learner in learners if learner.late is not None]
    if not lates:
        return []
    counts = Counter(
        "not accepted"
        if not late["accepted"]
        else "late"
        if late["periods_late"]
        else "no time known"
        if not (late["submitted"] or late["time_source"])
        else "on time"
        for late in lates
    )
    labels = ["on time", "late", "not accepted", "no time known"]
    late_rows = [
        f"<tr><td>{escape(learner.learner)}</td><td>{escape(learner.late['in_words'])}</td>"
        f"<td>−{learner.penalty}</td></tr>"
        for learner in learners
        if learner.late is not None and (learner.penalty or not learner.late["accepted"])
    ]
    return [
        "<h2>Hand-ins</h2>",
        column_chart("Hand-ins by lateness", labels, [counts[label] for label in labels]),
        *(
            [
                "<table><tr><th>Learner</th><th>Hand-in</th><th>Penalty</th></tr>",
                *late_rows,
                "</table>",
            ]
            if late_rows
            else []
        ),
    ]


def similarity_part(learners: list[LearnerRecord]) -> list[str]:
    """Pairs of learners with identical or nearly identical answers."""
    pairs = similar_pairs(learners)
    heading = "<h2>Identical or nearly identical answers</h2>"
    explained = (
        "<p>Answers compared as Python tokens (layout, comments, docstrings and revision ids "
        "aside); short answers and answers many learners share are left out. A prompt to "
        "look, not a verdict.</p>"
    )
    if not pairs:
        return [heading, explained, "<p>None found.</p>"]
    rows = [
        f"<tr><td>{escape(pair.learners[0])}</td><td>{escape(pair.learners[1])}</td><td>"
        + ", ".join(
            f"<code>{escape(exercise)}</code> "
            + ("identical" if likeness == 1 else f"{round(100 * likeness)}% alike")
            for exercise, likeness in pair.exercises
        )
        + "</td></tr>"
        for pair in pairs
    ]
    return [
        heading,
        explained,
        "<table><tr><th>Learner</th><th>Learner</th><th>Exercises</th></tr>",
        *rows,
        "</table>",
    ]


def column_chart(title: str, labels: list[str], values: list[int]) -> str:
    """A column chart as inline SVG, each column labelled with its value."""
    top = max(values) or 1
    width = len(values) * (BAR_WIDTH + BAR_GAP)
    parts = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = index * (BAR_WIDTH + BAR_GAP)
        height = round(CHART_HEIGHT * value / top)
        y = CHART_HEIGHT - height + 16
        parts.append(
            f'<rect class="bar" x="{x}" y="{y}" width="{BAR_WIDTH}" height="{height}" '
            f'fill="#4062bb"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{x + BAR_WIDTH / 2}" y="{y - 3}" text-anchor="middle">{value}</text>'
            f'<text x="{x + BAR_WIDTH / 2}" y="{CHART_HEIGHT + 32}" text-anchor="middle" '
            f'font-size="10">{escape(label)}</text>'
        )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{CHART_HEIGHT + 40}" font-size="12">{"".join(parts)}</svg>'
    )


def row_chart(title: str, labels: list[str], values: list[int], *, suffix: str) -> str:
    """A bar chart of values from 0 to 100 as inline SVG, one labelled row per value."""
    label_width, row, scale = 220, 22, 4
    parts = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = index * row
        parts.append(
            f'<text x="0" y="{y + 15}">{escape(label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{max(value * scale, 1)}" '
            f'height="{row - 6}" fill="#1a7f37"><title>{escape(label)}: {value}{suffix}'
            f"</title></rect>"
            f'<text x="{label_width + value * scale + 6}" y="{y + 15}">{value}{suffix}</text>'
        )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'width="{label_width + 100 * scale + 60}" height="{len(values) * row}" '
        f'font-size="12">{"".join(parts)}</svg>'
    )
