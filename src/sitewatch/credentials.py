"""Secrets from the environment or systemd credential files, never from the TOML.

``SITEWATCH_SMTP_PASSWORD`` is read from the environment, or from a file named
``sitewatch_smtp_password`` in ``$CREDENTIALS_DIRECTORY`` (systemd ``LoadCredential=``).
Every secret read is registered with the log redaction processor.
"""

from __future__ import annotations

import os
from pathlib import Path

from sitewatch.exceptions import CredentialError
from sitewatch.logs import register_sensitive


def get_secret(name: str, *, required: bool = False) -> str | None:
    """The secret ``name`` (upper case, e.g. SITEWATCH_SMTP_PASSWORD) or None."""
    value = os.environ.get(name)
    if not value:
        directory = os.environ.get("CREDENTIALS_DIRECTORY")
        if directory:
            path = Path(directory) / name.lower()
            try:
                value = path.read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                value = None
            except OSError as exc:
                raise CredentialError(
                    f"credential file {path} cannot be read: {exc.strerror}"
                ) from None
    if value:
        register_sensitive([value])
        return value
    if required:
        hint = "set it in the environment or add it with systemd LoadCredential="
        raise CredentialError(f"missing credential {name}: {hint}")
    return None
