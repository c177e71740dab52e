"""Facts read from an answer's source text (and the base revisions') without running it."""

from __future__ import annotations

import ast
from typing import Any

from ..outcomes import AnswerProblem, Outcome


def module_assignments(source: str) -> dict[str, Any]:
    """Top-level ``name = literal`` assignments of a script (``...`` when not a literal)."""
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    values[target.id] = ...
    return values


def module_functions(source: str) -> set[str]:
    """Names of the functions a script defines at top level."""
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}


def script_identity(source: str) -> tuple[str, Any]:
    """The script's ``revision`` and ``down_revision``, read without running it.

    A script without ``upgrade()`` and ``downgrade()``, or without a plain string
    revision id, cannot be judged at all.
    """
    functions = module_functions(source)
    for name in ("upgrade", "downgrade"):
        if name not in functions:
            raise AnswerProblem(
                Outcome.FAILED,
                f"The script defines no {name}() function. Every migration needs both "
                "upgrade() and downgrade(): Alembic calls them on upgrade and downgrade.",
            )
    values = module_assignments(source)
    revision = values.get("revision")
    if type(revision) is not str or not revision:
        raise AnswerProblem(
            Outcome.FAILED,
            "The script needs a line like revision = 'abc123def456': the revision id, "
            "as a plain string.",
        )
    return revision, values.get("down_revision")


def history_heads(scripts: list[str], answer: dict[str, Any]) -> list[str]:
    """The heads of a history made of revision scripts' texts and the answer's
    ``{revision: down_revision}``, read from their top-level assignments."""
    followed = dict(answer)
    for source in scripts:
        values = module_assignments(source)
        followed[values["revision"]] = values.get("down_revision")
    parents = set()
    for down in followed.values():
        parents.update(down if isinstance(down, (tuple, list)) else [down])
    return sorted(node for node in followed if node not in parents)
