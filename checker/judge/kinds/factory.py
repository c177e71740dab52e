"""Factory exercises: the answer is an app package's ``__init__.py`` with ``create_app``.

It is judged by importing it, in the sandbox, beside a ``models.py``, building apps from
it and running a real upgrade through Flask-Migrate; the checker then inspects the
database the upgrade made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import flask_migrate
from sqlalchemy import MetaData

from .. import sandbox
from ..checks import check
from ..outcomes import CheckFailed
from ..schema import database_version, schema_differences
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
    private: Path
    source: str
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
    # The database an app made with no argument uses, as the starter has it ("keep everything
    # else"): flask --app finds the factory and calls it so.
    default_database_url: ClassVar[str]

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
        facts = self.facts(trial)
        if facts.get("finds_migrations") is False:
            raise CheckFailed(
                f"the app looks for its migrations in {facts.get('directory')!r}, not in the "
                "project's migrations/ folder that flask db init made, so flask db upgrade "
                "would not find them: leave directory= out."
            )
        failure = facts.get("upgrade")
        if isinstance(failure, dict):
            error = " ".join(str(failure.get("error")).split())[:300]
            raise CheckFailed(f"flask db upgrade failed: {error}")
        copy = trial.private / "app.db"
        if not trial.session.scratch.copy_out("app.db", copy):
            raise CheckFailed("no database was created: did the upgrade run?")
        url = f"sqlite:///{copy}"
        differences = schema_differences(url, self.metadata(self.expected_layout))
        if differences:
            raise CheckFailed("after flask db upgrade, " + "; ".join(differences) + ".")
        if database_version(url) != [self.first_revision.split("_", 1)[0]]:
            raise CheckFailed("after flask db upgrade, the database is not at the first revision.")

    @check("module-extension")
    def module_extension(self, trial: FactoryTrial) -> None:
        """the extension is created once, at module level, and every app uses that one"""
        facts = self.facts(trial)
        if facts.get("module_extension") is not True:
            raise CheckFailed(
                "the module has no Migrate object named migrate: create it at module level, "
                "migrate = Migrate(...), like db = SQLAlchemy() above it."
            )
        if facts.get("extension_at_import") is not True:
            raise CheckFailed(
                "the module's migrate is no Migrate object until create_app() runs: create it "
                "when the module is imported, at module level."
            )
        if facts.get("attached_at_import") is not False:
            raise CheckFailed(
                "Migrate was attached to an app when the module was imported: create it "
                "unbound, Migrate(), and attach it inside create_app() with "
                "migrate.init_app(app, db)."
            )
        if facts.get("made_by_factory") != 0:
            raise CheckFailed(
                "create_app() makes a Migrate object of its own: the extension is made once, "
                "at module level; create_app() only attaches it with migrate.init_app(app, db)."
            )
        if facts.get("uses_module_extension") is not True:
            raise CheckFailed(
                "the app uses another Migrate object than the module's migrate: attach that "
                "one with migrate.init_app(app, db) instead of creating a new one."
            )

    @check("same-db")
    def same_db(self, trial: FactoryTrial) -> None:
        """Flask-Migrate works with the module's db object"""
        if self.facts(trial).get("same_db") is not True:
            raise CheckFailed(
                "Flask-Migrate is attached with another SQLAlchemy object than the module's "
                "db, so autogenerate would not see the models."
            )

    @check("models-seen")
    def models_seen(self, trial: FactoryTrial) -> None:
        """the models are imported when an app is made, so autogenerate sees them"""
        expected = sorted(self.metadata(self.expected_layout).tables)
        if self.facts(trial).get("model_tables") != expected:
            raise CheckFailed(
                "once create_app() has run, the db's metadata has no "
                f"{', '.join(expected)} table: the models module is never imported, so "
                "flask db migrate would see no tables (and propose to drop them all). Keep "
                "the import of the models inside create_app()."
            )

    @check("batch-mode")
    def batch_mode(self, trial: FactoryTrial) -> None:
        """migrations are rendered in batch mode, as SQLite needs"""
        if self.facts(trial).get("render_as_batch") is not True:
            raise CheckFailed("render_as_batch is off: pass render_as_batch=True to Migrate().")

    @check("factory-twice")
    def factory_twice(self, trial: FactoryTrial) -> None:
        """every app the factory makes has the commands, not just the first"""
        if self.facts(trial).get("second_app_db_command") is not True:
            raise CheckFailed("a second app from create_app() has no 'db' command.")

    @check("default-database")
    def default_database(self, trial: FactoryTrial) -> None:
        """an app made with no argument (as flask --app makes it) uses the starter's database"""
        found = self.facts(trial).get("default_url")
        if isinstance(found, dict):
            error = " ".join(str(found.get("error")).split())[:300]
            raise CheckFailed(
                f"create_app() with no argument (as flask --app calls it) failed: {error}"
            )
        if found != self.default_database_url:
            raise CheckFailed(
                f"create_app() with no argument uses the database {found!r}, not "
                f"{self.default_database_url!r}: flask --app calls the factory so, and the "
                "starter's default is to be kept."
            )

    @check("other-database", hidden=True)
    def other_database(self, trial: FactoryTrial) -> None:
        """an app made for another database upgrades that database"""
        failure = self.facts(trial).get("other_upgrade")
        if isinstance(failure, dict):
            error = " ".join(str(failure.get("error")).split())[:300]
            raise CheckFailed(f"flask db upgrade of a second app failed: {error}")
        copy = trial.private / "other.db"
        if not trial.session.scratch.copy_out("other.db", copy):
            raise CheckFailed(
                "an app made with create_app(another_url) did not create that database: "
                "does create_app use its database_url?"
            )
        differences = schema_differences(f"sqlite:///{copy}", self.metadata(self.expected_layout))
        if differences:
            raise CheckFailed("after upgrading the second app, " + "; ".join(differences) + ".")

    def prepare(self, source: str, private: Path, session: sandbox.Session) -> FactoryTrial:
        scratch = session.scratch
        scratch.write(f"{self.package_name}/__init__.py", source.encode("utf-8"))
        scratch.write(f"{self.package_name}/models.py", self.models_module.encode())
        template = Path(flask_migrate.__file__).parent / "templates" / "flask" / "env.py"
        scratch.write("migrations/env.py", template.read_bytes())
        scratch.write("migrations/alembic.ini", ALEMBIC_INI.encode())
        first = (self.files / "migrations" / self.first_revision).read_bytes()
        scratch.write(f"migrations/versions/{self.first_revision}", first)
        return FactoryTrial(session, private, source)

    def facts(self, trial: FactoryTrial) -> dict[str, Any]:
        """What building apps from the factory showed, found out once in the sandbox."""
        if not trial.asked:
            trial.asked = True
            scratch = trial.session.scratch
            found = self.run_step(
                trial.session,
                "wire_app",
                scratch.child_path(self.package_name),
                scratch.child_path("migrations"),
                f"sqlite:///{scratch.child_path('app.db')}",
                f"sqlite:///{scratch.child_path('other.db')}",
                what="Your create_app()",
                source=trial.source,
            ).get("facts")
            trial.facts = found if isinstance(found, dict) else {}
        return trial.facts
