"""`sitewatch audit list`: the append-only audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.common import config_option, load, table


def _when(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@click.group("audit")
def audit_group() -> None:
    """Who did what, when, from where (events cannot be edited)."""


@audit_group.command("list")
@config_option
@click.option("--actor", help="Only this actor.")
@click.option("--action", help="Only actions starting with this (e.g. consent., incident.).")
@click.option("--target", help="TYPE or TYPE:ID (e.g. site:lhs-band, incident:12).")
@click.option("--since", type=click.DateTime(), help="From this UTC time.")
@click.option("--until", type=click.DateTime(), help="Before this UTC time.")
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_cmd(
    config_path: str,
    actor: str | None,
    action: str | None,
    target: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    fmt: str,
) -> None:
    """List audit events, oldest first."""
    target_type, _, target_id = (target or "").partition(":")
    store = open_store(load(config_path))
    try:
        events = store.audit_log(
            actor=actor,
            action=action,
            target_type=target_type or None,
            target_id=target_id or None,
            since=_when(since),
            until=_when(until),
            limit=limit,
        )
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps([e.to_json() for e in events], indent=2, ensure_ascii=False))
        return
    click.echo(
        table(
            ["id", "at (UTC)", "actor", "action", "target", "from", "details"],
            [
                [
                    e.id,
                    e.at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    e.action,
                    f"{e.target_type}:{e.target_id}",
                    e.source,
                    json.dumps(e.details, ensure_ascii=False)[:120],
                ]
                for e in events
            ],
        )
        if events
        else "no audit events"
    )
