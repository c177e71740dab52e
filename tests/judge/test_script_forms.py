"""The checker reads a script's revision and down_revision as Alembic does, in every form.

Each form is read twice: by the checker's reader (``script_identity``, from the text) and
by Alembic's own ``ScriptDirectory``, which imports the script, in a separate interpreter.
Where Alembic loads a form, the checker must read the same identity or refuse it with a
message saying what Alembic would do; where Alembic fails, the checker must refuse it too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from checker.judge.kinds.source import script_identity
from checker.judge.outcomes import AnswerProblem

FUNCTIONS = "\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
PARENTS = ("5e1f0c2a9b01", "6a2b1d3c8e02")

# name -> the script's head (its functions are added), and whether the checker accepts it
FORMS: dict[str, tuple[str, bool]] = {
    "flask-migrate template": (
        "revision = '7b3c2e4d9f03'\ndown_revision = '5e1f0c2a9b01'\n"
        "branch_labels = None\ndepends_on = None\n",
        True,
    ),
    "alembic template, annotated": (
        "from typing import Sequence, Union\n\n"
        "revision: str = '7b3c2e4d9f03'\n"
        "down_revision: Union[str, None] = '5e1f0c2a9b01'\n"
        "branch_labels: Union[str, Sequence[str], None] = None\n"
        "depends_on: Union[str, Sequence[str], None] = None\n",
        True,
    ),
    "annotated with |": (
        "revision: str = '7b3c2e4d9f03'\ndown_revision: str | None = '5e1f0c2a9b01'\n",
        True,
    ),
    "double quotes and odd spacing": (
        'revision   =    "7b3c2e4d9f03"   # the id\ndown_revision=("5e1f0c2a9b01")\n',
        True,
    ),
    "one-element tuple": ("revision = '7b3c2e4d9f03'\ndown_revision = ('5e1f0c2a9b01',)\n", True),
    "one-element list": ("revision = '7b3c2e4d9f03'\ndown_revision = ['5e1f0c2a9b01']\n", True),
    "merge as a tuple": (
        "revision = '7b3c2e4d9f03'\ndown_revision = ('5e1f0c2a9b01', '6a2b1d3c8e02')\n",
        True,
    ),
    "merge as a list": (
        "revision = '7b3c2e4d9f03'\ndown_revision = ['6a2b1d3c8e02', '5e1f0c2a9b01']\n",
        True,
    ),
    "merge as a set": (
        "revision = '7b3c2e4d9f03'\ndown_revision = {'5e1f0c2a9b01', '6a2b1d3c8e02'}\n",
        True,
    ),
    "a base: None": ("revision = '7b3c2e4d9f03'\ndown_revision = None\n", True),
    "a base: empty tuple": ("revision = '7b3c2e4d9f03'\ndown_revision = ()\n", True),
    "annotated None": (
        "from typing import Optional\nrevision: str = '7b3c2e4d9f03'\n"
        "down_revision: Optional[str] = None\n",
        True,
    ),
    "header says another parent": (
        '"""add a column\n\nRevision ID: ffffffffffff\nRevises: 6a2b1d3c8e02\n"""\n'
        "revision = '7b3c2e4d9f03'\ndown_revision = '5e1f0c2a9b01'\n",
        True,
    ),
    "set twice, the last wins": (
        "revision = 'aaaaaaaaaaaa'\ndown_revision = None\n"
        "revision = '7b3c2e4d9f03'\ndown_revision = '5e1f0c2a9b01'\n",
        True,
    ),
    "unpacked from a tuple": ("revision, down_revision = '7b3c2e4d9f03', '5e1f0c2a9b01'\n", True),
    "unpacked from a list": ("[revision, down_revision] = ['7b3c2e4d9f03', None]\n", True),
    "chained with another name": (
        "revision = rev_id = '7b3c2e4d9f03'\ndown_revision = '5e1f0c2a9b01'\n",
        True,
    ),
    "annotation without a value first": (
        "revision: str\nrevision = '7b3c2e4d9f03'\ndown_revision = '5e1f0c2a9b01'\n",
        True,
    ),
    "deleted then set again": (
        "revision = 'x'\ndel revision\nrevision = '7b3c2e4d9f03'\ndown_revision = None\n",
        True,
    ),
    "computed by an expression": (
        "revision = '7b3c2e4d' + '9f03'\ndown_revision = '5e1f0c2a9b01'\n",
        False,
    ),
    "parent named by another variable": (
        "parent = '5e1f0c2a9b01'\nrevision = '7b3c2e4d9f03'\ndown_revision = parent\n",
        False,
    ),
    "set inside an if": (
        "revision = '7b3c2e4d9f03'\nif True:\n    down_revision = '5e1f0c2a9b01'\n",
        False,
    ),
    "changed with globals()": (
        "revision = 'aaaaaaaaaaaa'\ndown_revision = '5e1f0c2a9b01'\n"
        "globals()['revision'] = '7b3c2e4d9f03'\n",
        False,
    ),
    "changed by a function called at import": (
        "revision = 'aaaaaaaaaaaa'\ndown_revision = '5e1f0c2a9b01'\n\n\n"
        "def rename():\n    global revision\n    revision = '7b3c2e4d9f03'\n\n\nrename()\n",
        False,
    ),
    "changed with a walrus": (
        "revision = 'aaaaaaaaaaaa'\ndown_revision = '5e1f0c2a9b01'\n"
        "name = (revision := '7b3c2e4d9f03')\n",
        False,
    ),
    "no revision": ("down_revision = '5e1f0c2a9b01'\n", False),
    "annotation only": ("revision: str\ndown_revision = '5e1f0c2a9b01'\n", False),
    "no down_revision": ("revision = '7b3c2e4d9f03'\n", False),
    "deleted down_revision": (
        "revision = '7b3c2e4d9f03'\ndown_revision = None\ndel down_revision\n",
        False,
    ),
    "a revision id with a dash": ("revision = '7b3c-2e4d'\ndown_revision = None\n", False),
    "a revision that follows itself": (
        "revision = '7b3c2e4d9f03'\ndown_revision = '7b3c2e4d9f03'\n",
        False,
    ),
    "a number as the parent": ("revision = '7b3c2e4d9f03'\ndown_revision = 5\n", False),
    "a number as the id": ("revision = 7\ndown_revision = None\n", False),
    "a tuple as the id": ("revision = ('7b3c2e4d9f03',)\ndown_revision = None\n", False),
}

LOAD_WITH_ALEMBIC = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from alembic.script import ScriptDirectory

    found = {}
    for folder in sorted(Path(sys.argv[1]).iterdir()):
        try:
            scripts = ScriptDirectory(str(folder))
            answer = next(
                s for s in scripts.walk_revisions() if Path(s.path).name == "answer.py"
            )
            down = answer.down_revision
            found[folder.name] = {
                "revision": answer.revision,
                "parents": sorted([down] if isinstance(down, str) else list(down or ())),
                "heads": sorted(scripts.get_heads()),
            }
        except Exception as error:
            found[folder.name] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(found))
    """
)


