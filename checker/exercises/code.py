"""Code exercises: the answer is a Python module, judged by calling it on real databases."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import flask_migrate
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from ..outcomes import AnswerProblem, CheckFailed, Outcome
from .base import MIGRATIONS_DIR, Exercise, database_version, schema_differences
from .tables import build_metadata


@dataclass(frozen=True)
class FunctionCase:
    """Call the learner's function on a database of one layout, with models of another."""

    name: str
    description: str
    database_layout: str
    models_layout: str
    expected: frozenset[str]
    hidden: bool = False


class FunctionExercise(Exercise):
    """The answer defines ``function_name(engine, metadata)`` returning a set of strings."""

    function_name: ClassVar[str]
    cases: ClassVar[tuple[FunctionCase, ...]]

    def planned_checks(self) -> list[tuple[str, str, bool]]:
        return [(case.name, case.description, case.hidden) for case in self.cases]

    def run_checks(self, checks, source, scratch, session, *, hidden) -> None:
        module = scratch / "answer.py"
        module.write_text(source, encoding="utf-8")
        cases = [case for case in self.cases if hidden or not case.hidden]
        requests = []
        for number, case in enumerate(cases):
            path = scratch / f"case{number}.db"
            engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
            build_metadata(case.database_layout).create_all(engine)
            engine.dispose()
            requests.append({"database": str(path), "layout": case.models_layout})
        facts = self.run_step(
            session,
            "call_function",
            str(module),
            self.function_name,
            requests,
            what=f"Your {self.function_name}()",
        )
        results = facts.get("results")
        for case, result in zip(cases, results if isinstance(results, list) else [], strict=False):
            checks.run(
                case.name,
                case.description,
                lambda case=case, result=result: self.verify_case(case, result),
                hidden=case.hidden,
            )
        if len(checks.results) != len(cases):
            raise AnswerProblem(Outcome.ERROR, "The checking process returned too few results.")

    def verify_case(self, case: FunctionCase, result: Any) -> None:
        if not isinstance(result, dict) or "value" not in result:
            kind = result.get("type") if isinstance(result, dict) else "?"
            raise CheckFailed(
                f"{self.function_name}() returned {kind}; it should return a set of strings "
                'like {"user.password_hash"}.'
            )
        value = result["value"]
        if not isinstance(value, list) or any(type(item) is not str for item in value):
            raise CheckFailed("the result could not be read as a set of strings.")
        found = frozenset(value)
        if found == case.expected:
            return
        problems = []
        if case.expected - found:
            problems.append(f"it misses {sorted(case.expected - found)}")
        if found - case.expected:
            problems.append(f"it wrongly reports {sorted(found - case.expected)}")
        raise CheckFailed(
            f"with a database of layout {case.database_layout!r} and models of layout "
            f"{case.models_layout!r}, {' and '.join(problems)}."
        )


ALEMBIC_INI = """\
[alembic]

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s %(message)s
"""

MODELS_PY = """\
from . import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
"""


FACTORY_CHECKS = (
    ("db-commands", "the app has the flask db commands"),
    ("upgrade", "flask db upgrade through this app creates the user table"),
)


class FactoryExercise(Exercise):
    """The answer is an app package's ``__init__.py`` with a ``create_app(database_url)``.

    It is judged by importing it beside a ``models.py``, building apps from it and running
    a real upgrade through Flask-Migrate.
    """

    package_name: ClassVar[str] = "course_app"
    hidden_fact_checks: ClassVar[tuple[tuple[str, str, str, str], ...]] = (
        (
            "same-db",
            "Flask-Migrate works with the module's db object",
            "same_db",
            "Flask-Migrate is attached with another SQLAlchemy object than the module's db, so "
            "autogenerate would not see the models.",
        ),
        (
            "batch-mode",
            "migrations are rendered in batch mode, as SQLite needs",
            "render_as_batch",
            "render_as_batch is off: pass render_as_batch=True to Migrate().",
        ),
        (
            "factory-twice",
            "every app the factory makes has the commands, not just the first",
            "second_app_db_command",
            "a second app from create_app() has no 'db' command.",
        ),
    )

    def planned_checks(self) -> list[tuple[str, str, bool]]:
        hidden = [(name, description, True) for name, description, *_ in self.hidden_fact_checks]
        return [(name, description, False) for name, description in FACTORY_CHECKS] + hidden

    def run_checks(self, checks, source, scratch, session, *, hidden) -> None:
        package = scratch / self.package_name
        package.mkdir()
        (package / "__init__.py").write_text(source, encoding="utf-8")
        (package / "models.py").write_text(MODELS_PY)
        migrations = scratch / "migrations"
        (migrations / "versions").mkdir(parents=True)
        template = Path(flask_migrate.__file__).parent / "templates" / "flask"
        shutil.copy(template / "env.py", migrations / "env.py")
        (migrations / "alembic.ini").write_text(ALEMBIC_INI)
        first = "5e1f0c2a9b01_create_user_table.py"
        shutil.copy(MIGRATIONS_DIR / first, migrations / "versions" / first)
        db = scratch / "app.db"
        facts = self.run_step(
            session,
            "wire_app",
            str(package),
            str(migrations),
            f"sqlite:///{db}",
            what="Your create_app()",
        ).get("facts")
        facts = facts if isinstance(facts, dict) else {}
        checks.run(
            *FACTORY_CHECKS[0],
            lambda: require(
                facts.get("db_command") is True and facts.get("migrate_registered") is True,
                "the app made by create_app() has no 'db' command: Flask-Migrate is not "
                "attached to it. Call migrate.init_app(app, db) inside create_app().",
            ),
        )
        checks.run(*FACTORY_CHECKS[1], lambda: self.verify_upgrade(facts, db))
        if hidden:
            for name, description, fact, message in self.hidden_fact_checks:
                checks.run(
                    name,
                    description,
                    lambda fact=fact, message=message: require(facts.get(fact) is True, message),
                    hidden=True,
                )

    def verify_upgrade(self, facts: dict[str, Any], db: Path) -> None:
        failure = facts.get("upgrade")
        if isinstance(failure, dict):
            raise CheckFailed(f"flask db upgrade failed: {failure.get('error')}")
        if not db.is_file():
            raise CheckFailed("no database was created: did the upgrade run?")
        differences = schema_differences(f"sqlite:///{db}", "user")
        if differences:
            raise CheckFailed("after flask db upgrade, " + "; ".join(differences) + ".")
        if database_version(f"sqlite:///{db}") != ["5e1f0c2a9b01"]:
            raise CheckFailed("after flask db upgrade, the database is not at the first revision.")


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
