"""Checks of the migration history, each on an empty database of its own."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from sample_app import create_app
from sample_app.extensions import db

MIGRATIONS = Path(__file__).parent / "migrations"
BIO = "4d2e8f1a9c03"  # the revision that adds user.bio


def alembic_config():
    config = Config(MIGRATIONS / "alembic.ini")
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@pytest.fixture
def config(tmp_path):
    url = f"sqlite:///{tmp_path}/test.db"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():  # env.py reads the app
        yield config


@pytest.fixture
def metadata():
    return db.metadata


def test_single_head_revision(config):
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"{len(heads)} heads: {heads}"


def test_upgrade(config):
    command.upgrade(config, "head")


def test_model_definitions_match_ddl(config, metadata):
    command.upgrade(config, "head")
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_up_down_consistency(config):
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")


REVISIONS = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())[::-1]


@pytest.mark.parametrize("script", REVISIONS, ids=lambda script: script.revision)
def test_stairway(config, script):
    command.upgrade(config, script.revision)
    command.downgrade(config, script.down_revision or "base")
    command.upgrade(config, script.revision)


def test_bio_migration_keeps_users(config):
    command.upgrade(config, f"{BIO}-1")
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO user (username, email) VALUES ('ana', 'ana@x.org')"))
    command.upgrade(config, BIO)
    with engine.connect() as connection:
        users = connection.execute(text("SELECT username, bio FROM user")).all()
    assert users == [("ana", None)]
