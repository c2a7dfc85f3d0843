"""``assemble`` builds the same object as a frozen dataclass's constructor (frozen.py)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import Any

import pytest

from sitewatch.detectors.context import ContextHit
from sitewatch.frozen import assemble
from sitewatch.models import Finding, ScanResult, Severity
from sitewatch.scan.normalize import Document

CASES: list[tuple[type[Any], dict[str, Any]]] = [
    (Document, {"original": "Hi  Maya", "text": "hi maya", "offsets": (0, 1, 2, 4, 5, 6, 7)}),
    (Document, {"original": "", "text": "", "offsets": ()}),
    (ContextHit, {"start": 4, "end": 13, "category": "discipline", "term": "suspended"}),
    (
        Finding,
        {
            "category": "pii.phone",
            "start": 0,
            "end": 12,
            "score": 0.9,
            "detector": "phone",
            "explanation": "phone number valid for US",
            "severity": Severity.MEDIUM,
            "clause": "5",
            "tags": ("context:health",),
        },
    ),
    (ScanResult, {"findings": (), "redactions": ()}),  # the usual post: nothing
    (
        ScanResult,
        {
            "findings": (Finding("pii.phone", 0, 3, 0.9, "phone", "why"),),
            "redactions": ((0, 3, "phone"),),
        },
    ),
]


@pytest.mark.parametrize(("cls", "fields"), CASES)
def test_assemble_is_the_constructor(cls: type[Any], fields: dict[str, Any]) -> None:
    expected = cls(**fields)
    got = assemble(cls, **fields)
    assert got == expected
    assert type(got) is cls
    assert vars(got) == vars(expected)
    assert hash(got) == hash(expected)
    with pytest.raises(FrozenInstanceError):
        got.start = 1  # still frozen


@dataclass(frozen=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


def test_a_class_that_validates_goes_through_its_constructor() -> None:
    assert assemble(_Checked, value=3) == _Checked(3)
    with pytest.raises(ValueError, match="negative"):
        assemble(_Checked, value=-1)
