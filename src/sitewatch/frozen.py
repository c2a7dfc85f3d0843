"""Building frozen dataclasses in the scanner's hot loops.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; for the
small records the scan makes per post (documents, context hits, findings, results) that
costs more than the work around it. ``assemble`` makes the same object by filling the
instance's ``__dict__`` directly. tests/test_frozen.py checks it against the constructors.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")

_VALIDATES: dict[type, bool] = {}  # class -> has a ``__post_init__`` (asked once per class)


def assemble(cls: type[T], /, **fields: Any) -> T:
    """``cls(**fields)`` for a frozen dataclass, without its ``__init__``.

    Every field must be given (defaults are not filled in). A class with a
    ``__post_init__`` (one that validates or derives fields) goes through its constructor.
    """
    validates = _VALIDATES.get(cls)
    if validates is None:
        validates = _VALIDATES[cls] = hasattr(cls, "__post_init__")
    if validates:
        return cls(**fields)
    out = object.__new__(cls)
    out.__dict__.update(fields)
    return out
