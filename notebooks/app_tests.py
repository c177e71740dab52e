"""Tests of the app, on a database built by the migrations."""

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from sample_app import create_app
from sample_app.commands import seed_users
from sample_app.extensions import db
from sample_app.models import User

MIGRATIONS = Path(__file__).parent / "migrations"


@pytest.fixture
def app(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/test.db"})
    config = Config(MIGRATIONS / "alembic.ini")
    config.set_main_option("script_location", str(MIGRATIONS))
    with app.app_context():
        command.upgrade(config, "head")
        yield app


def test_seed_adds_five_users(app):
    assert seed_users() == 5


def test_a_user_can_have_a_bio(app):
    db.session.add(User(username="zoe", email="zoe@example.com", bio="Writes tests."))
    db.session.commit()
    assert db.session.scalars(db.select(User.bio)).one() == "Writes tests."
