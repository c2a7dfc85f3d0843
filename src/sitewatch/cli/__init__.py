"""The `sitewatch` command line: one module per command group.

Errors a person can fix (config, roster, store) print one clear line and exit 2; they
never show a traceback.
"""

from __future__ import annotations

from typing import Any

import click

from sitewatch import __version__
from sitewatch.cli.audit import audit_group
from sitewatch.cli.backfill import backfill_command
from sitewatch.cli.config_cmd import config_group
from sitewatch.cli.consent import consent_group
from sitewatch.cli.db import db_group
from sitewatch.cli.doctor import doctor_command
from sitewatch.cli.incidents import incidents_group
from sitewatch.cli.models import models_command
from sitewatch.cli.purge import purge_command, reencrypt_command
from sitewatch.cli.report import report_group
from sitewatch.cli.run import run_command
from sitewatch.cli.scan import scan_command
from sitewatch.cli.sites import sites_group
from sitewatch.cli.users import users_group
from sitewatch.cli.web import web_command
from sitewatch.exceptions import SitewatchError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SitewatchError as exc:
            click.echo(f"sitewatch: error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitewatch")
def cli() -> None:
    """Monitor a district's approved social sites for student PII and unsafe content."""


cli.add_command(run_command)
cli.add_command(config_group)
cli.add_command(db_group)
cli.add_command(doctor_command)
cli.add_command(incidents_group)
cli.add_command(models_command)
cli.add_command(scan_command)
cli.add_command(sites_group)
cli.add_command(consent_group)
cli.add_command(audit_group)
cli.add_command(report_group)
cli.add_command(web_command)
cli.add_command(users_group)
cli.add_command(purge_command)
cli.add_command(backfill_command)
db_group.add_command(reencrypt_command)


def main() -> None:
    cli(prog_name="sitewatch")


if __name__ == "__main__":  # pragma: no cover
    main()
