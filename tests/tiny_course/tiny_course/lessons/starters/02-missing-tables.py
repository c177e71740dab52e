def missing_tables(engine, metadata):
    """The names of the tables the metadata defines and the database lacks."""
    return set()
