"""``ScanPipeline.scan_many``: a page scanned at once gives exactly what ``scan`` gives post by
post, and a batch-capable detector (the toxicity model) is called once for the page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from sitewatch.config import Settings
from sitewatch.roster import load_roster
from sitewatch.scan.normalize import Document
from sitewatch.scan.pipeline import MAX_POST_CHARS, ScanPipeline
from sitewatch.typing import BatchDetector

PAGE = [
    "Great concert tonight, thanks to every family who came!",
    "Reach Maya at maya.chen@students.lakeview.k12.us or student no. 41234567",
    "Priya Natarajan forgot her inhaler again; Maya Chen won the art prize.",
    "If practice is cancelled again I will bring a gun.",
    "you are a worthless idiot and everyone hates you",
    "",
    "Call the office at (217) 555-0147 \u200bor my cell (217) 555-0199",
    "М\u0430ya Chen was suspended",  # Cyrillic М and а
    "damn that was close, what a game",
    "\U0001f3b7" * 50 + " band camp!",
    "her SSN 536-22-8174 was posted by mistake",
    "a" * (MAX_POST_CHARS + 10) + " call (217) 555-0147",
]


@pytest.fixture
def pipeline(make_settings: Callable[..., Settings], roster_file: Path) -> ScanPipeline:
    return ScanPipeline.from_settings(
        make_settings(
            detection={
                "detectors": [
                    "email",
                    "phone",
                    "ssn",
                    "student_id",
                    "address",
                    "birthdate",
                    "roster",
                    "rules",
                    "toxicity",
                ]
            }
        ),
        load_roster(roster_file),
    )


def test_a_page_at_once_equals_post_by_post(pipeline: ScanPipeline) -> None:
    one_by_one = [pipeline.scan(text) for text in PAGE]
    at_once = pipeline.scan_many(PAGE)
    assert at_once == one_by_one
    categories = {f.category for result in at_once for f in result.findings}
    # The table exercises PII, context, rules and the model, not only clean posts.
    assert {"pii.email", "pii.phone", "pii.ssn", "pii.education_record"} <= categories
    assert any(c.startswith("content.") for c in categories)


def test_the_toxicity_model_sees_the_page_in_one_call(pipeline: ScanPipeline) -> None:
    (toxicity,) = [d for d in pipeline.detectors if d.name == "toxicity"]
    assert isinstance(toxicity, BatchDetector)
    calls: list[int] = []
    real = toxicity.detect_many

    def counting(docs: Sequence[Document]) -> Any:
        calls.append(len(docs))
        return real(docs)

    # The pipeline looked ``detect_many`` up once; rebuild it around the counting one.
    toxicity.detect_many = counting  # type: ignore[method-assign]
    rebuilt = ScanPipeline(pipeline.detectors, pipeline.policy)
    rebuilt.scan_many(PAGE)
    assert calls == [len(PAGE)]


@pytest.mark.parametrize("page", [[], ["only one post, (217) 555-0147"]])
def test_empty_and_single_post_pages(pipeline: ScanPipeline, page: list[str]) -> None:
    assert pipeline.scan_many(page) == [pipeline.scan(text) for text in page]
