"""`sitewatch purge [--dry-run]`: apply the retention policy (``[retention]``), and
`sitewatch db reencrypt`: re-encrypt held evidence with the current key.

Both print counts only, never content, and are recorded in the audit trail.
"""

from __future__ import annotations

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.actor import actor_option, cli_source
from sitewatch.cli.common import config_option, load, table
from sitewatch.store.crypto import EvidenceCipher
from sitewatch.store.retention import RetentionPolicy

LABELS = {
    "evidence": "evidence of closed incidents (text, author, redactions)",
    "incidents": "closed incidents past the audit period (with findings, notes, tokens)",
    "digests": "digests of posts without an incident",
    "outbox_bodies": "bodies of sent/failed messages (rows kept)",
    "ack_tokens": "expired acknowledgement tokens",
    "web_sessions": "expired web sessions",
    "login_attempts": "old login attempts",
}


@click.command("purge")
@config_option
@actor_option
@click.option("--dry-run", is_flag=True, help="Count what would be purged; change nothing.")
def purge_command(config_path: str, actor: str, dry_run: bool) -> None:
    """Purge post text, evidence and records past their retention period.

    Audit events are never purged. Run daily by sitewatch-purge.timer."""
    settings = load(config_path)
    store = open_store(settings)
    try:
        report = store.purge(
            RetentionPolicy.from_settings(settings),
            dry_run=dry_run,
            actor=actor,
            source=cli_source(),
        )
    finally:
        store.close()
    verb = "would purge" if dry_run else "purged"
    click.echo(
        table(
            ["category", verb, "what"],
            [[k, n, LABELS.get(k, "")] for k, n in report.counts.items()],
        )
    )
    click.echo(f"{verb} {report.total} item(s) in all; audit events are never purged")


@click.command("reencrypt")
@config_option
@actor_option
def reencrypt_command(config_path: str, actor: str) -> None:
    """Re-encrypt held evidence with SITEWATCH_EVIDENCE_KEY (key rotation).

    Rows encrypted with the previous key need it in SITEWATCH_EVIDENCE_KEY_OLD; plaintext
    rows (held before encryption was enabled) are encrypted too."""
    settings = load(config_path)
    cipher = EvidenceCipher.from_credentials(require_key=True)
    store = open_store(settings)
    try:
        counts = store.reencrypt_evidence(cipher, actor=actor, source=cli_source())
    finally:
        store.close()
    click.echo(
        f"re-encrypted {counts['incidents']} incident(s) "
        f"({counts['rotated']} from the old key, {counts['plaintext']} from plaintext)"
    )
