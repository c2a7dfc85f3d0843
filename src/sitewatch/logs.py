"""structlog set-up: console in a TTY, JSON otherwise, and a redaction processor.

Privacy is the product: post text, student names and secrets must never reach a log line.
``redact_sensitive`` masks values under sensitive keys, any registered secret or roster
value wherever it appears, and e-mail addresses and phone-like numbers in free text.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

REDACTED = "[redacted]"

# Keys whose values are content or secrets by nature. Matched on the key's last part.
SENSITIVE_KEYS = re.compile(
    r"(^|_)(text|body|content|excerpt|evidence|title|author|name|given_name|family_name|"
    r"display_name|email|phone|sms|password|passwd|secret|token|api_key|apikey|"
    r"authorization|cookie|credential|credentials)$",
    re.IGNORECASE,
)
# Keys that look sensitive but hold our own identifiers.
SAFE_KEYS = frozenset(
    {
        "site",
        "site_name",
        "detector",
        "detector_name",
        "platform",
        "event",
        "logger",
        "level",
        "timestamp",
        "category",
        "file_name",
    }
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.-])(\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w])")


class _Sensitive:
    """Strings that must never be logged: secrets, roster names. Set at start-up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None

    def add(self, values: Iterable[str]) -> None:
        with self._lock:
            self._values = self._values | {v for v in values if v and len(v) >= 4}
            if self._values:
                alternatives = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile(
                    "|".join(re.escape(v) for v in alternatives), re.IGNORECASE
                )

    def scrub(self, text: str) -> str:
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(REDACTED, text)
        text = _EMAIL.sub(REDACTED, text)
        return _PHONE.sub(REDACTED, text)

    def clear(self) -> None:
        with self._lock:
            self._values = frozenset()
            self._pattern = None


sensitive = _Sensitive()


def register_sensitive(values: Iterable[str]) -> None:
    """Add secrets or roster names that the redaction processor masks wherever they appear."""
    sensitive.add(values)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return sensitive.scrub(value)
    if isinstance(value, BaseException):
        return sensitive.scrub(f"{type(value).__name__}: {value}")
    if isinstance(value, dict):
        return {k: _scrub_item(k, v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_scrub_value(v) for v in value]
    return value


def _scrub_item(key: Any, value: Any) -> Any:
    if key in ("timestamp", "level"):
        return value
    if str(key) not in SAFE_KEYS and SENSITIVE_KEYS.search(str(key)):
        return REDACTED
    return _scrub_value(value)


def redact_sensitive(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the last line of defence before a log line is rendered."""
    for key in list(event_dict):
        event_dict[key] = _scrub_item(key, event_dict[key])
    return event_dict


def configure_logging(fmt: str = "auto", level: str = "info", stream: TextIO | None = None) -> None:
    """Console renderer in a TTY, JSON lines otherwise (journald, files, CI)."""
    out = stream or sys.stderr
    use_json = fmt == "json" or (fmt == "auto" and not out.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=out.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_sensitive,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
