"""pyproject.toml and environment.yml must describe the same package set."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


TEST_EXTRA = 'extra == "test"'


def normalise(requirement: Requirement) -> str:
    """Name, extras, pinned version and Python-version marker; the test-extra marker dropped."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    marker = str(requirement.marker) if requirement.marker else ""
    marker = marker.replace(f" and {TEST_EXTRA}", "").replace(TEST_EXTRA, "").strip()
    name = requirement.name.lower().replace("_", "-")
    return f"{name}{extras}{requirement.specifier}" + (f"; {marker}" if marker else "")


def project_requirements() -> set[str]:
    """The installed project's dependencies and test extra, as declared in pyproject.toml."""
    declared = metadata.requires("migrations-course") or []
    wanted = set()
    for line in declared:
        requirement = Requirement(line)
        marker = str(requirement.marker) if requirement.marker else ""
        if "extra ==" in marker and TEST_EXTRA not in marker:
            continue
        wanted.add(normalise(requirement))
    return wanted


def conda_pip_requirements() -> set[str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    return {normalise(Requirement(line)) for section in pip_sections for line in section}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_installed_metadata_matches_pyproject():
    """Guards the comparison below: the project must be installed from the current pyproject."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    assert {normalise(Requirement(line)) for line in declared} == project_requirements(), (
        "the installed project is older than pyproject.toml: run make test to reinstall"
    )


def test_environment_yml_lists_the_same_packages_as_pyproject():
    in_pyproject = project_requirements()
    in_conda = conda_pip_requirements()
    assert in_conda - in_pyproject == set(), "in environment.yml only"
    assert in_pyproject - in_conda == set(), "in pyproject.toml only"


def test_every_requirement_is_pinned():
    for requirement in project_requirements():
        assert "==" in requirement, (
            f"{requirement} is not pinned: committed outputs depend on versions"
        )


def test_reading_a_notebook_builds_no_parser_at_import():
    """jsonschema 4.25 and later import rfc3987-syntax, whose import builds some 35 Earley
    parsers: 1.5 s added to every checker command and every process that reads a notebook."""
    probe = "import sys, nbformat; print(sorted({'lark', 'rfc3987_syntax'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
