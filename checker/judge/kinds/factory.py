"""Factory exercises: the answer is an app package's ``__init__.py`` with ``create_app``.

It is judged by importing it, in the sandbox, beside a ``models.py``, building apps from
it and running a real upgrade through Flask-Migrate; the checker then inspects the
database the upgrade made.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import flask_migrate
from sqlalchemy import MetaData

from .. import sandbox
from ..checks import check
from ..inspection import database_version, schema_differences
from ..outcomes import CheckFailed
from .base import Exercise

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


@dataclass
class FactoryTrial:
    """The learner's package laid out in scratch, and what the sandbox found out about it."""

    session: sandbox.Session
    package: Path
    migrations: Path
    database: Path
    facts: dict[str, Any] = field(default_factory=dict)
    asked: bool = False


class FactoryExercise(Exercise):
    """The answer is a package's ``__init__.py``; ``models_module`` is the ``models.py`` beside it.

    The upgrade runs the first revision of ``files/migrations`` (``first_revision``), which
    must produce ``expected_layout``.
    """

    package_name: ClassVar[str] = "course_app"
    models_module: ClassVar[str]
    first_revision: ClassVar[str]
    expected_layout: ClassVar[str]

    def metadata(self, layout: str) -> MetaData:
        """A fresh MetaData holding the tables of ``layout``."""
        raise NotImplementedError

    @check("db-commands")
    def db_commands(self, trial: FactoryTrial) -> None:
        """the app has the flask db commands"""
        facts = self.facts(trial)
        if not (facts.get("db_command") is True and facts.get("migrate_registered") is True):
            raise CheckFailed(
                "the app made by create_app() has no 'db' command: Flask-Migrate is not "
                "attached to it. Call migrate.init_app(app, db) inside create_app()."
            )

    @check("upgrade")
    def upgrade(self, trial: FactoryTrial) -> None:
        """flask db upgrade through this app creates the user table"""
        failure = self.facts(trial).get("upgrade")
        if isinstance(failure, dict):
            raise CheckFailed(f"flask db upgrade failed: {failure.get('error')}")
        if not trial.database.is_file():
            raise CheckFailed("no database was created: did the upgrade run?")
        url = f"sqlite:///{trial.database}"
        differences = schema_differences(url, self.metadata(self.expected_layout))
        if differences:
            raise CheckFailed("after flask db upgrade, " + "; ".join(differences) + ".")
        if database_version(url) != [self.first_revision.split("_", 1)[0]]:
            raise CheckFailed("after flask db upgrade, the database is not at the first revision.")

    @check("same-db", hidden=True)
    def same_db(self, trial: FactoryTrial) -> None:
        """Flask-Migrate works with the module's db object"""
        if self.facts(trial).get("same_db") is not True:
            raise CheckFailed(
                "Flask-Migrate is attached with another SQLAlchemy object than the module's "
                "db, so autogenerate would not see the models."
            )

    @check("batch-mode", hidden=True)
    def batch_mode(self, trial: FactoryTrial) -> None:
        """migrations are rendered in batch mode, as SQLite needs"""
        if self.facts(trial).get("render_as_batch") is not True:
            raise CheckFailed("render_as_batch is off: pass render_as_batch=True to Migrate().")

    @check("factory-twice", hidden=True)
    def factory_twice(self, trial: FactoryTrial) -> None:
        """every app the factory makes has the commands, not just the first"""
        if self.facts(trial).get("second_app_db_command") is not True:
            raise CheckFailed("a second app from create_app() has no 'db' command.")

    def prepare(self, source: str, scratch: Path, session: sandbox.Session) -> FactoryTrial:
        package = scratch / self.package_name
        package.mkdir()
        (package / "__init__.py").write_text(source, encoding="utf-8")
        (package / "models.py").write_text(self.models_module)
        migrations = scratch / "migrations"
        (migrations / "versions").mkdir(parents=True)
        template = Path(flask_migrate.__file__).parent / "templates" / "flask"
        shutil.copy(template / "env.py", migrations / "env.py")
        (migrations / "alembic.ini").write_text(ALEMBIC_INI)
        first = self.first_revision
        shutil.copy(self.files / "migrations" / first, migrations / "versions" / first)
        return FactoryTrial(session, package, migrations, scratch / "app.db")

    def facts(self, trial: FactoryTrial) -> dict[str, Any]:
        """What building apps from the factory showed, found out once in the sandbox."""
        if not trial.asked:
            trial.asked = True
            found = self.run_step(
                trial.session,
                "wire_app",
                str(trial.package),
                str(trial.migrations),
                f"sqlite:///{trial.database}",
                what="Your create_app()",
            ).get("facts")
            trial.facts = found if isinstance(found, dict) else {}
        return trial.facts
