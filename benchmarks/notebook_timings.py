"""Time nbval on each lesson notebook, against a baseline notebook measured in the same run.

Each notebook is copied to a scratch folder (so the learner's own lesson workspaces are left
alone) and checked with ``pytest --nbval`` in a fresh process, several times; the script
prints the median wall time per notebook. The baseline is a 10-cell notebook of plain
``print`` calls: the fixed cost of a pytest process, a kernel and nbval. The ratio column
says how many baselines a lesson costs.

    python benchmarks/notebook_timings.py [--repeat N] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SANITIZE = ROOT / "tests" / "sanitize.cfg"


def baseline_notebook(folder: Path) -> Path:
    """A 10-cell notebook of prints, executed so that it has outputs to compare."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(f"print({i} * {i})") for i in range(10)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(notebook, timeout=60).execute()
    path = folder / "00_baseline.ipynb"
    nbformat.write(notebook, path)
    return path


def nbval_seconds(notebook: Path) -> float:
    """Wall time of one ``pytest --nbval`` run on ``notebook``; raises if it fails."""
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "--nbval", "--nbval-current-env", f"--nbval-sanitize-with={SANITIZE}", notebook.name,
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, cwd=notebook.parent, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"nbval failed on {notebook.name}:\n{result.stdout[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (default 3)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lesson")
    args = parser.parse_args()
    sources = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        targets = [baseline_notebook(folder)]
        for source in sources:
            target = folder / source.name
            target.write_bytes(source.read_bytes())
            targets.append(target)

        medians = {}
        for target in targets:
            runs = [nbval_seconds(target) for _ in range(args.repeat)]
            medians[target.name] = statistics.median(runs)
            cells = sum(c.cell_type == "code" for c in nbformat.read(target, 4).cells)
            ratio = medians[target.name] / medians["00_baseline.ipynb"]
            print(
                f"{target.stem:<30} {cells:3} code cells  median {medians[target.name]:6.2f} s"
                f"  ({ratio:4.1f}x baseline; runs: {', '.join(f'{r:.2f}' for r in runs)})",
                flush=True,
            )
        lessons = sum(v for k, v in medians.items() if k != "00_baseline.ipynb")
        print(f"{'all lessons':<30} {'':15} total  {lessons:6.2f} s")


if __name__ == "__main__":
    main()
