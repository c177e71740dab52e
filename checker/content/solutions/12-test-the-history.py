from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine


def test_history(config, metadata):
    """One head; each revision up, down and up again; at the head, the schema is the models'."""
    scripts = ScriptDirectory.from_config(config)
    heads = scripts.get_heads()
    assert len(heads) == 1, f"the history has {len(heads)} heads: {heads}"
    for script in reversed(list(scripts.walk_revisions())):
        parents = script.down_revision
        parent = parents[0] if isinstance(parents, tuple) else parents  # a merge: one parent
        command.upgrade(config, script.revision)
        command.downgrade(config, parent or "base")
        command.upgrade(config, script.revision)
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert not differences, f"the schema at the head differs from the models: {differences}"
