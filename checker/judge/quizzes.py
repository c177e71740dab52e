"""Quiz questions and how an answer to one is judged.

Answer keys are stored only as salted SHA-256 digests, so reading the package does not
show them: of the normalised right answer, or for a select-all question of each right
option, so that a right but incomplete selection can be told apart from a wrong one. An
answer is judged by normalising it the same way and comparing digests. Typed commands
are normalised as a shell reads them: ``$ flask --app sample_app db init`` is
``flask db init``. For a text question, ``options`` are common wrong answers, each with
feedback of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import shlex
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SALT = "migrations-course/quiz/v1"
NAMING_OPTIONS = ("--app", "-a", "-m", "--message")
KINDS = ("single", "multiple", "text", "number")


@dataclass(frozen=True)
class Option:
    """One choice of a question, with the feedback shown when it is chosen."""

    text: str
    feedback: str


@dataclass(frozen=True)
class Question:
    """One quiz question. ``keys`` are digests of the accepted, normalised answers."""

    id: str
    prompt: str
    kind: str
    keys: tuple[str, ...]
    options: tuple[Option, ...] = ()
    explanation: str = ""


@dataclass(frozen=True)
class Verdict:
    """Whether an answer is right, and the feedback it earns.

    ``incomplete`` marks a select-all answer whose choices are all right but not all
    the right ones; ``feedback`` holds the feedback of each option chosen (or typed).
    """

    question_id: str
    answer: Any
    correct: bool
    feedback: tuple[str, ...]
    explanation: str
    incomplete: bool = False

    def heading(self) -> str:
        """The verdict in words: right, right so far, or not yet."""
        if self.correct:
            return "Correct."
        if self.incomplete:
            return "Not complete: the options you chose are right, and another one is right too."
        return "Not quite. Try again."

    def in_words(self) -> str:
        """What the learner saw in the notebook, as plain text: the heading, the feedback of
        each option chosen, and the explanation once the answer is right."""
        explanation = (self.explanation,) if self.correct and self.explanation else ()
        return " ".join((self.heading(), *self.feedback, *explanation))


class InvalidAnswer(ValueError):
    """The answer does not fit the question (an unknown option, not a number, ...)."""


def normalise(question: Question, answer: Any) -> str:
    """The canonical text of an answer, the same however it was typed or clicked."""
    if question.kind == "single":
        texts = [option.text for option in question.options]
        if type(answer) is not str or answer not in texts:
            raise InvalidAnswer(f"choose one of: {texts}")
        return answer
    if question.kind == "multiple":
        texts = [option.text for option in question.options]
        if isinstance(answer, str) or not all(type(a) is str and a in texts for a in answer):
            raise InvalidAnswer(f"choose any of: {texts}")
        return "\n".join(sorted(set(answer)))
    if question.kind == "text":
        if type(answer) is not str:
            raise InvalidAnswer("type your answer as text")
        return command_words(answer)
    try:
        number = Decimal(str(answer).strip())
    except InvalidOperation:
        raise InvalidAnswer("type a number") from None
    if type(answer) not in (int, float, str, Decimal) or not number.is_finite():
        raise InvalidAnswer("type a number")
    return format(number.normalize(), "f")


def command_words(typed: str) -> str:
    """A typed command as its words, lower case: quotes, a shell prompt, the path to
    ``flask`` and the options that do not change which command it is (``--app``,
    ``-m``/``--message``) left out."""
    text = typed.strip().strip("`").lower()
    try:
        words = shlex.split(text)
    except ValueError:  # unbalanced quotes: read it as plain words
        words = text.strip("'\"").split()
    if words[:1] == ["$"]:
        words = words[1:]
    if words and words[0].endswith("/flask"):
        words[0] = "flask"
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in NAMING_OPTIONS:
            skip = True
        elif not word.startswith(tuple(f"{option}=" for option in NAMING_OPTIONS)):
            kept.append(word)
    return " ".join(kept)


def option_key(text: str) -> str:
    """What a select-all question stores a digest of, for each right option."""
    return f"option\n{text}"


def digest(question_id: str, normalised: str) -> str:
    """The salted SHA-256 digest under which a right answer is stored."""
    return hashlib.sha256(f"{SALT}\n{question_id}\n{normalised}".encode()).hexdigest()


def is_key(question: Question, normalised: str) -> bool:
    """Whether a normalised answer (or, for select-all, option) is one of the keys."""
    candidate = digest(question.id, normalised)
    return any(hmac.compare_digest(candidate, key) for key in question.keys)


def judge(question: Question, answer: Any) -> Verdict:
    """Whether ``answer`` is right, with the feedback of every option it chose."""
    normalised = normalise(question, answer)
    if question.kind == "multiple":
        chosen = set(answer)
        right = {o.text for o in question.options if is_key(question, option_key(o.text))}
        correct = chosen == right
        incomplete = bool(chosen) and chosen < right
        feedback = tuple(o.feedback for o in question.options if o.text in chosen)
        return Verdict(question.id, answer, correct, feedback, question.explanation, incomplete)
    correct = is_key(question, normalised)
    if question.kind == "text":
        chosen = [o for o in question.options if command_words(o.text) == normalised]
    else:
        chosen = [o for o in question.options if o.text == answer]
    feedback = tuple(option.feedback for option in chosen)
    return Verdict(question.id, answer, correct, feedback, question.explanation)
