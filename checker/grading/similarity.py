"""Answers that are identical or nearly so between learners, for the instructor to look at.

Answers are compared as Python tokens, so that layout, comments and docstrings do not
matter and revision ids (different in every learner's script) read alike. Short answers and
answers that many learners share (a one-line right answer is often written the same way by
people who never met) say nothing, and are left out. What is reported is a prompt to look,
never a verdict.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field
from itertools import combinations

from .records import ExerciseRecord, LearnerRecord

REVISION_ID = re.compile(r"[rRbBuU]?(['\"])[0-9a-f]{12}\1")
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
STATEMENT_ENDS = {tokenize.NEWLINE, tokenize.ENDMARKER}


@dataclass
class SimilarPair:
    """Two learners and the exercises where their answers match (exercise id, likeness)."""

    learners: tuple[str, str]
    exercises: list[tuple[str, float]] = field(default_factory=list)


def tokens(source: str) -> list[str]:
    """The answer's tokens without layout, comments or docstrings, revision ids alike."""
    try:
        found = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()
    kept: list[str] = []
    previous = tokenize.NEWLINE
    for index, token in enumerate(found):
        if token.type in SKIPPED:
            continue
        following = next((t.type for t in found[index + 1 :] if t.type not in SKIPPED), None)
        docstring = (
            token.type == tokenize.STRING
            and previous in (tokenize.NEWLINE, tokenize.INDENT)
            and following in STATEMENT_ENDS
        )
        if not docstring and token.type != tokenize.NEWLINE:
            kept.append("REVISION" if REVISION_ID.fullmatch(token.string) else token.string)
        previous = token.type
    return kept


def similar_pairs(
    learners: list[LearnerRecord],
    *,
    threshold: float = 0.9,
    shortest: int = 30,
    common_share: float = 0.25,
) -> list[SimilarPair]:
    """Pairs of learners whose answers to one or more exercises are at least ``threshold``
    alike (1.0: the same tokens), most matching exercises first. Answers under
    ``shortest`` tokens, and answers shared word for word by more than ``common_share``
    of those who answered (and more than two), are left out."""
    pairs: dict[tuple[str, str], SimilarPair] = {}
    by_exercise: dict[str, dict[str, list[str]]] = {}
    for learner in learners:
        for item in learner.items:
            if isinstance(item, ExerciseRecord) and item.answer.strip():
                by_exercise.setdefault(item.id, {})[learner.learner] = tokens(item.answer)
    for exercise_id, answers in sorted(by_exercise.items()):
        counts: dict[tuple[str, ...], int] = {}
        for found in answers.values():
            counts[tuple(found)] = counts.get(tuple(found), 0) + 1
        limit = max(2, common_share * len(answers))
        compared = {
            name: found
            for name, found in answers.items()
            if len(found) >= shortest and counts[tuple(found)] <= limit
        }
        for first, second in combinations(sorted(compared), 2):
            likeness = alike(compared[first], compared[second], threshold)
            if likeness is not None:
                pair = pairs.setdefault((first, second), SimilarPair((first, second)))
                pair.exercises.append((exercise_id, likeness))
    return sorted(
        pairs.values(),
        key=lambda pair: (-len(pair.exercises), -sum(x for _, x in pair.exercises), pair.learners),
    )


def alike(first: list[str], second: list[str], threshold: float) -> float | None:
    """How alike two token lists are (0 to 1), or None when under ``threshold``."""
    if first == second:
        return 1.0
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return None
    ratio = matcher.ratio()
    return round(ratio, 2) if ratio >= threshold else None
