"""Configuration read from the environment, checked before the app uses it."""

import os

import click
from sqlalchemy import text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

DEFAULT_DATABASE_URL = "sqlite:///app.db"


class DatabaseConfigError(click.ClickException):
    """The configured database is unusable.

    A ClickException, so that ``flask ...`` commands print it as one line
    ("Error: ...") instead of a traceback.
    """


def database_url(environ: "os._Environ[str] | dict[str, str]" = os.environ) -> URL:
    """Return the database URL from ``DATABASE_URL`` (SQLite ``app.db`` by default).

    A bare ``postgresql://`` URL means psycopg 3, the driver installed with the app.
    """
    raw = environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    try:
        url = with_installed_driver(make_url(raw))
    except ArgumentError:
        raise DatabaseConfigError(
            f"DATABASE_URL is not a database URL: {raw!r} "
            "(expected e.g. sqlite:///app.db or postgresql://user@host/dbname)"
        ) from None
    try:
        url.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise DatabaseConfigError(
            f"DATABASE_URL names an unknown database kind: {url.drivername!r}"
        ) from None
    except ImportError as error:
        raise DatabaseConfigError(
            f"DATABASE_URL needs the Python driver {error.name!r}, which is not installed"
        ) from None
    return url


def with_installed_driver(url: URL) -> URL:
    """``postgresql://`` as ``postgresql+psycopg://``, whatever SQLAlchemy's default driver is."""
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def check_connection(engine: Engine) -> None:
    """Connect once to the database, turning a failure into a one-line error."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        shown = engine.url.render_as_string(hide_password=True)
        raise DatabaseConfigError(f"cannot connect to {shown}: {reason}") from None
