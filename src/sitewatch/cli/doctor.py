"""`sitewatch doctor`: is everything the daemon needs in place? One table, exit 1 if not."""

from __future__ import annotations

import click

from sitewatch.cli.common import config_option, table
from sitewatch.ops.doctor import run_checks


@click.command("doctor")
@config_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.5),
    default=10.0,
    show_default=True,
    help="Seconds to wait for the database and SMTP server.",
)
def doctor_command(config_path: str, timeout: float) -> None:
    """Check config, database, migrations, credentials, site access, mail and the model.

    Prints one row per check (ok or FAIL, with the fix for each failure); sends no mail,
    creates nothing and prints no secret. Exits 1 if any check fails.
    """
    results = run_checks(config_path, timeout=timeout)
    click.echo(
        table(
            ["check", "status", "detail", "fix"],
            [[r.check, "ok" if r.ok else "FAIL", r.detail, r.fix or None] for r in results],
        )
    )
    failed = [r for r in results if not r.ok]
    if failed:
        click.echo(f"\n{len(failed)} check(s) failed.", err=True)
        raise SystemExit(1)
    click.echo("\nall checks passed.")
