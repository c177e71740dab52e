from sqlalchemy import inspect


def missing_columns(engine, metadata):
    """The columns the models define but the database lacks, as {"table.column", ...}."""
    raise NotImplementedError("write this function")
