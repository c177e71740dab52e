from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine


def test_history(config, metadata):
    """One head; each revision up, down and up again; at the head, the schema is the models'."""
    raise NotImplementedError("write this test")
