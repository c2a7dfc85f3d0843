"""`sitewatch incidents list|show`: the incident log."""

from __future__ import annotations

import json

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.actor import actor_option, cli_source
from sitewatch.cli.common import config_option, load, table, terminal_safe
from sitewatch.models import Severity
from sitewatch.redact import redact

STATUSES = ("open", "acknowledged", "resolved", "false_positive")


@click.group("incidents")
def incidents_group() -> None:
    """Review the incident log."""


@incidents_group.command("list")
@config_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--site", help="Only this site.")
@click.option("--status", type=click.Choice(STATUSES), help="Only incidents in this status.")
@click.option(
    "--min-severity",
    type=click.Choice([s.label for s in Severity]),
    help="Only this severity and above.",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
def list_cmd(
    config_path: str,
    fmt: str,
    site: str | None,
    status: str | None,
    min_severity: str | None,
    limit: int | None,
) -> None:
    """List incidents, oldest first."""
    store = open_store(load(config_path))
    try:
        found = store.list_incidents(
            site=site,
            status=status,
            limit=limit,
            min_severity=Severity.parse(min_severity) if min_severity else None,
        )
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps([i.to_json() for i in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no incidents")
        return
    click.echo(
        table(
            ["id", "created (UTC)", "site", "severity", "status", "categories", "post"],
            [
                [
                    i.id,
                    i.created_at.strftime("%Y-%m-%d %H:%M"),
                    i.site,
                    i.severity,
                    i.status,
                    i.categories,
                    i.post_url,
                ]
                for i in found
            ],
        )
    )


@incidents_group.command("show")
@config_option
@click.argument("incident_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show_cmd(config_path: str, incident_id: int, fmt: str) -> None:
    """Show one incident: its findings and explanations, and its notifications.

    The post's text is evidence held for the review page; it is not printed here.
    """
    store = open_store(load(config_path))
    try:
        inc = store.get_incident(incident_id)
        mail = store.outbox_for(incident_id) if inc else []
        notes = store.notes(incident_id) if inc else []
        extra = store.incident_workflow(incident_id) if inc else {}
    finally:
        store.close()
    if inc is None:
        raise click.ClickException(f"no incident #{incident_id}")
    if fmt == "json":
        data = inc.to_json()
        data["findings"] = [f.__dict__ for f in inc.findings]
        data["notifications"] = [
            {"message_id": m, "status": s, "delivered_to": d} for m, s, d in mail
        ]
        data["notes"] = [
            {"at": n.at.isoformat(), "author": n.author, "text": n.text} for n in notes
        ]
        data.update(extra)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"incident #{inc.id}  [{inc.severity}]  {inc.status}")
    click.echo(f"  site:       {inc.site}")
    click.echo(f"  post:       {inc.post_url or inc.post_id or '-'}")
    click.echo(f"  categories: {', '.join(inc.categories)}")
    click.echo(f"  clauses:    {', '.join('IIBGC ' + c for c in inc.clauses)}")
    click.echo(f"  created:    {inc.created_at.isoformat()}  updated: {inc.updated_at.isoformat()}")
    if inc.findings:
        click.echo("")
        click.echo(
            table(
                ["category", "severity", "score", "span", "detector", "why"],
                [
                    [
                        f.category,
                        f.severity,
                        f"{f.score:.2f}",
                        f"{f.start}-{f.end}",
                        f.detector,
                        f.explanation,
                    ]
                    for f in inc.findings
                ],
            )
        )
    else:
        click.echo(f"  why:        {inc.summary}")
    for key in ("assignee", "acknowledged_by", "resolved_by", "resolution"):
        if extra.get(key):
            click.echo(f"  {key.replace('_', ' ') + ':':12} {terminal_safe(str(extra[key]))}")
    if extra.get("escalation_step"):
        click.echo(f"  escalated:  rung {extra['escalation_step']}")
    for act in extra.get("actions_taken", []):
        click.echo(
            f"  platform:   {act['action']} {'ok' if act['ok'] else 'FAILED'} "
            f"({terminal_safe(str(act['detail']))})"
        )
    if notes:
        click.echo("")
        click.echo(
            table(
                ["note at (UTC)", "by", "note"],
                [[n.at.strftime("%Y-%m-%d %H:%M"), n.author, n.text] for n in notes],
            )
        )
    if mail:
        click.echo("")
        click.echo(table(["message-id", "status", "delivered to"], mail))


@incidents_group.command("evidence")
@config_option
@actor_option
@click.argument("incident_id", type=int)
@click.option(
    "--reveal", is_flag=True, help="Show student names, numbers and contacts unmasked (audited)."
)
def evidence_cmd(config_path: str, actor: str, incident_id: int, reveal: bool) -> None:
    """Print the post held as evidence, masked unless --reveal. Every view is audited."""
    store = open_store(load(config_path))
    try:
        found = store.view_evidence(incident_id, actor=actor, source=cli_source(), revealed=reveal)
    finally:
        store.close()
    if found is None:
        raise click.ClickException(f"no incident #{incident_id}")
    text, spans = found
    if text is None:
        click.echo("(the evidence was purged by the retention policy)")
        return
    shown = text if reveal else redact(text, spans)
    click.echo(terminal_safe(shown))


def _transition(
    config_path: str, incident_id: int, action: str, actor: str, reason: str | None = None
) -> None:
    store = open_store(load(config_path))
    try:
        status = store.transition(
            incident_id, action, actor=actor, source=cli_source(), reason=reason
        )
    finally:
        store.close()
    click.echo(f"incident #{incident_id}: {status}")


@incidents_group.command("ack")
@config_option
@actor_option
@click.argument("incident_id", type=int)
def ack_cmd(config_path: str, actor: str, incident_id: int) -> None:
    """Acknowledge: someone has it. Stops escalation."""
    _transition(config_path, incident_id, "ack", actor)


@incidents_group.command("resolve")
@config_option
@actor_option
@click.argument("incident_id", type=int)
@click.option("--note", "note", help="What was done (removed the post, called the family …).")
def resolve_cmd(config_path: str, actor: str, incident_id: int, note: str | None) -> None:
    """Resolve: the post was dealt with."""
    _transition(config_path, incident_id, "resolve", actor, note)


@incidents_group.command("false-positive")
@config_option
@actor_option
@click.argument("incident_id", type=int)
@click.option("--reason", required=True, help="What the detector got wrong (required).")
def false_positive_cmd(config_path: str, actor: str, incident_id: int, reason: str) -> None:
    """Close as a false positive, with the reason (it tunes the district's rules)."""
    _transition(config_path, incident_id, "false_positive", actor, reason)


@incidents_group.command("reopen")
@config_option
@actor_option
@click.argument("incident_id", type=int)
def reopen_cmd(config_path: str, actor: str, incident_id: int) -> None:
    """Reopen a resolved or false-positive incident (escalation starts again)."""
    _transition(config_path, incident_id, "reopen", actor)


@incidents_group.command("note")
@config_option
@actor_option
@click.argument("incident_id", type=int)
@click.argument("text")
def note_cmd(config_path: str, actor: str, incident_id: int, text: str) -> None:
    """Add a note to an incident's history."""
    store = open_store(load(config_path))
    try:
        store.add_note(incident_id, text, actor=actor, source=cli_source())
    finally:
        store.close()
    click.echo(f"incident #{incident_id}: note added")


@incidents_group.command("assign")
@config_option
@actor_option
@click.argument("incident_id", type=int)
@click.argument("assignee", required=False)
def assign_cmd(config_path: str, actor: str, incident_id: int, assignee: str | None) -> None:
    """Assign to ASSIGNEE (an address), "backup" (the backup sponsor), or by default the
    site's sponsor."""
    store = open_store(load(config_path))
    try:
        who = store.assign(incident_id, assignee, actor=actor, source=cli_source())
    finally:
        store.close()
    click.echo(f"incident #{incident_id}: assigned to {who}")
