"""Quiz questions, how answers are judged, and where they are kept.

Answer keys are stored only as salted SHA-256 digests of the normalised right answer, so
reading the package does not reveal them. An answer is judged by normalising it the same
way and comparing digests. Every answer given is saved to ``workspace/progress/`` next to
the notebook (one small JSON file per question), so a reopened notebook shows it and a
grader can read it; a grader judges the saved answer again and never trusts a stored
verdict.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

SALT = "migrations-course/quiz/v1"
KINDS = ("single", "multiple", "text", "number")


@dataclass(frozen=True)
class Option:
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


def progress_dir(notebook_dir: Path) -> Path:
    return Path(notebook_dir) / "workspace" / "progress"


def save(notebook_dir: Path, verdict: Verdict) -> Path:
    """Record an answer atomically (write a temporary file, then rename it)."""
    folder = progress_dir(notebook_dir)
    folder.mkdir(parents=True, exist_ok=True)
    answer = verdict.answer
    if isinstance(answer, (list, tuple, set, frozenset)):
        answer = list(answer)
    elif isinstance(answer, Decimal):
        answer = str(answer)
    record = {
        "question": verdict.question_id,
        "answer": answer,
        "correct": verdict.correct,
        "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    path = folder / f"{verdict.question_id}.json"
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(record, stream, ensure_ascii=False, indent=1)
    os.replace(temporary, path)
    return path


def saved_answer(notebook_dir: Path, question_id: str) -> Any:
    """The answer last saved for a question, or None (also for an unreadable file)."""
    path = progress_dir(notebook_dir) / f"{question_id}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("question") != question_id:
        return None
    return record.get("answer")
