from sqlalchemy import inspect


def missing_columns(engine, metadata):
    """The columns the models define but the database lacks, as {"table.column", ...}."""
    inspector = inspect(engine)
    tables_in_database = set(inspector.get_table_names())
    missing = set()
    for table in metadata.tables.values():
        present = set()
        if table.name in tables_in_database:
            present = {column["name"] for column in inspector.get_columns(table.name)}
        missing |= {f"{table.name}.{c.name}" for c in table.columns if c.name not in present}
    return missing
