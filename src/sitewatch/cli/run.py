"""`sitewatch run [--once]`: the daemon.

Continuous mode speaks systemd's notify protocol, reloads its config on SIGHUP and, with
``[daemon] metrics_port``, serves /metrics, /healthz and /readyz.
"""

from __future__ import annotations

import click

from sitewatch.bootstrap import build_pipeline, load_district_roster, open_store, setup_logging
from sitewatch.cli.common import config_option, load
from sitewatch.config import Settings
from sitewatch.daemon import Daemon, PassReport, Reloaded
from sitewatch.exceptions import ConfigError
from sitewatch.notify.outbox import make_transport
from sitewatch.ops.sdnotify import SdNotifier
from sitewatch.ops.server import OpsServer, store_ready
from sitewatch.store.migrate import head_revision


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
    server: OpsServer | None = None
    daemon: Daemon | None = None
    try:
        daemon = Daemon(
            settings,
            store,
            pipeline,
            roster=roster,
            notifier=SdNotifier(),
            reloader=lambda: reload_config(config_path),
        )
        with daemon.signals():
            if once:
                report = daemon.run_once()
                click.echo(_summary(report, make_transport(settings).name, settings))
            else:
                server = start_ops_server(settings, daemon)
                daemon.run_forever()
    finally:
        if server is not None:
            server.stop()
        if daemon is not None:
            daemon.close()
        store.close()


def reload_config(config_path: str) -> Reloaded:
    """SIGHUP: the config file, the roster and the pipeline built anew; any error propagates
    so the daemon keeps what it runs. `[logging]` applies at once; the store and the metrics
    address only at the next restart."""
    settings = load(config_path)
    roster = load_district_roster(settings)
    pipeline = build_pipeline(settings, roster)
    setup_logging(settings)
    return Reloaded(settings, pipeline, roster)


def start_ops_server(settings: Settings, daemon: Daemon) -> OpsServer | None:
    """The metrics/health endpoints when ``[daemon] metrics_port`` is set."""
    cfg = settings.daemon
    if cfg.metrics_port is None:
        return None
    head = head_revision()
    try:
        server = OpsServer(
            cfg.metrics_host,
            cfg.metrics_port,
            daemon.metrics,
            healthz=daemon.health,
            readyz=lambda: store_ready(daemon.store.engine, head),
        )
    except OSError as exc:
        raise ConfigError(
            f"daemon.metrics_port: cannot listen on {cfg.metrics_host}:{cfg.metrics_port}: "
            f"{exc.strerror or exc}",
            path=settings.source,
        ) from None
    return server.start()


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
