"""Command-line commands of the app: ``flask init-db``, ``flask seed``, ``flask users``."""

import functools

import click
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import User

SEED_USERS = [
    ("alice", "alice@example.com"),
    ("bob", "bob@example.com"),
    ("carol", "carol@example.com"),
    ("dave", "dave@example.com"),
    ("erin", "erin@example.com"),
]


def reports_database_errors(command):
    """Show a database error as a one-line ``Error: ...`` instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SQLAlchemyError as error:
            db.session.rollback()
            cause = getattr(error, "orig", None) or error
            reason = str(cause).strip().splitlines()[0]
            raise click.ClickException(f"({type(cause).__name__}) {reason}") from None

    return wrapper


def seed_users() -> int:
    """Add the sample users that are not there yet; return how many were added."""
    existing = set(db.session.scalars(db.select(User.username)))
    added = [
        User(username=username, email=email)
        for username, email in SEED_USERS
        if username not in existing
    ]
    db.session.add_all(added)
    db.session.commit()
    return len(added)


@click.command("init-db")
@reports_database_errors
def init_db_command() -> None:
    """Create missing tables with db.create_all() (the pre-migrations way)."""
    db.create_all()
    click.echo("Created the tables that did not exist yet.")


@click.command("seed")
@reports_database_errors
def seed_command() -> None:
    """Add the sample users (skipping those already there)."""
    added = seed_users()
    click.echo(f"Added {added} users.")


@click.command("users")
@reports_database_errors
def users_command() -> None:
    """List the users, one per line."""
    users = db.session.scalars(db.select(User).order_by(User.id)).all()
    for user in users:
        click.echo(f"{user.id}  {user.username:<8} {user.email}")
    click.echo(f"({len(users)} users)")


def register_commands(app: Flask) -> None:
    """Attach the app's commands to ``app.cli``."""
    for command in (init_db_command, seed_command, users_command):
        app.cli.add_command(command)
