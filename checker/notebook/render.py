"""How reports and texts look: plain text (terminals, CI logs, nbval) and HTML (JupyterLab)."""

from __future__ import annotations

import html

from ..judge.outcomes import Outcome, Report, Status

OUTCOME_MARKS = {
    Outcome.PASSED: "✔",
    Outcome.FAILED: "✘",
    Outcome.NOT_ATTEMPTED: "○",
    Outcome.ERROR: "⚠",
    Outcome.TIMED_OUT: "⌛",
}
OUTCOME_COLOURS = {
    Outcome.PASSED: "#1a7f37",
    Outcome.FAILED: "#cf222e",
    Outcome.NOT_ATTEMPTED: "#6e7781",
    Outcome.ERROR: "#bc4c00",
    Outcome.TIMED_OUT: "#bc4c00",
}
STATUS_MARKS = {Status.PASSED: "✔", Status.FAILED: "✘", Status.NOT_RUN: "–"}


def hidden_note(report: Report) -> str:
    """A line saying how many more checks run at grading (empty when none)."""
    if not report.hidden_not_run:
        return ""
    plural = "s" if report.hidden_not_run != 1 else ""
    return f"{report.hidden_not_run} more check{plural} run at grading."


def as_text(report: Report, title: str) -> str:
    """A report as plain text, a line per check."""
    lines = [
        f"{OUTCOME_MARKS[report.outcome]} {report.exercise_id} ({title}): {report.outcome.value}"
    ]
    lines.append(f"  {report.message}")
    for check in report.checks:
        line = f"  {STATUS_MARKS[check.status]} {check.description}"
        if check.message:
            line += f"\n      {check.message}"
        lines.append(line)
    if report.detail:
        lines.extend("    " + line for line in report.detail.splitlines())
    if hidden_note(report):
        lines.append(f"  {hidden_note(report)}")
    return "\n".join(lines)


def as_html(report: Report, title: str) -> str:
    """A report as HTML, coloured by outcome."""
    colour = OUTCOME_COLOURS[report.outcome]
    parts = [
        f'<div style="border-left: 4px solid {colour}; padding: 0.3em 0.8em">',
        f'<b style="color: {colour}">{OUTCOME_MARKS[report.outcome]} '
        f"{html.escape(report.outcome.value.capitalize())}</b> "
        f"<code>{html.escape(report.exercise_id)}</code> {html.escape(title)}",
        f"<p>{html.escape(report.message)}</p>",
    ]
    if report.checks:
        parts.append('<ul style="list-style: none; padding-left: 0.5em">')
        for check in report.checks:
            message = f"<br><i>{html.escape(check.message)}</i>" if check.message else ""
            parts.append(
                f"<li>{STATUS_MARKS[check.status]} {html.escape(check.description)}{message}</li>"
            )
        parts.append("</ul>")
    if report.detail:
        parts.append(f"<pre>{html.escape(report.detail)}</pre>")
    if hidden_note(report):
        parts.append(f"<p><i>{html.escape(hidden_note(report))}</i></p>")
    parts.append("</div>")
    return "\n".join(parts)


class Feedback:
    """A report as notebook output: rich in JupyterLab, plain text everywhere else."""

    def __init__(self, report: Report, title: str) -> None:
        self.report = report
        self.title = title

    def __repr__(self) -> str:
        return as_text(self.report, self.title)

    def _repr_html_(self) -> str:
        return as_html(self.report, self.title)


class Text:
    """Markdown for JupyterLab, shown as the same text where Markdown cannot render."""

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def __repr__(self) -> str:
        return self.markdown

    def _repr_markdown_(self) -> str:
        return self.markdown
