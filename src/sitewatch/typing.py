"""The Protocols every pluggable part implements. Base classes are conveniences only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from sitewatch.models import AccessReport, Action, ActionResult, Finding, Member, Page, Post, Site

if TYPE_CHECKING:
    from sitewatch.scan.normalize import Document

Cursor = str
"""Opaque to everyone but the connector that made it."""


@runtime_checkable
class Connector(Protocol):
    """Reads one platform. Stateless about storage: the daemon keeps the cursor."""

    platform: ClassVar[str]

    def fetch(self, site: Site, cursor: Cursor | None) -> Page:
        """Posts newer than ``cursor``, oldest first, at most one page."""
        ...

    def check_access(self, site: Site) -> AccessReport: ...


class MemberLister(Protocol):
    def members(self, site: Site) -> Iterable[Member]: ...


class Actor(Protocol):
    def act(self, site: Site, post: Post, action: Action) -> ActionResult: ...


@runtime_checkable
class Detector(Protocol):
    """Finds one family of problems in a normalized document."""

    name: str

    def load(self) -> None:
        """Load models, rosters, vocabularies. Called once before the first ``detect``."""
        ...

    def detect(self, doc: Document) -> Sequence[Finding]: ...


@runtime_checkable
class BatchDetector(Detector, Protocol):
    """A detector that is much cheaper per document in a batch (a model's vectorized
    inference): the pipeline hands it a whole page at once (``ScanPipeline.scan_many``)."""

    def detect_many(self, docs: Sequence[Document]) -> Sequence[Sequence[Finding]]:
        """One findings list per document, in order."""
        ...


class Notifier(Protocol):
    """Delivers one rendered message; raises on failure so the outbox can retry."""

    name: str

    def deliver(self, message_id: str, recipients: Sequence[str], message: bytes) -> str:
        """Send it; return where it went (a path, a server's queue id)."""
        ...
