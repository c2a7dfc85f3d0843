"""Alembic, run from inside the package: `sitewatch db upgrade` and at every start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from sitewatch.exceptions import StoreError

SCRIPT_LOCATION = "sitewatch.store:migrations"
MIGRATION_LOCK_KEY = 0x5177_0001  # pg_advisory_lock key: "sitewatch migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config_stub())
    head = script.get_current_head()
    assert head is not None
    return head


def alembic_config_stub() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; StoreError (no traceback) if the DB is unreachable."""
    try:
        with _migration_lock(engine), _transactional_ddl(engine) as migrating:
            command.upgrade(alembic_config(migrating), revision)
    except OperationalError as exc:
        raise StoreError(f"cannot migrate the store: {exc.orig}") from None


@contextmanager
def _transactional_ddl(engine: Engine) -> Iterator[Engine]:
    """SQLite's Python driver commits before every DDL statement, so a migration killed
    half-way would leave half a schema. Migrate SQLite through an engine whose transactions
    are real (autocommit driver + an explicit BEGIN): a crash then rolls back whole."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    migrating = create_engine(
        engine.url, connect_args={"isolation_level": None}, poolclass=NullPool
    )

    @event.listens_for(migrating, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=10000")

    @event.listens_for(migrating, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        yield migrating
    finally:
        migrating.dispose()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """N workers starting together on one PostgreSQL migrate one at a time (an advisory
    lock held on a connection of its own); the others then find the schema at head."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
