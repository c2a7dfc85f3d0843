"""`sitewatch sites list`: the site registry as the store knows it."""

from __future__ import annotations

import json
from datetime import date

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.common import config_option, load, table
from sitewatch.exceptions import SitewatchError
from sitewatch.registry import CONNECTORS
from sitewatch.registry import load as registry_load
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
        store.sync_sites(
            registry(
                settings.site_models(), store.clock().date(), settings.policy.expiry_grace_days
            )
        )
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


@sites_group.command("check")
@config_option
@click.argument("name", required=False)
def check_cmd(config_path: str, name: str | None) -> None:
    """Can the monitoring account still read each site? (policy IIBGC clause 3)

    Runs every site's connector access check, approved or not, and exits 1 if any fails.
    """
    settings = load(config_path)
    sites = settings.site_models()
    if name is not None:
        sites = [s for s in sites if s.name == name]
        if not sites:
            known = ", ".join(s.name for s in settings.site_models()) or "(none)"
            raise click.ClickException(f"no site named {name!r}; configured: {known}")
    statuses = {s.site.name: s for s in registry(settings.site_models(), date.today())}
    rows: list[list[object]] = []
    failed = 0
    for site in sites:
        try:
            connector = registry_load(CONNECTORS, site.platform)()
            report = connector.check_access(site)
            ok, detail = report.ok, report.detail
        except SitewatchError as exc:
            ok, detail = False, str(exc)
        failed += not ok
        rows.append(
            [
                site.name,
                site.platform,
                "yes" if statuses[site.name].pollable else "NO",
                "ok" if ok else "FAILED",
                detail,
            ]
        )
    click.echo(table(["site", "platform", "approved", "access", "detail"], rows))
    if failed:
        raise SystemExit(1)


@sites_group.command("show")
@config_option
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show_cmd(config_path: str, name: str, fmt: str) -> None:
    """One site's registry record (approval, sponsors, access, costs) and its history."""
    settings = load(config_path)
    store = open_store(settings)
    try:
        store.sync_sites(
            registry(
                settings.site_models(), store.clock().date(), settings.policy.expiry_grace_days
            )
        )
        record = store.site_row(name)
        history = store.site_history(name) if record else []
    finally:
        store.close()
    if record is None:
        raise click.ClickException(f"no site named {name!r}")
    if fmt == "json":
        record["history"] = [
            {"at": h.at.isoformat(), "actor": h.actor, "changed": list(h.changed)} for h in history
        ]
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"site {name}  [{record['state']}]  "
        f"{'monitored' if record['pollable'] else 'NOT monitored'}"
    )
    for label, key in (
        ("platform", "platform"),
        ("target", "target"),
        ("sponsor", "sponsor"),
        ("backup", "backup_sponsor"),
        ("approved by", "approval_by"),
        ("approved on", "approval_on"),
        ("approval ref", "approval_ref"),
        ("review by", "review_by"),
        ("why", "status_reason"),
        ("health", "health"),
        ("last good poll", "last_success_at"),
        ("access check", "access_detail"),
    ):
        click.echo(f"  {label + ':':15} {record.get(key) if record.get(key) is not None else '-'}")
    who = [
        w
        for w, k in (
            ("administrators", "access_administrators"),
            ("technology staff", "access_tech_staff"),
        )
        if record.get(k)
    ]
    click.echo(
        f"  {'access for:':15} {', '.join(who) or 'not required'}"
        + (f" ({record['access_note']})" if record.get("access_note") else "")
    )
    costs = record.get("costs") or []
    if costs:
        click.echo("")
        click.echo(
            table(
                ["cost item", "amount", "approved by", "on", "ref"],
                [
                    [
                        c.get("item"),
                        f"{float(c.get('amount', 0)):.2f}",
                        c.get("approved_by") or "NOT APPROVED",
                        c.get("approved_on"),
                        c.get("ref"),
                    ]
                    for c in costs
                ],
            )
        )
    if history:
        click.echo("")
        click.echo(
            table(
                ["changed at (UTC)", "by", "fields"],
                [[h.at.strftime("%Y-%m-%d %H:%M"), h.actor, ", ".join(h.changed)] for h in history],
            )
        )
