"""Wiring shared by the CLI commands: settings → roster → pipeline → store."""

from __future__ import annotations

from pathlib import Path

from sitewatch.config import Settings
from sitewatch.logs import configure_logging, register_sensitive
from sitewatch.roster import Roster, load_roster
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.store.crypto import EvidenceCipher
from sitewatch.store.repository import Store


def setup_logging(settings: Settings) -> None:
    configure_logging(settings.logging.format, settings.logging.level)


def load_district_roster(settings: Settings, override: Path | None = None) -> Roster | None:
    """The roster named by ``--roster`` or ``[roster] path``; its names are registered with
    the log redaction processor so no log line can carry them."""
    path = override or settings.roster_path
    if path is None:
        return None
    roster = load_roster(path)
    sensitive: list[str] = []
    for person in roster.people:
        sensitive += [person.full_name, person.identifier or "", person.email or ""]
        sensitive += [person.phone or "", person.sms or ""]
    register_sensitive(v for v in sensitive if v)
    return roster


def build_pipeline(settings: Settings, roster: Roster | None) -> ScanPipeline:
    pipeline = ScanPipeline.from_settings(settings, roster)
    pipeline.load()
    return pipeline


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """The store, with the evidence key (``SITEWATCH_EVIDENCE_KEY``) when one is set."""
    cipher = EvidenceCipher.from_credentials()
    store = Store.open(settings.store_url, migrate=migrate)
    store.evidence_cipher = cipher
    return store
