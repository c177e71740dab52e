"""Where the learner's quiz answers are kept: ``workspace/progress/`` next to the notebooks.

One small JSON file per question, so a reopened notebook shows the answer and a grader can
read it; a grader judges the saved answer again and never trusts the stored verdict.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..judge.quizzes import Verdict


def progress_dir(notebook_dir: Path) -> Path:
    """The folder of saved quiz answers for notebooks in ``notebook_dir``."""
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
