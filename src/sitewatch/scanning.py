"""Scanning a page of posts for the store: shared by the daemon and the backfill.

Unchanged posts already scanned are skipped (by digest); a post whose scan fails is logged by
id (never its text) and skipped; a post by a roster student's handle without written parental
consent in force gains a ``policy.unconsented_member`` finding (IIBGC 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sitewatch.consent import MemberMatcher
from sitewatch.exceptions import SitewatchError
from sitewatch.logs import get_logger
from sitewatch.models import Finding, Post, ScanResult, Site
from sitewatch.policy import unconsented_author
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.store.repository import ScannedPost, Store, content_digest

log = get_logger("sitewatch.scanning")

SCAN_ERRORS = (SitewatchError, ValueError, RuntimeError)

UNCONSENTED_AUTHOR = (
    "posted by a roster student's handle without written parental consent in force for this "
    "site (IIBGC 4)"
)


def with_consent(
    pipeline: ScanPipeline,
    site: Site,
    post: Post,
    result: ScanResult,
    matcher: MemberMatcher | None,
    today: date,
) -> ScanResult:
    if matcher is None:
        return result
    if unconsented_author(matcher, post.author, site.name, today) is None:
        return result
    finding = pipeline.policy.apply(
        Finding(
            category="policy.unconsented_member",
            start=0,
            end=0,
            score=1.0,
            detector="consent",
            explanation=UNCONSENTED_AUTHOR,
        )
    )
    return replace(result, findings=(*result.findings, finding))


def scan_page(
    store: Store,
    pipeline: ScanPipeline,
    site: Site,
    posts: Sequence[Post],
    matcher: MemberMatcher | None,
    today: date,
) -> list[ScannedPost]:
    known = store.known_digests(site.name, [p.id for p in posts])
    todo: list[tuple[Post, str]] = []
    for post in posts:
        digest = content_digest(post.text)
        if known.get(post.id) != digest:
            todo.append((post, digest))
    try:
        # The page in one call: a batch-capable detector (the toxicity model) sees it whole.
        results: list[ScanResult | None] = list(pipeline.scan_many([p.text for p, _ in todo]))
    except SCAN_ERRORS:
        # Some post breaks a detector: scan one by one so only that post is skipped.
        results = [_scan_one(pipeline, site, post) for post, _ in todo]
    scanned: list[ScannedPost] = []
    for (post, digest), result in zip(todo, results, strict=True):
        if result is None:
            continue
        result = with_consent(pipeline, site, post, result, matcher, today)
        scanned.append(ScannedPost(post=post, digest=digest, result=result))
    return scanned


def _scan_one(pipeline: ScanPipeline, site: Site, post: Post) -> ScanResult | None:
    try:
        return pipeline.scan(post.text)
    except SCAN_ERRORS as exc:
        log.error(
            "post skipped: scan failed",
            site=site.name,
            post_id=post.id,
            error=type(exc).__name__,
        )
        return None
