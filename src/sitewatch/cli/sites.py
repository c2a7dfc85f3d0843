"""`sitewatch sites list`: the site registry as the store knows it."""

from __future__ import annotations

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.common import config_option, load, table
from sitewatch.sites import registry


@click.group("sites")
def sites_group() -> None:
    """The registry of monitored sites."""


@sites_group.command("list")
@config_option
def list_cmd(config_path: str) -> None:
    """Each configured site: polled or not (and why), health, last good poll."""
    settings = load(config_path)
    store = open_store(settings)
    try:
        store.sync_sites(registry(settings.site_models(), store.clock().date()))
        rows = store.list_sites()
    finally:
        store.close()
    click.echo(
        table(
            ["site", "platform", "sponsor", "polled", "health", "last good poll", "why"],
            [
                [
                    s.name,
                    s.platform,
                    s.sponsor,
                    "yes" if s.pollable else "NO",
                    s.health,
                    s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else None,
                    s.status_reason,
                ]
                for s in rows
            ],
        )
    )
