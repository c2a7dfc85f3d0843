"""`sitewatch backfill SITE --since DATE [--notify]`: scan a site's history, resumably.

A progress bar on a terminal (rich), one plain line per page otherwise (a pipe, a log).
Ctrl-C stops after the current page; the same command resumes from there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import click

from sitewatch import registry
from sitewatch.backfill import Backfill, BackfillProgress
from sitewatch.bootstrap import build_pipeline, load_district_roster, open_store, setup_logging
from sitewatch.cli.actor import actor_option, cli_source
from sitewatch.cli.common import config_option, load
from sitewatch.exceptions import ConfigError
from sitewatch.notify.outbox import OutboxDrainer, make_transport
from sitewatch.typing import Connector

Reporter = Callable[[BackfillProgress], None]


@click.command("backfill")
@config_option
@actor_option
@click.argument("site")
@click.option(
    "--since",
    "since",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="Scan posts created on or after this date (YYYY-MM-DD).",
)
@click.option(
    "--notify",
    is_flag=True,
    help="Mail the incidents found, like new ones (default: file and log them only).",
)
def backfill_command(
    config_path: str, actor: str, site: str, since: datetime, notify: bool
) -> None:
    """Scan SITE's history since a date without moving its polling cursor."""
    settings = load(config_path)
    setup_logging(settings)
    roster = load_district_roster(settings)
    pipeline = build_pipeline(settings, roster)
    platform = next((s.platform for s in settings.sites if s.name == site), None)
    if platform is None:
        known = ", ".join(s.name for s in settings.sites) or "none"
        raise ConfigError(f"unknown site {site!r} (configured: {known})", path=settings.source)
    connector: Connector = registry.load(registry.CONNECTORS, platform)()
    store = open_store(settings)
    try:
        job = Backfill(settings, store, pipeline, connector, roster=roster)
        with _reporter(site, since.date()) as report:
            try:
                progress = job.run(
                    site,
                    since.date(),
                    notify=notify,
                    actor=actor,
                    source=cli_source(),
                    on_page=report,
                )
            except KeyboardInterrupt:
                click.echo(
                    "interrupted: the pages done so far are kept; run the same command to resume",
                    err=True,
                )
                sys.exit(130)
        delivered: list[str] = []
        if notify and progress.notifications:
            delivered, _failed = OutboxDrainer(
                store, make_transport(settings), settings.notify.max_attempts
            ).drain()
    finally:
        store.close()
    click.echo(_summary(progress, len(delivered)))


def _summary(p: BackfillProgress, delivered: int) -> str:
    if p.already_finished:
        return (
            f"backfill of {p.site} since {p.since} already finished "
            f"({p.posts_total} post(s) scanned); nothing to do"
        )
    lines = [
        f"backfill of {p.site} since {p.since}: "
        + ("finished" if p.finished else "stopped (run again to resume)")
        + (" (resumed)" if p.resumed else ""),
        f"scanned {p.posts_seen} post(s) in {p.pages} page(s) this run "
        f"({p.posts_total} in all); {p.posts_before_since} older than --since skipped; "
        f"{p.items_skipped} unreadable item(s) skipped",
        f"filed {len(p.incidents_opened)} new incident(s)"
        + (f": #{', #'.join(str(i) for i in p.incidents_opened)}" if p.incidents_opened else "")
        + (f"; updated {len(p.incidents_updated)}" if p.incidents_updated else ""),
    ]
    if p.notify:
        lines.append(f"queued {p.notifications} notification(s); delivered {delivered}")
    else:
        lines.append("no mail sent (use --notify to mail them); see `sitewatch incidents list`")
    return "\n".join(lines)


@contextmanager
def _reporter(site: str, since: date) -> Iterator[Reporter]:
    """A rich progress display on a terminal; plain lines otherwise."""
    if not sys.stdout.isatty():

        def plain(p: BackfillProgress) -> None:
            click.echo(
                f"{p.site}: page {p.pages}, {p.posts_seen} post(s), "
                f"{len(p.incidents_opened)} incident(s)"
            )

        yield plain
        return
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn(f"backfill {site} since {since}"),
        BarColumn(),
        TextColumn("{task.fields[posts]} posts · {task.fields[incidents]} incidents"),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("backfill", total=None, posts=0, incidents=0)

        def fancy(p: BackfillProgress) -> None:
            bar.update(
                task,
                advance=1,
                posts=p.posts_seen,
                incidents=len(p.incidents_opened),
                total=p.pages if p.finished else None,
            )

        yield fancy
