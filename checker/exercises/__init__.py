"""Exercise definitions: ``get(exercise_id)`` and ``EXERCISES`` (id -> exercise)."""

from .base import Exercise
from .catalogue import EXERCISES

__all__ = ["EXERCISES", "Exercise", "get"]


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; a KeyError lists the ids that exist."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise KeyError(f"no exercise {exercise_id!r}; the exercises are: {known}") from None
