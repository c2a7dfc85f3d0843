"""`sitewatch db upgrade|current`: the store's schema (Alembic, inside the package)."""

from __future__ import annotations

import click

from sitewatch.cli.common import config_option, load
from sitewatch.store.db import make_engine
from sitewatch.store.migrate import current_revision, head_revision, upgrade


@click.group("db")
def db_group() -> None:
    """Manage the store's schema."""


@db_group.command("upgrade")
@config_option
def upgrade_cmd(config_path: str) -> None:
    """Migrate the store to the newest schema (also done at every daemon start)."""
    engine = make_engine(load(config_path).store_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        click.echo(f"store schema: {before or '(empty)'} -> {current_revision(engine)}")
    finally:
        engine.dispose()


@db_group.command("current")
@config_option
def current_cmd(config_path: str) -> None:
    """Print the store's schema revision and the newest one this version knows."""
    engine = make_engine(load(config_path).store_url)
    try:
        click.echo(f"current: {current_revision(engine) or '(empty)'}  head: {head_revision()}")
    finally:
        engine.dispose()
