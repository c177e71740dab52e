"""Answers that are identical or nearly so between learners, for the instructor to look at.

Answers are compared as Python tokens, so that layout, comments and docstrings do not
matter and revision ids (different in every learner's script) read alike. How alike two
answers are is the Jaccard index of their sets of token 4-grams (shingles, as plagiarism
detectors compare documents): each answer's set is made once, so a class of hundreds is
compared in seconds. Short answers and
answers that many learners share (a one-line right answer is often written the same way by
people who never met) say nothing, and are left out. What is reported is a prompt to look,
never a verdict.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from itertools import combinations, islice

from .records import ExerciseRecord, LearnerRecord

REVISION_ID = re.compile(r"[rRbBuU]?(['\"])[0-9a-f]{12}\1")
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
STATEMENT_ENDS = {tokenize.NEWLINE, tokenize.ENDMARKER}
SHINGLE = 4
MAX_SHINGLES = 5000  # an answer's first distinct shingles: comparisons stay linear in size
MAX_CHARACTERS = 100_000


@dataclass
class SimilarPair:
    """Two learners and the exercises where their answers match (exercise id, likeness)."""

    learners: tuple[str, str]
    exercises: list[tuple[str, float]] = field(default_factory=list)


def tokens(source: str) -> list[str]:
    """The answer's tokens without layout, comments or docstrings, revision ids alike."""
    source = source[:MAX_CHARACTERS]
    try:
        found = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()
    significant = [token for token in found if token.type not in SKIPPED]
    kept: list[str] = []
    previous = tokenize.NEWLINE
    for index, token in enumerate(significant):
        following = significant[index + 1].type if index + 1 < len(significant) else None
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
    threshold: float = 0.75,
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
        holders: dict[tuple[str, ...], list[str]] = {}
        for name, found in sorted(answers.items()):
            holders.setdefault(tuple(found), []).append(name)
        limit = max(2, common_share * len(answers))
        forms = [
            (form, names)
            for form, names in holders.items()
            if len(form) >= shortest and len(names) <= limit
        ]
        matches: list[tuple[str, str, float]] = []
        for names in (names for _, names in forms):  # the same tokens: identical
            matches += [(first, second, 1.0) for first, second in combinations(names, 2)]
        shingled = [(shingles(form), names) for form, names in forms]
        for (first, names), (second, others) in combinations(shingled, 2):
            likeness = alike(first, second, threshold)
            if likeness is not None:
                matches += [(a, b, likeness) for a in names for b in others]
        for first, second, likeness in matches:
            key = (min(first, second), max(first, second))
            pair = pairs.setdefault(key, SimilarPair(key))
            pair.exercises.append((exercise_id, likeness))
    return sorted(
        pairs.values(),
        key=lambda pair: (-len(pair.exercises), -sum(x for _, x in pair.exercises), pair.learners),
    )


def shingles(form: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The answer's runs of ``SHINGLE`` consecutive tokens, the first ``MAX_SHINGLES``
    distinct ones: padding that repeats itself (a list of thousands of zeros) adds a few,
    and leaves the rest of the answer compared."""
    runs = (form[i : i + SHINGLE] for i in range(max(1, len(form) - SHINGLE + 1)))
    return frozenset(islice(dict.fromkeys(runs), MAX_SHINGLES))


def alike(
    first: frozenset[tuple[str, ...]], second: frozenset[tuple[str, ...]], threshold: float
) -> float | None:
    """How alike two answers' shingle sets are (their Jaccard index, 0 to 1), or None when
    under ``threshold``."""
    smaller, larger = sorted((len(first), len(second)))
    if not larger or smaller / larger < threshold:
        return None  # the most the index can be for sets this far apart in size
    shared = len(first & second)
    likeness = shared / (len(first) + len(second) - shared)
    return round(likeness, 2) if likeness >= threshold else None
