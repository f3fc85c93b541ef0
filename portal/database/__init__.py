"""The database's shared pieces: column helpers, and every table gathered for Alembic."""
