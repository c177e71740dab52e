"""Reading lesson notebooks, and comparing outputs the way nbval does."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
LESSONS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p != START_HERE)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def sanitize_patterns() -> list[tuple[re.Pattern, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def output_text(cell: nbformat.NotebookNode) -> str:
    """Everything a code cell showed, as text: streams, results and errors."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}\n")
    return "".join(parts)


def sanitized(text: str, patterns: list[tuple[re.Pattern, str]]) -> str:
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text
