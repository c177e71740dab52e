"""Lesson 02, Wiring Flask-Migrate into the app: its exercises and quiz questions."""

from __future__ import annotations

from ..judge.quizzes import Option, Question
from .command_line import FLASK_COMMAND_LINE
from .kinds import FactoryExercise

TITLE = "Wiring Flask-Migrate into the app"

USER_MODEL = """\
from . import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
"""


class WireMigrate(FactoryExercise):
    """Attach Flask-Migrate in an application factory."""

    id = "02-wire-migrate"
    title = "Wire Flask-Migrate into an application factory"
    models_module = USER_MODEL
    first_revision = "5e1f0c2a9b01_create_user_table.py"
    expected_layout = "user"
    default_database_url = "sqlite:///app.db"
    task = """\
Complete the package's `__init__.py` below so that every app made by `create_app(database_url)`
has the `flask db` commands and can be migrated:

- import the `Migrate` class from `flask_migrate`;
- create the extension once, at module level, unbound (no app yet), with batch rendering turned on
  for SQLite;
- attach it inside `create_app` to the app and to the module's `db`.

Replace each `___`; keep everything else (the import of the models inside `create_app` is what
lets autogenerate see them). The check builds apps from your factory next to a
`models.py` with the `User` model and runs a real `flask db upgrade` through it.
"""
    hints = (
        "The class is `Migrate`: `from flask_migrate import Migrate`.",
        (
            "At module level, `migrate = Migrate(render_as_batch=True)` creates the extension "
            "without an app, like `db = SQLAlchemy()` above it."
        ),
        "Inside the factory, after `db.init_app(app)`: `migrate.init_app(app, db)`.",
    )


EXERCISES = (WireMigrate,)

QUESTIONS = (
    Question(
        id="02-wraps-alembic",
        prompt="What does Flask-Migrate add to Alembic?",
        kind="single",
        keys=("84c1167d52f0d1372081554ffc594ec4f2ebdd1c6c6350009338d9131a31db49",),
        options=(
            Option(
                (
                    "The flask db commands, and an env.py that takes the database URL and the "
                    "metadata from the Flask app; Alembic does the migrating"
                ),
                (
                    "Yes: each flask db command calls an Alembic command (the one of the same "
                    "name, but for migrate: revision --autogenerate)."
                ),
            ),
            Option(
                "A migration engine of its own, in place of Alembic's",
                "No: the scripts, the history and the upgrade are Alembic's.",
            ),
            Option(
                "Upgrades that run by themselves when the app starts",
                "No: nothing changes the database until someone runs flask db upgrade.",
            ),
            Option(
                "Support for databases that Alembic cannot migrate",
                "No: it migrates what Alembic and SQLAlchemy support, no more.",
            ),
        ),
        explanation=(
            "Flask-Migrate is a thin layer: Flask CLI commands over Alembic's, configured from the"
            " app."
        ),
    ),
    Question(
        id="02-init-app",
        prompt="In an application factory, which line gives the app the `flask db` commands?",
        kind="single",
        keys=("24bf7aff6d82aca5504430cbab978ee91eb36a4908292012ddf9f6b9b1d135b7",),
        options=(
            Option(
                "`migrate.init_app(app, db)`",
                "It registers the `db` command group with that app.",
            ),
            Option("`db.init_app(app)`", "That attaches Flask-SQLAlchemy, not Flask-Migrate."),
            Option(
                "`from flask_migrate import Migrate`",
                "Importing the class does nothing to the app.",
            ),
            Option(
                "`db.create_all()`",
                "That creates missing tables; it has nothing to do with migrations.",
            ),
        ),
        explanation="`Migrate(app, db)` does the same in one step when there is no factory.",
    ),
    Question(
        id="02-init-command",
        prompt=(
            "Which command creates the `migrations/` folder? Type it as you would in a terminal."
        ),
        kind="text",
        command_line=FLASK_COMMAND_LINE,
        keys=("e124284dc4f501f9048b7020411bf0f7e1d8a8bcc67d8aec94885a63ba31327c",),
        options=(
            Option(
                "flask db migrate",
                "`flask db migrate` writes a migration script; it needs `migrations/` to exist.",
            ),
            Option(
                "flask db upgrade",
                "`upgrade` applies migrations to the database; it needs `migrations/` first.",
            ),
            Option("db init", "Close: Flask-Migrate's commands run through `flask`."),
            Option("flask init", "Flask-Migrate adds its commands under `flask db`."),
            Option(
                "flask init-db",
                "That is the sample app's own command: it runs `db.create_all()`, no migrations.",
            ),
        ),
        explanation="It runs once per project; commit the folder it creates.",
    ),
)
