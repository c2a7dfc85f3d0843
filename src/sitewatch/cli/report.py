"""`sitewatch report compliance`: the board-meeting view of every site."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.common import config_option, load
from sitewatch.report import RENDERERS, build_report


@click.group("report")
def report_group() -> None:
    """Reports for administrators."""


@report_group.command("compliance")
@config_option
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="table")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Period start (default: 30 days ago)."
)
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Period end (default: today).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def compliance_cmd(
    config_path: str, fmt: str, since: datetime | None, until: datetime | None, output: Path | None
) -> None:
    """Per site: approval, costs, access, consent coverage, open incidents by clause, gaps."""
    settings = load(config_path)
    end: date = until.date() if until else date.today()
    start: date = since.date() if since else end - timedelta(days=30)
    if start > end:
        raise click.BadParameter("--since is after --until")
    store = open_store(settings)
    try:
        report = build_report(settings, store, start, end)
    finally:
        store.close()
    text = RENDERERS[fmt](report)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        click.echo(f"wrote {output}")
