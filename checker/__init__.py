"""Course support: scratch workspaces, database facts and the lesson helpers."""

__version__ = "0.1.0"
