"""`sitewatch sites list`: the site registry as the store knows it."""

from __future__ import annotations

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
