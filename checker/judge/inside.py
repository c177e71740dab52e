"""The steps that run inside the sandbox: Alembic commands and learner modules.

Every function here takes and returns plain JSON data. Errors raised by learner code are
caught and described (type, message, the learner's line), never re-raised. Its 320 lines are
short steps the child serves by name, kept in the one module the child imports for them.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import sys
import traceback
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

_LEARNER_MODULES: dict[str, Any] = {}

ENV_PY = """\
\"\"\"Alembic environment of a check, as the lessons' own env.py configures Alembic: the
models' metadata as the target where the check has models (a history test's), else an empty
one with the app's naming convention; batch mode; types compared.\"\"\"
import importlib

from alembic import context
from sqlalchemy import MetaData, engine_from_config, pool

config = context.config
settings = config.get_section(config.config_ini_section, {{}})
metadata = {target}
if context.is_offline_mode():  # upgrade --sql: the SQL written out, no database touched
    context.configure(
        url=settings["sqlalchemy.url"],
        target_metadata=metadata,
        literal_binds=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(settings, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
"""


def env_py(naming_convention: dict[str, str], metadata_source: str = "", layout: str = "") -> str:
    """The ``env.py`` of a check: its target the models of ``layout``, built by
    ``metadata_source`` (``module:function``) as Flask-Migrate's env.py takes the app's,
    or else an empty MetaData with the app's constraint naming convention."""
    if metadata_source:
        module, function = metadata_source.split(":")
        target = f"getattr(importlib.import_module({module!r}), {function!r})({layout!r})"
    else:
        target = f"MetaData(naming_convention={dict(naming_convention)!r})"
    return ENV_PY.format(target=target)


def describe_error(error: BaseException, learner_file: str | None) -> dict[str, Any]:
    """A short, learner-facing account of an exception: no checker or library frames."""
    if isinstance(error, SystemExit):
        summary = f"the code called sys.exit({error.code!r})"
    elif isinstance(error, MemoryError):
        summary = "the code ran out of memory (MemoryError)"
    else:
        text = str(error).strip()
        summary = type(error).__name__ + (f": {text.splitlines()[0]}" if text else "")
    frames = []
    if learner_file:
        learner = Path(learner_file).resolve()
        for frame in traceback.extract_tb(error.__traceback__):
            if Path(frame.filename).resolve() == learner:
                frames.append({"line": frame.lineno, "function": frame.name})
        if isinstance(error, SyntaxError) and error.filename and Path(error.filename) == learner:
            frames.append({"line": error.lineno, "function": ""})
    return {"error": summary, "frames": frames}


def alembic_config(script_location: str, database_url: str) -> Config:
    """An Alembic configuration for a scripts folder and a database, without an ini file."""
    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def load_scripts(script_location: str, learner_file: str) -> dict[str, Any]:
    """Load every script of a migrations folder as Alembic does, reporting only an error.

    The history itself (revisions, heads) is read by the checker from the scripts' text.
    """
    try:
        list(ScriptDirectory(script_location).walk_revisions())
    except BaseException as error:
        return describe_error(error, learner_file)
    return {"ok": True}


def migrate(
    script_location: str, database_url: str, direction: str, revision: str, learner_file: str
) -> dict[str, Any]:
    """Run ``alembic upgrade/downgrade REVISION`` on a database."""
    config = alembic_config(script_location, database_url)
    run = command.upgrade if direction == "upgrade" else command.downgrade
    try:
        run(config, revision)
    except BaseException as error:
        return describe_error(error, learner_file)
    return {"ok": True}


def write_rows(
    database_url: str,
    table_name: str,
    added: list[dict[str, Any]],
    changed: list[dict[str, Any]],
) -> dict[str, Any]:
    """What the app writes to a table after an upgrade, in one transaction, the table as the
    migrated database has it (reflected): rows ``added``, and new values ``changed`` in rows
    (each names its row by ``id``). On PostgreSQL the sequence of ``id``, if any, is moved past
    the rows added, as the app's own inserts would have moved it. A column the migration lost
    is left out of a change: the checks say what is missing."""
    from sqlalchemy import MetaData, Table, create_engine, func, insert, select, update
    from sqlalchemy.pool import NullPool

    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            table = Table(table_name, MetaData(), autoload_with=connection)
            if added:
                connection.execute(insert(table), added)
            if added and connection.dialect.name == "postgresql" and "id" in table.c:
                quoted = connection.dialect.identifier_preparer.format_table(table)
                sequence = func.pg_get_serial_sequence(quoted, "id")
                highest = select(func.max(table.c.id)).scalar_subquery()
                connection.execute(select(func.setval(sequence, highest)))
            for change in changed:
                values = {key: value for key, value in change.items() if key in table.c}
                values.pop("id", None)
                if values and "id" in table.c:
                    statement = update(table).where(table.c.id == change["id"]).values(values)
                    connection.execute(statement)
    except BaseException as error:
        return describe_error(error, None)
    finally:
        engine.dispose()
    return {"ok": True}


def render_sql(
    script_location: str, dialect_url: str, revisions: str, learner_file: str, limit: int
) -> dict[str, Any]:
    """Run ``alembic upgrade REVISIONS --sql``: the SQL the migrations would run, written out
    for ``dialect_url``'s database without connecting to one (at most ``limit`` characters)."""
    written = io.StringIO()
    config = alembic_config(script_location, dialect_url)
    config.output_buffer = written
    try:
        command.upgrade(config, revisions, sql=True)
    except BaseException as error:
        return describe_error(error, learner_file)
    text = written.getvalue()
    return {"ok": True, "sql": text[:limit], "cut": len(text) > limit}


def call_function(
    module_file: str, function_name: str, metadata_source: str, case: dict[str, Any]
) -> dict[str, Any]:
    """Import a learner module (once per session) and call ``function(engine, metadata)``.

    The case names a SQLite file and a table layout, built by ``metadata_source``
    (``module:function``); the learner's return value must be a set of strings, sent
    back sorted as plain strings (SQLAlchemy's names are a ``str`` subclass, ``quoted_name``:
    their text is taken, never a method of theirs called).
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    try:
        module = _LEARNER_MODULES.get(module_file) or _import_file(module_file, "learner_answer")
        _LEARNER_MODULES[module_file] = module
        function = getattr(module, function_name)
    except BaseException as error:
        return describe_error(error, module_file)
    module_name, builder_name = metadata_source.split(":")
    build_metadata = getattr(importlib.import_module(module_name), builder_name)
    engine = create_engine(f"sqlite:///{case['database']}", poolclass=NullPool)
    try:
        value = function(engine, build_metadata(case["layout"]))
    except BaseException as error:
        return describe_error(error, module_file)
    finally:
        engine.dispose()
    if type(value) not in (set, frozenset):
        return {"type": f"a {type(value).__name__}"}
    odd = next((item for item in value if not isinstance(item, str)), None)
    if odd is not None:
        return {"type": f"a set holding a {type(odd).__name__}"}
    return {"value": sorted({str.__str__(item) for item in value})}


def run_history_test(
    module_file: str,
    function_name: str,
    script_location: str,
    database_url: str,
    metadata_source: str,
    layout: str,
) -> dict[str, Any]:
    """Run a learner's ``test_history(config, metadata)`` on one history: passed, or how
    it failed (a test failing is its answer, not an error of the step)."""
    try:
        module = _LEARNER_MODULES.get(module_file) or _import_file(module_file, "learner_test")
        _LEARNER_MODULES[module_file] = module
        function = getattr(module, function_name)
    except BaseException as error:
        return describe_error(error, module_file)
    module_name, builder_name = metadata_source.split(":")
    build_metadata = getattr(importlib.import_module(module_name), builder_name)
    try:
        function(alembic_config(script_location, database_url), build_metadata(layout))
    except BaseException as error:
        return {"failure": describe_error(error, module_file)}
    return {"failure": None}


def wire_app(
    package_dir: str, migrations_dir: str, database_url: str, other_url: str
) -> dict[str, Any]:
    """Import a learner's app package, build apps from its factory, and upgrade through
    Flask-Migrate: the first app's database, then another app's at ``other_url``."""
    learner_file = str(Path(package_dir) / "__init__.py")
    made: list[int] = []  # each Migrate object made, and each app one was attached to
    attached: list[int] = []
    watch_migrate(made, attached)
    try:
        sys.path.insert(0, str(Path(package_dir).parent))
        package = importlib.import_module(Path(package_dir).name)
        at_import = type(getattr(package, "migrate", None)).__name__ == "Migrate"
        made_at_import, attached_at_import = len(made), len(attached)
        app = package.create_app(database_url)
        second = package.create_app(other_url)
        facts: dict[str, Any] = {
            "db_command": "db" in app.cli.list_commands(None),
            "second_app_db_command": "db" in second.cli.list_commands(None),
            "migrate_registered": "migrate" in app.extensions,
            "extension_at_import": at_import,
            "attached_at_import": attached_at_import > 0,
            "made_by_factory": len(made) - made_at_import,
        }
    except BaseException as error:
        return describe_error(error, learner_file)
    try:  # as flask --app calls it; a failure here costs only the check that asks
        default = package.create_app().config.get("SQLALCHEMY_DATABASE_URI")
        facts["default_url"] = str(default)[:200]
    except BaseException as error:
        facts["default_url"] = describe_error(error, learner_file)
    if facts["migrate_registered"]:
        registered = app.extensions["migrate"]
        module_migrate = getattr(package, "migrate", None)
        facts["module_extension"] = type(module_migrate).__name__ == "Migrate"
        facts["uses_module_extension"] = registered.migrate is module_migrate
        facts["render_as_batch"] = bool(registered.configure_args.get("render_as_batch"))
        # flask db runs in the project's folder, the package's parent: where it looks from there
        looked_in = Path(package_dir).parent / str(registered.directory)
        facts["directory"] = str(registered.directory)[:200]
        facts["finds_migrations"] = looked_in.resolve() == Path(migrations_dir).resolve()
        facts["same_db"] = registered.db is getattr(package, "db", None)
        facts["model_tables"] = sorted(str(name) for name in registered.db.metadata.tables)
        for key, built in (("upgrade", app), ("other_upgrade", second)):
            try:
                with built.app_context():
                    config = built.extensions["migrate"].migrate.get_config(migrations_dir)
                    command.upgrade(config, "head")
            except BaseException as error:
                facts[key] = describe_error(error, learner_file)
    return {"facts": facts}


def watch_migrate(made: list[int], attached: list[int]) -> None:
    """Record each ``Migrate`` object made (its id in ``made``) and each app one is attached
    to (the app's id in ``attached``, once per ``init_app``), whatever the learner calls;
    called again, it records into the new lists only."""
    from flask_migrate import Migrate

    make = getattr(Migrate.__init__, "__wrapped__", Migrate.__init__)
    attach = getattr(Migrate.init_app, "__wrapped__", Migrate.init_app)

    @functools.wraps(make)
    def recorded_make(self: Migrate, *args: Any, **kwargs: Any) -> None:
        made.append(id(self))
        make(self, *args, **kwargs)

    @functools.wraps(attach)
    def recorded_attach(self: Migrate, app: Any, *args: Any, **kwargs: Any) -> Any:
        attached.append(id(app))
        return attach(self, app, *args, **kwargs)

    Migrate.__init__, Migrate.init_app = recorded_make, recorded_attach


def _import_file(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
