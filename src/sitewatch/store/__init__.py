"""Persistence: SQLAlchemy 2.0 models, the repository, and Alembic migrations."""
