"""sitewatch: monitoring of a district's approved social sites for student PII and abuse."""

from __future__ import annotations

__version__ = "0.1.0"
