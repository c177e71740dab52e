"""Exercise kinds: what an answer is, and the named checks that judge it."""

from .base import Exercise, SolutionNotShipped
from .factory import FactoryExercise
from .function import FunctionCase, FunctionExercise
from .history_test import HistoryCase, HistoryTestExercise
from .linted import LintedMigrationExercise
from .migration import MigrationExercise

__all__ = [
    "Exercise",
    "FactoryExercise",
    "FunctionCase",
    "FunctionExercise",
    "HistoryCase",
    "HistoryTestExercise",
    "LintedMigrationExercise",
    "MigrationExercise",
    "SolutionNotShipped",
]
