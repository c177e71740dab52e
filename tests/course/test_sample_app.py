"""The sample app: factory, configuration, seeding, and one-line errors for a bad database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from sample_app import create_app
from sample_app.commands import SEED_USERS, seed_users
from sample_app.config import DEFAULT_DATABASE_URL, DatabaseConfigError, database_url
from sample_app.extensions import db
from sample_app.models import User


@pytest.fixture
def app(tmp_path: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}"})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_default_database_is_sqlite_app_db(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url().render_as_string() == DEFAULT_DATABASE_URL


def test_factory_reads_database_url_from_environment(monkeypatch, tmp_path):
    target = tmp_path / "from_env.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{target}"
    assert target.exists(), "the factory checks the connection, which creates the SQLite file"


def test_factory_config_argument_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "not a url")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_migrate_is_wired_with_batch_rendering(app):
    migrate_config = app.extensions["migrate"]
    assert migrate_config.db is db
    assert migrate_config.configure_args["render_as_batch"] is True
    assert "db" in app.cli.commands


def test_user_model_columns(app):
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("user")}
    assert list(columns) == ["id", "username", "email"]
    assert str(columns["username"]["type"]) == "VARCHAR(80)"
    assert str(columns["email"]["type"]) == "VARCHAR(120)"
    assert not columns["username"]["nullable"] and not columns["email"]["nullable"]
    uniques = {
        u["name"]: u["column_names"] for u in inspect(db.engine).get_unique_constraints("user")
    }
    assert uniques == {"uq_user_username": ["username"], "uq_user_email": ["email"]}


def test_seed_adds_users_once(app):
    assert seed_users() == len(SEED_USERS)
    assert seed_users() == 0
    names = db.session.scalars(db.select(User.username).order_by(User.id)).all()
    assert names == [username for username, _ in SEED_USERS]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "DATABASE_URL is not a database URL: 'not a url'"),
        ("nosuchdb://host/name", "unknown database kind: 'nosuchdb'"),
        ("mysql+pymysql://u@localhost/db", "needs the Python driver 'pymysql'"),
    ],
)
def test_bad_database_url_is_one_clear_error(url, message):
    with pytest.raises(DatabaseConfigError, match=message):
        database_url({"DATABASE_URL": url})


def test_unreachable_database_is_one_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'app.db'}"
    with pytest.raises(
        DatabaseConfigError, match="cannot connect to .*unable to open database file"
    ):
        create_app({"SQLALCHEMY_DATABASE_URI": url})


def test_bare_postgresql_url_means_psycopg_3():
    url = database_url({"DATABASE_URL": "postgresql://u@localhost/db"})
    assert url.drivername == "postgresql+psycopg"


def test_password_is_hidden_in_connection_errors():
    url = "postgresql+psycopg://learner:s3cret@127.0.0.1:1/course"
    with pytest.raises(DatabaseConfigError) as caught:
        create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert "s3cret" not in caught.value.message
    assert "learner:***@127.0.0.1:1/course" in caught.value.message


def test_cli_seed_and_users(flask):
    assert flask("init-db").returncode == 0
    assert flask("seed").stdout == "Added 5 users.\n"
    assert flask("seed").stdout == "Added 0 users.\n"
    listing = flask("users").stdout.splitlines()
    assert listing[0].split() == ["1", "alice", "alice@example.com"]
    assert listing[-1] == "(5 users)"


@pytest.mark.parametrize(
    ("database_url", "first_words"),
    [
        ("definitely-not-a-url", "Error: DATABASE_URL is not a database URL"),
        ("sqlite:////nonexistent-dir/x/app.db", "Error: cannot connect to"),
    ],
)
def test_cli_reports_bad_database_in_one_line(flask, database_url, first_words):
    result = flask("db", "upgrade", env={"DATABASE_URL": database_url})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(first_words)


def test_cli_reports_missing_column_in_one_line(flask, space):
    flask("init-db")
    models = space.app_dir / "models.py"
    models.write_text(
        models.read_text().replace(
            "    email = db.Column(db.String(120), unique=True, nullable=False)\n",
            "    email = db.Column(db.String(120), unique=True, nullable=False)\n"
            "    password_hash = db.Column(db.String(128))\n",
        )
    )
    result = flask("users")
    assert result.returncode == 1
    assert result.stderr == "Error: (OperationalError) no such column: user.password_hash\n"
