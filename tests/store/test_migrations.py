"""Migrations: up from empty on both backends, and the models match the migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from sitewatch.store.db import make_engine
from sitewatch.store.migrate import current_revision, downgrade, head_revision, upgrade
from sitewatch.store.models import Base

TABLES = {"sites", "cursors", "post_digests", "incidents", "findings", "outbox", "audit_events"}


def test_upgrade_from_empty_creates_every_table(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
        upgrade(engine)  # idempotent
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_sqlite_uses_wal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_upgrade_keeps_existing_rows(store_url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(store_url)
    try:
        upgrade(engine, "0001")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sites (name, platform, target, sponsor, pollable, "
                    "status_reason, in_config, health, health_detail, consecutive_failures, "
                    "created_at, updated_at) VALUES ('band', 'demo', '/f', 's@x.org', true, "
                    "'', true, 'ok', '', 0, "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO cursors (site_id, value, updated_at) "
                    "SELECT id, 'c-1', '2026-01-01 00:00:00' FROM sites"
                )
            )
        upgrade(engine)
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT name, state, costs, access_administrators FROM sites")
            ).one()
            cursor = conn.execute(text("SELECT value FROM cursors")).scalar_one()
        assert row[0] == "band" and row[1] == "unapproved"
        assert row[2] in ("[]", [])
        assert bool(row[3]) is True
        assert cursor == "c-1"
    finally:
        engine.dispose()


def test_audit_events_cannot_be_edited_or_deleted(store_url: str) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(store_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, target_type, target_id, details, "
                    "source) VALUES ('2026-01-01 00:00:00', 'a', 'x', 'site', '1', '{}', 'cli')"
                )
            )
        for statement in (
            "UPDATE audit_events SET actor = 'someone else'",
            "DELETE FROM audit_events",
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT actor FROM audit_events")).scalar_one() == "a"
    finally:
        engine.dispose()


def test_a_migration_that_fails_half_way_leaves_nothing_behind(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite included: a crash in the middle of the first migration rolls back whole, so the
    next start migrates cleanly instead of finding half a schema."""
    import pytest
    from alembic.operations import Operations

    engine = make_engine(f"sqlite:///{tmp_path / 'half.db'}")
    real = Operations.create_table
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("killed mid-migration")
        return real(self, *args, **kwargs)

    try:
        monkeypatch.setattr(Operations, "create_table", flaky)
        with pytest.raises(RuntimeError):
            upgrade(engine)
        assert calls["n"] == 4
        assert set(inspect(engine).get_table_names()) == set()
        monkeypatch.setattr(Operations, "create_table", real)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
