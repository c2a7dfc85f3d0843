"""Evidence encrypted at rest: round trip, tampering, wrong or missing keys, old plaintext
rows, and key rotation; on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os

import pytest
from sqlalchemy import select, update
from test_repository import Clock, finding, scanned, site, sync

from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer
from sitewatch.store.crypto import (
    KEY_ENV,
    OLD_KEY_ENV,
    PREFIX,
    EvidenceCipher,
    EvidenceKeyError,
    parse_key,
)
from sitewatch.store.models import IncidentRow, OutboxRow
from sitewatch.store.repository import Store

TEXT = "Maya Chen is failing algebra"
KEY_A, KEY_B = os.urandom(32), os.urandom(32)


def file_incident(store: Store, mailer: IncidentMailer, post_id: str = "1") -> int:
    outcome = store.record_page(
        "band",
        [
            scanned(
                post_id,
                TEXT,
                finding("pii.education_record", Severity.HIGH, 0, 9),
                author="pat.parent",
            )
        ],
        f"c{post_id}",
        mailer,
    )
    return outcome.incidents_opened[0]


def raw(store: Store, incident_id: int) -> tuple[str | None, str | None]:
    with store.sessions() as s:
        row = s.get(IncidentRow, incident_id)
        assert row is not None
        return row.evidence_text, row.post_author


def read(store: Store, incident_id: int) -> str | None:
    found = store.view_evidence(incident_id, actor="t", source="test")
    assert found is not None
    return found[0]


def author(store: Store, incident_id: int) -> str | None:
    with store.sessions() as s:
        row = s.get(IncidentRow, incident_id)
        assert row is not None
        return store.evidence_cipher.author(row)


def test_round_trip_stores_only_ciphertext(store: Store, mailer: IncidentMailer) -> None:
    store.evidence_cipher = EvidenceCipher(KEY_A)
    sync(store, site())
    incident_id = file_incident(store, mailer)
    text, who = raw(store, incident_id)
    assert text is not None and text.startswith(PREFIX) and "Maya" not in text
    assert who is not None and who.startswith(PREFIX) and "pat" not in who
    assert read(store, incident_id) == TEXT
    assert author(store, incident_id) == "pat.parent"
    # an edit of the post is encrypted too
    store.record_page(
        "band",
        [scanned("1", TEXT + "!", finding("pii.education_record", Severity.HIGH, 0, 9))],
        "c2",
        mailer,
    )
    assert read(store, incident_id) == TEXT + "!"
    assert "Maya" not in (raw(store, incident_id)[0] or "")


def test_escalation_excerpt_is_built_from_the_decrypted_text(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    store.evidence_cipher = EvidenceCipher(KEY_A)
    sync(store, site())
    incident_id = file_incident(store, mailer)
    clock.advance(25 * 3600)
    assert store.escalate_due(mailer) == [(incident_id, 1)]
    with store.sessions() as s:
        body = s.scalar(select(OutboxRow.message).where(OutboxRow.kind == "escalation"))
    assert body is not None
    assert b"failing algebra" in body.replace(b"=\r\n", b"")  # the unredacted part
    assert b"enc:v1" not in body and b"Maya" not in body


def test_tampering_and_copying_between_rows_are_detected(
    store: Store, mailer: IncidentMailer
) -> None:
    store.evidence_cipher = EvidenceCipher(KEY_A)
    sync(store, site())
    first, second = file_incident(store, mailer, "1"), file_incident(store, mailer, "2")
    text, _ = raw(store, first)
    assert text is not None
    flipped = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    with store.sessions.begin() as s:
        s.execute(update(IncidentRow).where(IncidentRow.id == first).values(evidence_text=flipped))
        s.execute(update(IncidentRow).where(IncidentRow.id == second).values(evidence_text=text))
    for incident_id in (first, second):
        with pytest.raises(EvidenceKeyError, match=r"wrong SITEWATCH_EVIDENCE_KEY.*altered"):
            read(store, incident_id)


def test_wrong_or_missing_key_is_a_clear_error(store: Store, mailer: IncidentMailer) -> None:
    store.evidence_cipher = EvidenceCipher(KEY_A)
    sync(store, site())
    incident_id = file_incident(store, mailer)
    store.evidence_cipher = EvidenceCipher(KEY_B)
    with pytest.raises(EvidenceKeyError, match="cannot be decrypted"):
        read(store, incident_id)
    store.evidence_cipher = EvidenceCipher()
    with pytest.raises(EvidenceKeyError, match=f"{KEY_ENV} is not set"):
        read(store, incident_id)
    with pytest.raises(EvidenceKeyError):
        author(store, incident_id)


def test_plaintext_rows_stay_readable_after_enabling_encryption(
    store: Store, mailer: IncidentMailer
) -> None:
    sync(store, site())
    old = file_incident(store, mailer, "1")
    assert raw(store, old) == (TEXT, "pat.parent")
    store.evidence_cipher = EvidenceCipher(KEY_A)
    new = file_incident(store, mailer, "2")
    assert read(store, old) == TEXT and author(store, old) == "pat.parent"
    assert read(store, new) == TEXT
    assert (raw(store, new)[0] or "").startswith(PREFIX)


def test_key_rotation_reencrypts_every_row(store: Store, mailer: IncidentMailer) -> None:
    sync(store, site())
    plain = file_incident(store, mailer, "1")
    store.evidence_cipher = EvidenceCipher(KEY_A)
    under_a = file_incident(store, mailer, "2")
    rotating = EvidenceCipher(KEY_B, [KEY_A])
    store.evidence_cipher = rotating
    assert read(store, under_a) == TEXT  # readable meanwhile with the old key
    under_b = file_incident(store, mailer, "3")
    counts = store.reencrypt_evidence(rotating, actor="alice", batch=1)
    assert counts == {"incidents": 2, "rotated": 1, "plaintext": 1, "current": 1}
    store.evidence_cipher = EvidenceCipher(KEY_B)  # the old key can now be dropped
    for incident_id in (plain, under_a, under_b):
        assert read(store, incident_id) == TEXT
        assert author(store, incident_id) == "pat.parent"
        assert all((v or "").startswith(PREFIX) for v in raw(store, incident_id))
    again = store.reencrypt_evidence(EvidenceCipher(KEY_B), actor="alice")
    assert again["incidents"] == 0 and again["current"] == 3
    events = [e for e in store.audit_events() if e.action == "evidence.reencrypted"]
    assert len(events) == 2 and events[-1].details["rotated"] == 1


def test_long_author_fits_the_column_when_encrypted() -> None:
    class Row:
        site_id, dedup_key = 1, "post:1"
        evidence_text: str | None = None
        post_author: str | None = None

    row = Row()
    cipher = EvidenceCipher(KEY_A)
    cipher.store_evidence(row, "t", "é" * 300)
    assert row.post_author is not None and len(row.post_author) <= 300
    assert cipher.author(row) == "é" * 95  # cut at a character boundary (191 bytes)


def test_keys_come_from_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(OLD_KEY_ENV, raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    assert not EvidenceCipher.from_credentials().enabled
    monkeypatch.setenv(KEY_ENV, base64.b64encode(KEY_A).decode())
    assert EvidenceCipher.from_credentials().enabled
    monkeypatch.setenv(KEY_ENV, "not-a-key")
    with pytest.raises(EvidenceKeyError, match="openssl rand -base64 32"):
        EvidenceCipher.from_credentials()
    with pytest.raises(EvidenceKeyError):
        parse_key(base64.b64encode(b"short").decode())
