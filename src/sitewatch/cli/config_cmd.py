"""`sitewatch config check`: validate a configuration without touching anything."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from sitewatch.cli.common import config_option, load, table
from sitewatch.config import Settings
from sitewatch.roster import load_roster
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.sites import registry


@click.group("config")
def config_group() -> None:
    """Check the configuration."""


@config_group.command("check")
@config_option
def check(config_path: str) -> None:
    """Validate the config, its roster and its detectors; print the site registry."""
    settings: Settings = load(config_path)
    roster = load_roster(settings.roster_path) if settings.roster_path else None
    pipeline = ScanPipeline.from_settings(settings, roster)
    click.echo(f"{settings.source}: OK")
    click.echo(f"  store:     {settings.store_url.split('@')[-1]}")
    students = len(roster.students) if roster else 0
    click.echo(f"  roster:    {settings.roster_path or '(none)'} ({students} students)")
    click.echo(f"  detectors: {', '.join(pipeline.names)}")
    outbox = "SMTP " + settings.notify.smtp.host if settings.notify.smtp else settings.outbox_path
    click.echo(f"  outbox:    {outbox}")
    today = datetime.now(UTC).date()
    statuses = registry(settings.site_models(), today)
    if statuses:
        click.echo("")
        click.echo(
            table(
                ["site", "platform", "polled", "why"],
                [
                    [s.site.name, s.site.platform, "yes" if s.pollable else "NO", s.reason]
                    for s in statuses
                ],
            )
        )
