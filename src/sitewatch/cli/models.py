"""`sitewatch models`: which toxicity backend is active, and why."""

from __future__ import annotations

import os

import click

from sitewatch.cli.common import DEFAULT_CONFIG
from sitewatch.config import Settings, load_settings
from sitewatch.detectors.toxicity import describe_backend


@click.command("models")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    help=f"The sitewatch TOML (default: $SITEWATCH_CONFIG, then {DEFAULT_CONFIG} if "
    "it exists, else the built-in defaults).",
)
def models_command(config_path: str | None) -> None:
    """Show the active toxicity backend and why it is the one in use."""
    path = config_path or os.environ.get("SITEWATCH_CONFIG")
    if path is None and os.path.exists(DEFAULT_CONFIG):
        path = DEFAULT_CONFIG
    settings = load_settings(path) if path else Settings()
    name, why = describe_backend(settings)
    click.echo(f"toxicity backend: {name}")
    click.echo(f"  why: {why}")
    click.echo(f"  config: {settings.source}")