def parent_script(revision: str) -> str:
    return f"revision = {revision!r}\ndown_revision = None\n{FUNCTIONS}"


@pytest.fixture(scope="module")
def alembic_reading(tmp_path_factory) -> dict[str, dict]:
    """What Alembic's ScriptDirectory makes of every form, loaded in another interpreter."""
    root = tmp_path_factory.mktemp("forms")
    for number, (head, _) in enumerate(FORMS.values()):
        versions = root / f"{number:02d}" / "versions"
        versions.mkdir(parents=True)
        for parent in PARENTS:
            (versions / f"{parent}_parent.py").write_text(parent_script(parent))
        (versions / "answer.py").write_text(head + FUNCTIONS)
    result = subprocess.run(
        [sys.executable, "-I", "-c", LOAD_WITH_ALEMBIC, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    by_number = json.loads(result.stdout)
    return {name: by_number[f"{n:02d}"] for n, name in enumerate(FORMS)}


@pytest.mark.parametrize("form", FORMS)
def test_the_checker_reads_a_script_as_alembic_does(form, alembic_reading):
    head, accepted = FORMS[form]
    alembic = alembic_reading[form]
    try:
        identity = script_identity(head + FUNCTIONS)
    except AnswerProblem as refusal:
        assert not accepted, f"refused a form Alembic loads: {refusal.message}"
        assert "Alembic" in refusal.message
        if "error" in alembic:
            assert "Alembic would" in refusal.message and "load" in refusal.message, (
                f"Alembic fails ({alembic['error']}); the message must say so: {refusal.message}"
            )
        else:
            assert (
                "running" in refusal.message
                or "could not name" in refusal.message
                or ("fail to find" in refusal.message)
            ), refusal.message
        return
    assert accepted, f"the checker read a form it should refuse: {identity}"
    assert "error" not in alembic, alembic
    assert identity.revision == alembic["revision"]
    assert sorted(identity.parents) == alembic["parents"]
    others = [p for p in PARENTS if p not in identity.parents]
    assert sorted([identity.revision, *others]) == alembic["heads"]
