from __future__ import annotations

from sitewatch.cli import main

main()
