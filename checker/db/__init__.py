"""Databases the course works with: read-only views of any database, and the embedded
PostgreSQL server. Used by the lesson helpers and the judge alike; imports neither."""
