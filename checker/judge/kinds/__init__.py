"""Exercise kinds: what an answer is, and the named checks that judge it."""

from .base import Exercise, SolutionNotShipped
from .factory import FactoryExercise
from .function import FunctionCase, FunctionExercise
from .migration import MigrationExercise

__all__ = [
    "Exercise",
    "FactoryExercise",
    "FunctionCase",
    "FunctionExercise",
    "MigrationExercise",
    "SolutionNotShipped",
]
