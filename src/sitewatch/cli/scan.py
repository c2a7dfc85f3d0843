"""`sitewatch scan POSTS.jsonl`: scan posts without any platform (the scan contract).

One JSON object per input line, at least {"id", "text"}; one output line per input line, in
order. A malformed line gets an error line naming its id (or line number); never a crash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import click

from sitewatch.bootstrap import build_pipeline, load_district_roster
from sitewatch.cli.common import table
from sitewatch.config import Settings, load_settings
from sitewatch.scan.pipeline import ScanPipeline


def _parse(line: str, number: int) -> tuple[Any, str | None, str | None]:
    """(id, text, error) for one input line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return number, None, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return number, None, f"line {number}: expected a JSON object"
    post_id = obj.get("id")
    if post_id is None or post_id == "" or isinstance(post_id, (dict, list, bool)):
        return number, None, f'line {number}: missing or invalid "id"'
    text = obj.get("text")
    if not isinstance(text, str):
        return post_id, None, f'line {number}: "text" must be a string'
    return post_id, text, None


def scan_lines(pipeline: ScanPipeline, stream: IO[str]) -> Any:
    """Yield one result object per non-blank input line, in order."""
    for number, raw in enumerate(stream, start=1):
        line = raw.strip()
        if not line:
            continue
        post_id, text, error = _parse(line, number)
        if error is not None or text is None:
            yield {"id": post_id, "error": error}
            continue
        result = pipeline.scan(text)
        yield {"id": post_id, "findings": [f.to_json() for f in result.findings]}


@click.command("scan")
@click.argument("posts", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    help="A sitewatch config (district allow-lists, rules, severities).",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A OneRoster users.csv (overrides the config's [roster] path).",
)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl")
def scan_command(posts: IO[str], config_path: str | None, roster: Path | None, fmt: str) -> None:
    """Scan POSTS (JSONL, or - for stdin) and print findings per post."""
    settings = load_settings(config_path) if config_path else Settings()
    pipeline = build_pipeline(settings, load_district_roster(settings, roster))
    results = scan_lines(pipeline, posts)
    if fmt == "jsonl":
        for obj in results:
            click.echo(json.dumps(obj, ensure_ascii=False))
        return
    rows: list[list[Any]] = []
    for obj in results:
        if "error" in obj:
            rows.append([obj["id"], "ERROR", "-", "-", obj["error"]])
        for f in obj.get("findings", []):
            rows.append(
                [
                    obj["id"],
                    f["severity"],
                    f["category"],
                    f"{f['start']}-{f['end']}",
                    f["explanation"],
                ]
            )
    click.echo(
        table(["id", "severity", "category", "span", "why"], rows) if rows else "no findings"
    )
