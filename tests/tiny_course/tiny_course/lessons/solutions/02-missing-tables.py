import sqlalchemy as sa


def missing_tables(engine, metadata):
    """The names of the tables the metadata defines and the database lacks."""
    present = set(sa.inspect(engine).get_table_names())
    return {table.name for table in metadata.tables.values()} - present
