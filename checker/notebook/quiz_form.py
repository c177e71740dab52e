"""Quizzes on screen: an ipywidgets form in JupyterLab, the question as text elsewhere.

The form renders the questions' Markdown (code, bold, emphasis) and wraps long options.
The text form never shows a saved answer, so re-running a notebook prints the same thing
whatever the learner answered; the form shows the saved answer and its verdict.

A notebook reopened with a new kernel shows each form from the widget state stored in the
notebook when it was executed for the course. The course's JupyterLab does not save widget
state itself (its widget manager marks every notebook modified on opening, and a save from
a new kernel empties the stored state), so each form has a model id of its own, the same in
every kernel: an output saved after a learner re-ran the cell still finds its form in the
stored state, never "Error displaying widget".
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..judge import quizzes
from ..judge.quizzes import InvalidAnswer, Question, Verdict
from . import quiz_store

INLINE_MARKDOWN = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<b>\1</b>"),
    (re.compile(r"\*([^*]+)\*"), r"<i>\1</i>"),
)
RIGHT, WRONG = "#1a7f37", "#cf222e"


def inline_html(markdown: str) -> str:
    """One line of the course's Markdown (code, bold, emphasis) as HTML, everything escaped."""
    text = html.escape(markdown, quote=False)
    for pattern, replacement in INLINE_MARKDOWN:
        text = pattern.sub(replacement, text)
    return text


def question_text(question: Question) -> str:
    """A question as plain text, with how to answer it from code."""
    lines = [f"Quiz {question.id}: {question.prompt}"]
    if question.kind in ("single", "multiple"):
        lines += [f"  [ ] {option.text}" for option in question.options]
    example = {
        "single": "'one option'",
        "multiple": "['option', 'other option']",
        "text": "'your answer'",
        "number": "42",
    }[question.kind]
    lines.append(
        f"Run this cell in JupyterLab to answer here, or answer({question.id!r}, {example})."
    )
    return "\n".join(lines)


def verdict_markdown(verdict: Verdict) -> str:
    """A verdict as Markdown: right or not, and the feedback of each chosen option."""
    lines = [f"**{verdict.heading()}**"]
    lines.extend(f"- {feedback}" for feedback in verdict.feedback)
    if verdict.correct and verdict.explanation:
        lines.append(verdict.explanation)
    return "\n".join(lines)


def verdict_html(verdict: Verdict) -> str:
    """A verdict as HTML for the quiz form."""
    colour = RIGHT if verdict.correct else WRONG
    items = "".join(f"<li>{inline_html(text)}</li>" for text in verdict.feedback)
    explanation = (
        f"<p>{inline_html(verdict.explanation)}</p>"
        if verdict.correct and verdict.explanation
        else ""
    )
    return f'<b style="color: {colour}">{verdict.heading()}</b><ul>{items}</ul>{explanation}'


def form_model_id(question: Question) -> str:
    """The widget model id of a question's form: the same in every kernel and every run."""
    return f"course-quiz-{question.id}"


class QuizView:
    """One question as a form: choices or a text box, a Check button and the feedback."""

    live: dict[str, QuizView] = {}  # the form shown last for each question in this kernel

    def __init__(self, question: Question, course_dir: Path) -> None:
        self.question = question
        self.course_dir = course_dir
        saved = quiz_store.saved_answer(course_dir, question.id)
        self.boxes: list[widgets.Checkbox] = []
        self.input = self._make_input(saved)
        self.feedback = widgets.HTML()
        button = widgets.Button(description="Check", button_style="primary")
        button.on_click(lambda _: self.submit())
        prompt = widgets.HTML(f"<b>{inline_html(question.prompt)}</b>")
        earlier = QuizView.live.pop(question.id, None)
        if earlier is not None:
            earlier.widget.close()  # its model id is about to be this form's
        self.widget = widgets.VBox(
            [prompt, self.input, button, self.feedback], model_id=form_model_id(question)
        )
        QuizView.live[question.id] = self
        if saved is not None:
            self._show(saved, save=False)

    def _make_input(self, saved: Any) -> widgets.Widget:
        if self.question.kind in ("single", "multiple"):
            chosen = set(saved) if isinstance(saved, list) else {saved}
            rows = []
            for option in self.question.options:
                box = widgets.Checkbox(
                    value=option.text in chosen, indent=False, layout=widgets.Layout(width="2em")
                )
                if self.question.kind == "single":
                    box.observe(self._only_one, names="value")
                self.boxes.append(box)
                label = widgets.HTML(
                    inline_html(option.text), layout=widgets.Layout(flex="1 1 auto", width="auto")
                )
                rows.append(widgets.HBox([box, label], layout=widgets.Layout(width="100%")))
            return widgets.VBox(rows)
        return widgets.Text(value="" if saved is None else str(saved), placeholder="your answer")

    def _only_one(self, change: dict[str, Any]) -> None:
        if change["new"]:
            for box in self.boxes:
                if box is not change["owner"]:
                    box.value = False

    def current_answer(self) -> Any:
        """What the form holds now: the chosen option(s), or the text typed."""
        if self.question.kind in ("single", "multiple"):
            chosen = [
                option.text
                for option, box in zip(self.question.options, self.boxes, strict=True)
                if box.value
            ]
            if self.question.kind == "single":
                return chosen[0] if chosen else None
            return chosen
        return self.input.value

    def submit(self) -> None:
        """Judge what the form holds, save it and show the verdict."""
        self._show(self.current_answer(), save=True)

    def _show(self, answer: Any, *, save: bool) -> None:
        try:
            verdict = quizzes.judge(self.question, answer)
        except InvalidAnswer as problem:
            self.feedback.value = f"<i>{html.escape(str(problem))}</i>"
            return
        if save:
            quiz_store.save(self.course_dir, verdict)
        self.feedback.value = verdict_html(verdict)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/plain"] = question_text(self.question)
        return bundle
