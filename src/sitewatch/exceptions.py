"""The sitewatch error tree.

Connector errors decide what the daemon does next (Singer SDK style): a retriable error backs
off and tries again, a fatal one marks the site unhealthy and files a monitoring gap, a
skippable one drops a single item and carries on.
"""

from __future__ import annotations


class SitewatchError(Exception):
    """Base of every error sitewatch raises on purpose."""


class ConfigError(SitewatchError):
    """A configuration, roster or rules file is invalid; the message names file and key."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class RosterError(ConfigError):
    """The OneRoster users.csv could not be read; the message names file and row."""


class CredentialError(ConfigError):
    """A required secret is missing from the environment and the credentials directory."""


class StoreError(SitewatchError):
    """The store cannot be opened or migrated."""


class ConnectorError(SitewatchError):
    """Base for errors raised by a platform connector."""


class RetriableConnectorError(ConnectorError):
    """Transient: rate limits, 5xx, timeouts, malformed bodies. Back off and retry."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class FatalConnectorError(ConnectorError):
    """The site cannot be read until a person acts (auth, permissions, missing site)."""


class SkippablePostError(ConnectorError):
    """One item could not be read; it is logged and skipped, never stopping the site."""
