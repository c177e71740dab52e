"""The application factory, with Flask-Migrate wired in."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_migrate import Migrate

db = SQLAlchemy()
migrate = Migrate(render_as_batch=True)


def create_app(database_url="sqlite:///app.db"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    migrate.init_app(app, db)
    from . import models  # noqa: F401  (so that autogenerate sees the models)

    return app
