"""Evidence encrypted at rest: the one place that writes and reads ``evidence_text`` and
``post_author`` of an incident.

With a key in the credential ``SITEWATCH_EVIDENCE_KEY`` (base64 of 32 random bytes:
``openssl rand -base64 32``), both columns hold ``enc:v1:<nonce>:<ciphertext>`` (AES-256-GCM,
URL-safe base64, a fresh 96-bit nonce per value) in the same Text columns: no schema change.
The associated data binds a value to its column, site and incident, so a ciphertext copied
to another row or column does not decrypt. Without a key, values are stored as they are, and
rows held in plaintext before encryption was enabled stay readable after it.

Reading an encrypted value without the key, with a wrong key, or after it was altered raises
``EvidenceKeyError`` (a ``StoreError``): never garbage. Key rotation: put the old key in
``SITEWATCH_EVIDENCE_KEY_OLD``, the new one in ``SITEWATCH_EVIDENCE_KEY``, and run
``sitewatch db reencrypt``; readers accept either key meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence
from typing import Literal, Protocol

from sitewatch.exceptions import StoreError

KEY_ENV = "SITEWATCH_EVIDENCE_KEY"
OLD_KEY_ENV = "SITEWATCH_EVIDENCE_KEY_OLD"
PREFIX = "enc:v1:"
NONCE_BYTES = 12
KEY_BYTES = 32
# post_author is a String(300): an encrypted author must fit, so its plaintext is cut to this
# many UTF-8 bytes first (7 + 16 + 1 + base64 of 191 + 16 bytes = 300 characters).
AUTHOR_MAX_BYTES = 191

Field = Literal["evidence_text", "post_author"]


class EvidenceKeyError(StoreError):
    """Encrypted evidence that cannot be read (no key, wrong key, or altered)."""


class _Incident(Protocol):
    site_id: int
    dedup_key: str
    evidence_text: str | None
    post_author: str | None


def parse_key(value: str, name: str = KEY_ENV) -> bytes:
    """A key from its base64 text; a clear error that says how to make one."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise EvidenceKeyError(
            f"{name} must be the base64 of {KEY_BYTES} random bytes "
            "(make one with: openssl rand -base64 32)"
        )
    return key


def is_encrypted(value: str | None) -> bool:
    return value is not None and value.startswith(PREFIX)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _aad(field: Field, incident: _Incident) -> bytes:
    return f"sitewatch:{field}:{incident.site_id}:{incident.dedup_key}".encode()


def _cut_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


class EvidenceCipher:
    """Seals and opens an incident's evidence columns; a no-op without a key."""

    def __init__(self, key: bytes | None = None, old_keys: Sequence[bytes] = ()) -> None:
        for k in (key, *old_keys):
            if k is not None and len(k) != KEY_BYTES:
                raise EvidenceKeyError(f"an evidence key must be {KEY_BYTES} bytes")
        self._key = key
        self._old = tuple(old_keys)

    @classmethod
    def from_credentials(cls, *, require_key: bool = False) -> EvidenceCipher:
        """The cipher from ``SITEWATCH_EVIDENCE_KEY`` (and ``_OLD``), env or systemd
        credential files; plaintext mode when no key is set (unless ``require_key``)."""
        from sitewatch.credentials import get_secret

        current = get_secret(KEY_ENV, required=require_key)
        old = get_secret(OLD_KEY_ENV)
        return cls(
            parse_key(current, KEY_ENV) if current else None,
            [parse_key(old, OLD_KEY_ENV)] if old else [],
        )

    @property
    def enabled(self) -> bool:
        return self._key is not None

    # -- values ----------------------------------------------------------------------------
    def seal(self, plain: str | None, field: Field, incident: _Incident) -> str | None:
        if plain is None or self._key is None:
            return plain
        if field == "post_author":
            plain = _cut_utf8(plain, AUTHOR_MAX_BYTES)
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        data = AESGCM(self._key).encrypt(
            nonce, plain.encode("utf-8", "surrogatepass"), _aad(field, incident)
        )
        return f"{PREFIX}{_b64(nonce)}:{_b64(data)}"

    def open(self, stored: str | None, field: Field, incident: _Incident) -> str | None:
        return self._open(stored, field, incident)[0]

    def _open(
        self, stored: str | None, field: Field, incident: _Incident
    ) -> tuple[str | None, int]:
        """(plaintext, which key): -1 plaintext as stored, 0 the current key, 1.. old keys."""
        if stored is None or not stored.startswith(PREFIX):
            return stored, -1
        keys = [k for k in (self._key, *self._old) if k is not None]
        if not keys:
            raise EvidenceKeyError(
                f"incident evidence is encrypted but {KEY_ENV} is not set; give the service "
                "the key it was encrypted with"
            )
        try:
            nonce_text, data_text = stored[len(PREFIX) :].split(":", 1)
            nonce = base64.urlsafe_b64decode(nonce_text)
            data = base64.urlsafe_b64decode(data_text)
        except (ValueError, binascii.Error):
            raise EvidenceKeyError("stored evidence is not a valid enc:v1 value") from None
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        aad = _aad(field, incident)
        for index, key in enumerate(keys):
            try:
                plain = AESGCM(key).decrypt(nonce, data, aad)
            except (InvalidTag, ValueError):
                continue
            which = index if self._key is not None else index + 1
            return plain.decode("utf-8", "surrogatepass"), which
        raise EvidenceKeyError(
            f"incident evidence cannot be decrypted: wrong {KEY_ENV} (after a key change, "
            f"put the previous key in {OLD_KEY_ENV}), or the stored value was altered"
        )

    # -- incident rows ---------------------------------------------------------------------
    def store_evidence(self, incident: _Incident, text: str | None, author: str | None) -> None:
        """Write the evidence columns of ``incident`` (its site_id and dedup_key set)."""
        incident.evidence_text = self.seal(text, "evidence_text", incident)
        incident.post_author = self.seal(author, "post_author", incident)

    def store_text(self, incident: _Incident, text: str | None) -> None:
        incident.evidence_text = self.seal(text, "evidence_text", incident)

    def evidence(self, incident: _Incident) -> str | None:
        return self.open(incident.evidence_text, "evidence_text", incident)

    def author(self, incident: _Incident) -> str | None:
        return self.open(incident.post_author, "post_author", incident)

    def reseal(self, incident: _Incident) -> Literal["rotated", "plaintext", "current", "none"]:
        """Re-encrypt both columns with the current key; what was done to the row."""
        if self._key is None:
            raise EvidenceKeyError(f"{KEY_ENV} is not set: there is no key to encrypt with")
        text, t_key = self._open(incident.evidence_text, "evidence_text", incident)
        author, a_key = self._open(incident.post_author, "post_author", incident)
        present = [k for v, k in ((text, t_key), (author, a_key)) if v is not None]
        if not present:
            return "none"
        if all(k == 0 for k in present):
            return "current"
        self.store_evidence(incident, text, author)
        return "plaintext" if all(k == -1 for k in present) else "rotated"


PLAINTEXT = EvidenceCipher()
