"""`sitewatch run [--once]`: the daemon."""

from __future__ import annotations

import click

from sitewatch.bootstrap import build_pipeline, load_district_roster, open_store, setup_logging
from sitewatch.cli.common import config_option, load
from sitewatch.daemon import Daemon, PassReport
from sitewatch.notify.outbox import make_transport


@click.command("run")
@config_option
@click.option("--once", is_flag=True, help="Poll every approved site once, drain the outbox, exit.")
def run_command(config_path: str, once: bool) -> None:
    """Run the monitoring daemon (continuously, or one pass with --once)."""
    settings = load(config_path)
    setup_logging(settings)
    roster = load_district_roster(settings)
    pipeline = build_pipeline(settings, roster)
    store = open_store(settings)
    try:
        daemon = Daemon(settings, store, pipeline, roster=roster)
        with daemon.signals():
            if once:
                report = daemon.run_once()
                click.echo(_summary(report, make_transport(settings).name, settings))
            else:
                daemon.run_forever()
    finally:
        store.close()


def _summary(report: PassReport, transport: str, settings: object) -> str:
    lines = [f"polled {len(report.sites_polled)} site(s): {', '.join(report.sites_polled) or '-'}"]
    for name, reason in report.sites_skipped.items():
        lines.append(f"not polled: {name}: {reason}")
    for name in report.sites_failed:
        lines.append(f"FAILED: {name} (see the log; a monitoring gap is filed if it persists)")
    lines.append(
        f"scanned {report.posts_scanned} new post(s); skipped {report.items_skipped} "
        "unreadable item(s)"
    )
    if report.policy_incidents:
        lines.append(
            f"filed {len(report.policy_incidents)} policy incident(s): "
            f"#{', #'.join(str(i) for i in report.policy_incidents)}"
        )
    if report.notices:
        lines.append(f"queued {len(report.notices)} approval-review reminder(s)")
    opened = report.incidents_opened
    lines.append(
        f"filed {len(opened)} new incident(s)"
        + (f": #{', #'.join(str(i) for i in opened)}" if opened else "")
        + (f"; updated {len(report.incidents_updated)}" if report.incidents_updated else "")
    )
    lines.append(f"delivered {len(report.messages_delivered)} notification(s) via {transport}")
    lines += [f"  {where}" for where in report.messages_delivered]
    if report.messages_failed:
        lines.append(f"{report.messages_failed} notification(s) failed; they will be retried")
    return "\n".join(lines)
