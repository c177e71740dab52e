"""Gradescope's autograder run on this machine, in the layout Gradescope documents: the
unpacked ``autograder.zip`` in ``source/``, the upload in ``submission/``, the result in
``results/results.json``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path


def unpack_autograder(archive: Path, source: Path) -> Path:
    """Unpack ``autograder.zip`` as Gradescope does, its scripts executable."""
    with zipfile.ZipFile(archive) as packed:
        packed.extractall(source)
    for name in ("setup.sh", "run_autograder"):
        (source / name).chmod(0o755)
    return source


def run_autograder(
    source: Path,
    root: Path,
    upload: Path,
    python: str = sys.executable,
    wrapper: list[str] | None = None,
) -> dict:
    """Gradescope's run for one upload under ``root``, with the course's ``python``, the
    script started through ``wrapper`` (a command that changes what it may do) if given."""
    shutil.copytree(source, root / "source")
    (root / "submission").mkdir(parents=True)
    shutil.copy(upload, root / "submission")
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "COURSE_PYTHON": python}
    script = root / "source" / "run_autograder"
    run = subprocess.run(
        [*(wrapper or []), str(script)], env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return json.loads((root / "results" / "results.json").read_text())
