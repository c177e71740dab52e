"""Facts read from an answer's source text without running it."""

from __future__ import annotations

import ast
from typing import Any


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
