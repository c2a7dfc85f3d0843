"""`sitewatch consent import|add|revoke|list`: the parental-consent register (IIBGC 4)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from sitewatch.bootstrap import load_district_roster, open_store
from sitewatch.cli.actor import actor_option
from sitewatch.cli.common import config_option, load, table
from sitewatch.consent import ALL_SITES, ConsentError, ConsentRecord, load_consent


@click.group("consent")
def consent_group() -> None:
    """Written parental consent for students to join district sites."""


@consent_group.command("import")
@config_option
@actor_option
@click.argument("csv_path", type=click.Path(dir_okay=False, path_type=Path))
def import_cmd(config_path: str, actor: str, csv_path: Path) -> None:
    """Import a consent CSV (all rows valid, or nothing is imported)."""
    settings = load(config_path)
    roster = load_district_roster(settings)
    records = load_consent(csv_path, roster=roster, site_names=[s.name for s in settings.sites])
    store = open_store(settings)
    try:
        counts = store.put_consents(records, source=f"file:{csv_path.name}", actor=actor)
    finally:
        store.close()
    click.echo(
        f"{csv_path}: {len(records)} record(s): " + ", ".join(f"{v} {k}" for k, v in counts.items())
    )


@consent_group.command("add")
@config_option
@actor_option
@click.argument("student")
@click.option("--site", default=ALL_SITES, show_default=True, help="A site name, or * for all.")
@click.option("--handle", "handles", multiple=True, help="The student's handle (repeatable).")
@click.option(
    "--granted",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="Date the signed form was received.",
)
@click.option("--form-location", required=True, help="Where the signed form is kept.")
def add_cmd(
    config_path: str,
    actor: str,
    student: str,
    site: str,
    handles: tuple[str, ...],
    granted: object,
    form_location: str,
) -> None:
    """Record consent for STUDENT (a roster sourcedId)."""
    settings = load(config_path)
    roster = load_district_roster(settings)
    if roster is not None and student not in {p.sourced_id for p in roster.students}:
        raise ConsentError(f"student {student!r} is not a student in the roster")
    if site != ALL_SITES and site not in {s.name for s in settings.sites}:
        raise ConsentError(f"site {site!r} is not a configured site (or use *)")
    assert hasattr(granted, "date")
    record = ConsentRecord(student, site, handles, granted.date(), form_location)
    store = open_store(settings)
    try:
        counts = store.put_consents([record], source="cli", actor=actor)
    finally:
        store.close()
    click.echo(f"consent for {student} on {site}: {'added' if counts['added'] else 'updated'}")


@consent_group.command("revoke")
@config_option
@actor_option
@click.argument("student")
@click.option("--site", default=ALL_SITES, show_default=True)
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date consent was withdrawn (default: today).",
)
def revoke_cmd(config_path: str, actor: str, student: str, site: str, on: object) -> None:
    """Record that consent for STUDENT was withdrawn; it then counts as none."""
    when = on.date() if hasattr(on, "date") else date.today()
    store = open_store(load(config_path))
    try:
        found = store.revoke_consent(student, site, when, actor=actor)
    finally:
        store.close()
    if not found:
        raise click.ClickException(f"no consent record for {student} on {site}")
    click.echo(f"consent for {student} on {site}: revoked on {when}")


@consent_group.command("list")
@config_option
@click.option("--student")
@click.option("--site")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_cmd(config_path: str, student: str | None, site: str | None, fmt: str) -> None:
    """List consent records (sourcedIds only; names stay in the SIS)."""
    store = open_store(load(config_path))
    try:
        records = store.consent_records()
        sources = store.consent_sources()
    finally:
        store.close()
    today = date.today()
    rows = [
        r
        for r in records
        if (not student or r.student_id == student) and (not site or r.covers(site))
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "student": r.student_id,
                        "site": r.site,
                        "handles": list(r.handles),
                        "granted": r.granted_on.isoformat(),
                        "form_location": r.form_location,
                        "revoked": r.revoked_on.isoformat() if r.revoked_on else None,
                        "in_force": r.in_force(today),
                        "source": sources.get((r.student_id, r.site)),
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    click.echo(
        table(
            ["student", "site", "handles", "granted", "revoked", "in force", "form kept at"],
            [
                [
                    r.student_id,
                    r.site,
                    r.handles,
                    r.granted_on,
                    r.revoked_on,
                    "yes" if r.in_force(today) else "NO",
                    r.form_location,
                ]
                for r in rows
            ],
        )
        if rows
        else "no consent records"
    )
