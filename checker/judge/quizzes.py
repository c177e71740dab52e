"""Quiz questions and how an answer to one is judged.

Answer keys are stored only as salted SHA-256 digests of the normalised right answer, so
reading the package does not reveal them. An answer is judged by normalising it the same
way and comparing digests.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SALT = "migrations-course/quiz/v1"
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
    """Whether an answer is right, and the feedback it earns."""

    question_id: str
    answer: Any
    correct: bool
    feedback: tuple[str, ...]
    explanation: str


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
        return " ".join(answer.strip().strip("`'\"").lower().split())
    try:
        number = Decimal(str(answer).strip())
    except InvalidOperation:
        raise InvalidAnswer("type a number") from None
    if type(answer) not in (int, float, str, Decimal) or not number.is_finite():
        raise InvalidAnswer("type a number")
    return format(number.normalize(), "f")


def digest(question_id: str, normalised: str) -> str:
    """The salted SHA-256 digest under which a right answer is stored."""
    return hashlib.sha256(f"{SALT}\n{question_id}\n{normalised}".encode()).hexdigest()


def judge(question: Question, answer: Any) -> Verdict:
    """Whether ``answer`` is right, with the feedback of every option it chose."""
    candidate = digest(question.id, normalise(question, answer))
    correct = any(hmac.compare_digest(candidate, key) for key in question.keys)
    chosen = [answer] if question.kind == "single" else []
    if question.kind == "multiple":
        chosen = list(answer)
    feedback = tuple(option.feedback for option in question.options if option.text in chosen)
    return Verdict(question.id, answer, correct, feedback, question.explanation)
