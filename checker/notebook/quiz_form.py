"""Quizzes on screen: an ipywidgets form in JupyterLab, the question as text elsewhere.

The text form never shows a saved answer, so re-running a notebook prints the same thing
whatever the learner answered; the form shows the saved answer and its verdict.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..judge import quizzes
from ..judge.quizzes import InvalidAnswer, Question, Verdict
from . import progress


def question_text(question: Question) -> str:
    """A question as plain text, with how to answer it from code."""
    lines = [f"Quiz {question.id}: {question.prompt}"]
    for option in question.options:
        lines.append(f"  [ ] {option.text}")
    example = {
        "single": "'one option'",
        "multiple": "['option', 'other option']",
        "text": "'your answer'",
        "number": "42",
    }[question.kind]
    lines.append(f"Answer here, or with answer({question.id!r}, {example}).")
    return "\n".join(lines)


def verdict_markdown(verdict: Verdict) -> str:
    """A verdict as Markdown: right or not, and the feedback of each chosen option."""
    lines = ["**Correct.**" if verdict.correct else "**Not quite.** Try again."]
    lines.extend(f"- {feedback}" for feedback in verdict.feedback)
    if verdict.correct and verdict.explanation:
        lines.append(verdict.explanation)
    return "\n".join(lines)


def verdict_html(verdict: Verdict) -> str:
    """A verdict as HTML for the quiz form."""
    colour = "#1a7f37" if verdict.correct else "#cf222e"
    head = "Correct." if verdict.correct else "Not quite. Try again."
    items = "".join(f"<li>{html.escape(text)}</li>" for text in verdict.feedback)
    explanation = (
        f"<p>{html.escape(verdict.explanation)}</p>"
        if verdict.correct and verdict.explanation
        else ""
    )
    return f'<b style="color: {colour}">{head}</b><ul>{items}</ul>{explanation}'


class QuizView:
    """One question as a form: choices or a text box, a Check button and the feedback."""

    def __init__(self, question: Question, notebook_dir: Path) -> None:
        self.question = question
        self.notebook_dir = notebook_dir
        saved = progress.saved_answer(notebook_dir, question.id)
        self.input = self._make_input(saved)
        self.feedback = widgets.HTML()
        button = widgets.Button(description="Check", button_style="primary")
        button.on_click(lambda _: self.submit())
        prompt = widgets.HTML(f"<b>{html.escape(question.prompt)}</b>")
        self.widget = widgets.VBox([prompt, self.input, button, self.feedback])
        if saved is not None:
            self._show(saved, save=False)

    def _make_input(self, saved: Any) -> widgets.Widget:
        texts = [option.text for option in self.question.options]
        if self.question.kind == "single":
            value = saved if saved in texts else None
            return widgets.RadioButtons(
                options=texts, value=value, layout=widgets.Layout(width="max-content")
            )
        if self.question.kind == "multiple":
            chosen = set(saved) if isinstance(saved, list) else set()
            return widgets.VBox(
                [widgets.Checkbox(value=t in chosen, description=t, indent=False) for t in texts]
            )
        return widgets.Text(value="" if saved is None else str(saved), placeholder="your answer")

    def current_answer(self) -> Any:
        if self.question.kind == "multiple":
            return [box.description for box in self.input.children if box.value]
        return self.input.value

    def submit(self) -> None:
        self._show(self.current_answer(), save=True)

    def _show(self, answer: Any, *, save: bool) -> None:
        try:
            verdict = quizzes.judge(self.question, answer)
        except InvalidAnswer as problem:
            self.feedback.value = f"<i>{html.escape(str(problem))}</i>"
            return
        if save:
            progress.save(self.notebook_dir, verdict)
        self.feedback.value = verdict_html(verdict)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/plain"] = question_text(self.question)
        return bundle
