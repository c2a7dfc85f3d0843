"""Alembic, run from inside the package: `sitewatch db upgrade` and at every start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

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
        with _migration_lock(engine):
            command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise StoreError(f"cannot migrate the store: {exc.orig}") from None


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
