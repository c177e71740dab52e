"""A small Flask app with a ``User`` model, managed by Flask-Migrate.

Run it from a shell with ``flask --app sample_app ...``; ``DATABASE_URL`` chooses the
database (a SQLite file ``app.db`` in the instance folder by default).
"""

from flask import Flask

from . import models  # noqa: F401  (the models must be imported for autogenerate to see them)
from .commands import register_commands
from .config import check_connection, database_url
from .extensions import db, migrate


def create_app(config: "dict | None" = None) -> Flask:
    """Application factory: configure, check the database, attach extensions and commands."""
    app = Flask(__name__)
    app.config.update(config or {})
    if "SQLALCHEMY_DATABASE_URI" not in app.config:
        url = database_url()
        app.config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)

    db.init_app(app)
    migrate.init_app(app, db)
    register_commands(app)

    with app.app_context():
        check_connection(db.engine)
    return app
