"""The demo connector: paging, a cursor that survives restarts, hostile lines, shipped data."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sitewatch_connectors.demo as demo_module
from sitewatch_connectors.demo import MAX_TEXT_CHARS, DemoConnector

from sitewatch.exceptions import FatalConnectorError
from sitewatch.models import Page, Post, Site
from sitewatch.typing import Connector

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"
ROSTER_HEADER = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "metadata.directoryOptOut",
]
# The lines of config/demo/feed.jsonl planted to show "skipped line N" in the demo.
PLANTED_SKIPS = ("feed.jsonl:12", "feed.jsonl:18")


# -- helpers -------------------------------------------------------------------------------
def site_for(path: Path, **options: Any) -> Site:
    return Site(
        name="demo-test",
        platform="demo",
        target=str(path),
        sponsor="band.sponsor@lakeview.k12.us",
        options=options,
    )


def line(post_id: Any, text: str = "hello", **extra: Any) -> str:
    return json.dumps({"id": post_id, "text": text, **extra}, ensure_ascii=False) + "\n"


def write(path: Path, *lines: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("".join(lines))


def append(path: Path, data: str | bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def drain(site: Site, cursor: str | None = None, *, fresh: bool = True) -> tuple[list[Page], str]:
    """Fetch until has_more is False; a new connector per call when ``fresh`` (a restart)."""
    pages: list[Page] = []
    connector = DemoConnector()
    for _ in range(10_000):
        if fresh:
            connector = DemoConnector()
        page = connector.fetch(site, cursor)
        assert page.next_cursor is not None
        cursor = page.next_cursor
        pages.append(page)
        if not page.has_more:
            return pages, cursor
    raise AssertionError("has_more never became False")


def ids(pages: Iterable[Page]) -> list[str]:
    return [p.id for page in pages for p in page.posts]


def only_post(page: Page) -> Post:
    assert len(page.posts) == 1, page
    return page.posts[0]


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    write(path, *(line(i, f"post {i}") for i in range(1, 8)))
    return path


# -- protocol ------------------------------------------------------------------------------
def test_satisfies_connector_protocol() -> None:
    connector = DemoConnector()
    assert isinstance(connector, Connector)
    assert DemoConnector.platform == "demo"


def test_registered_entry_point() -> None:
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="sitewatch.connectors") if e.name == "demo"]
    assert ep.load() is DemoConnector


# -- paging and cursor ---------------------------------------------------------------------
def test_pages_respect_page_size_and_has_more(feed: Path) -> None:
    site = site_for(feed, page_size=3)
    connector = DemoConnector()
    first = connector.fetch(site, None)
    assert [p.id for p in first.posts] == ["1", "2", "3"]
    assert first.has_more is True
    second = connector.fetch(site, first.next_cursor)
    assert [p.id for p in second.posts] == ["4", "5", "6"]
    assert second.has_more is True
    third = connector.fetch(site, second.next_cursor)
    assert [p.id for p in third.posts] == ["7"]
    assert third.has_more is False
    empty = connector.fetch(site, third.next_cursor)
    assert empty.posts == ()
    assert empty.has_more is False
    assert empty.next_cursor == third.next_cursor


def test_page_size_defaults_to_100(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, *(line(i) for i in range(150)))
    page = DemoConnector().fetch(site_for(path), None)
    assert len(page.posts) == 100
    assert page.has_more is True


def test_page_size_accepts_string_from_config(feed: Path) -> None:
    page = DemoConnector().fetch(site_for(feed, page_size="2"), None)
    assert len(page.posts) == 2


@pytest.mark.parametrize("bad", [0, -1, "many", None, True, 1.5j])
def test_invalid_page_size_is_fatal(feed: Path, bad: Any) -> None:
    with pytest.raises(FatalConnectorError, match="page_size"):
        DemoConnector().fetch(site_for(feed, page_size=bad), None)


def test_empty_file_still_returns_a_cursor(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"")
    page = DemoConnector().fetch(site_for(path), None)
    assert page.posts == ()
    assert page.has_more is False
    assert page.next_cursor is not None
    append(path, line("a"))
    assert [p.id for p in DemoConnector().fetch(site_for(path), page.next_cursor).posts] == ["a"]


@pytest.mark.parametrize("page_size", [1, 2, 3, 5, 100])
def test_cursor_round_trip_across_restarts_never_repeats_or_skips(
    feed: Path, page_size: int
) -> None:
    site = site_for(feed, page_size=page_size)
    pages, cursor = drain(site, fresh=True)
    assert ids(pages) == [str(i) for i in range(1, 8)]
    # The cursor is a plain string: it survives being stored and read back.
    stored = json.loads(json.dumps(cursor))
    assert DemoConnector().fetch(site, stored).posts == ()


def test_appended_lines_are_new_posts(feed: Path) -> None:
    site = site_for(feed, page_size=4)
    pages, cursor = drain(site)
    assert len(ids(pages)) == 7
    append(feed, line("new-1", "fresh") + "\n" + line("new-2", "fresher"))
    more, cursor2 = drain(site, cursor)
    assert ids(more) == ["new-1", "new-2"]
    assert DemoConnector().fetch(site, cursor2).posts == ()


def test_partial_last_line_is_left_until_complete(feed: Path) -> None:
    site = site_for(feed)
    _, cursor = drain(site)
    whole = line("partial", "written in two steps")
    append(feed, whole[:15])
    waiting = DemoConnector().fetch(site, cursor)
    assert waiting.posts == ()
    assert waiting.skipped == ()
    assert waiting.has_more is False
    assert waiting.next_cursor == cursor
    append(feed, whole[15:])
    done = DemoConnector().fetch(site, waiting.next_cursor)
    post = only_post(done)
    assert (post.id, post.text) == ("partial", "written in two steps")
    # Line numbers stay right after a partial read: the next bad line is line 9.
    append(feed, "{broken\n")
    later = DemoConnector().fetch(site, done.next_cursor)
    assert [s.where for s in later.skipped] == ["feed.jsonl:9"]


def test_partial_line_is_not_consumed_from_a_fresh_start(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, line(1), '{"id": 2, "text": "no newline yet"}')
    page = DemoConnector().fetch(site_for(path), None)
    assert [p.id for p in page.posts] == ["1"]
    assert page.has_more is False


def test_has_more_false_when_only_a_partial_line_remains(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, line(1), line(2), '{"id": 3, "text": "still typing')
    page = DemoConnector().fetch(site_for(path, page_size=2), None)
    assert [p.id for p in page.posts] == ["1", "2"]
    assert page.has_more is False


def test_truncated_file_restarts_from_the_beginning(feed: Path) -> None:
    site = site_for(feed)
    _, cursor = drain(site)
    write(feed, line("r1"), line("r2"))  # rotated: shorter than the cursor's offset
    page = DemoConnector().fetch(site, cursor)
    assert [p.id for p in page.posts] == ["r1", "r2"]


def test_rewritten_file_restarts_from_the_beginning(feed: Path) -> None:
    site = site_for(feed, page_size=2)
    first = DemoConnector().fetch(site, None)
    # Same length or longer, but the bytes before the cursor changed: not an append.
    write(feed, *(line(f"x{i}", f"rewritten {i}") for i in range(1, 8)))
    page = DemoConnector().fetch(site, first.next_cursor)
    assert [p.id for p in page.posts] == ["x1", "x2"]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "42",
        "[]",
        '{"offset": 10, "line": 1}',
        '{"v": 2, "offset": 10, "line": 1, "tail": "0123456789abcdef"}',
        '{"v": 1, "offset": -1, "line": 0, "tail": "0123456789abcdef"}',
        '{"v": 1, "offset": "10", "line": 1, "tail": "0123456789abcdef"}',
        '{"v": 1, "offset": 10, "line": true, "tail": "0123456789abcdef"}',
        '{"v": 1, "offset": 1, "line": 5, "tail": "0123456789abcdef"}',
        '{"v": 1, "offset": 10, "line": 1, "tail": "not hex"}',
        "t3_abc123",  # a reddit-style cursor from another connector
    ],
)
def test_foreign_cursor_is_fatal(feed: Path, cursor: str) -> None:
    with pytest.raises(FatalConnectorError, match="not a demo connector cursor"):
        DemoConnector().fetch(site_for(feed), cursor)


# -- bad lines -----------------------------------------------------------------------------
SECRET = "Jordan Q. Sample 219-55-0000"  # must never appear in a SkippedItem


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"id": 1, "text": "' + SECRET + "\n", "invalid JSON"),
        ('["' + SECRET + '"]\n', "not a JSON object"),
        ('"' + SECRET + '"\n', "not a JSON object"),
        ('{"text": "' + SECRET + '"}\n', '"id"'),
        ('{"id": "   ", "text": "' + SECRET + '"}\n', '"id"'),
        ('{"id": null, "text": "' + SECRET + '"}\n', '"id"'),
        ('{"id": true, "text": "' + SECRET + '"}\n', '"id"'),
        ('{"id": 1.5, "text": "' + SECRET + '"}\n', '"id"'),
        ('{"id": 1, "body": "' + SECRET + '"}\n', '"text"'),
        ('{"id": 1, "text": ["' + SECRET + '"]}\n', '"text"'),
        ('{"id": 1, "text": null}\n', '"text"'),
        ('{"id": 1, "text": "x", "created_at": "' + SECRET + '"}\n', '"created_at"'),
        ('{"id": 1, "text": "x", "created_at": 1790000000}\n', '"created_at"'),
        ("[" * 100_000 + "\n", "invalid JSON"),  # nesting deep enough to recurse out
        ('{"id": 1, "text": "x", "n": ' + "9" * 5000 + "}\n", "invalid JSON"),
    ],
)
def test_malformed_lines_are_skipped_without_content(tmp_path: Path, raw: str, reason: str) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, line("before"), "\n", raw, line("after"))
    page = DemoConnector().fetch(site_for(path), None)
    assert [p.id for p in page.posts] == ["before", "after"]
    (skipped,) = page.skipped
    assert skipped.where == "feed.jsonl:3"  # the blank line 2 still counts
    assert reason in skipped.reason
    assert SECRET not in skipped.reason
    assert "Jordan" not in skipped.reason
    assert len(skipped.reason) < 120


def test_skipped_lines_count_toward_the_page_and_are_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, "bad 1\n", line("a"), "bad 3\n", line("b"), "bad 5\n")
    pages, _ = drain(site_for(path, page_size=2))
    assert ids(pages) == ["a", "b"]
    assert [s.where for page in pages for s in page.skipped] == [
        "feed.jsonl:1",
        "feed.jsonl:3",
        "feed.jsonl:5",
    ]


def test_overlong_line_is_skipped_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_module, "MAX_LINE_BYTES", 64)
    path = tmp_path / "feed.jsonl"
    write(path, line(1), line(2, "y" * 500), line(3))
    page = DemoConnector().fetch(site_for(path), None)
    assert [p.id for p in page.posts] == ["1", "3"]
    assert [s.where for s in page.skipped] == ["feed.jsonl:2"]
    assert "longer than 64 bytes" in page.skipped[0].reason


def test_overlong_unterminated_line_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_module, "MAX_LINE_BYTES", 64)
    path = tmp_path / "feed.jsonl"
    write(path, line(1), '{"id": 2, "text": "' + "y" * 500)
    site = site_for(path)
    page = DemoConnector().fetch(site, None)
    assert [p.id for p in page.posts] == ["1"]
    assert page.skipped == ()
    append(path, '"}\n' + line(3))
    later = DemoConnector().fetch(site, page.next_cursor)
    assert [p.id for p in later.posts] == ["3"]
    assert [s.where for s in later.skipped] == ["feed.jsonl:2"]


# -- field handling ------------------------------------------------------------------------
def test_fields_are_normalized(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(
        path,
        line(
            101,
            "announcement",
            author="Mr. Brooks",
            created_at="2026-09-01T14:00:00Z",
            url="https://lakeviewband.example.org/posts/101",
        ),
        line("c1", "a reply", parent_id=101, created_at="2026-09-01T09:00:00-05:00"),
        line(" c2 ", "naive time", parent_id="101", created_at="2026-09-02T10:30:00"),
        line("c3", "explicit kind", parent_id=101, kind="post"),
        line("c4", "bad kind", kind="story", author=42, url="javascript:alert(1)"),
    )
    posts = DemoConnector().fetch(site_for(path), None).posts
    a, b, c, d, e = posts
    assert a == Post(
        id="101",
        text="announcement",
        author="Mr. Brooks",
        created_at=datetime(2026, 9, 1, 14, 0, tzinfo=UTC),
        url="https://lakeviewband.example.org/posts/101",
        parent_id=None,
        kind="post",
    )
    assert (b.kind, b.parent_id, b.created_at) == (
        "comment",
        "101",
        datetime(2026, 9, 1, 14, 0, tzinfo=UTC),
    )
    assert b.created_at is not None
    assert b.created_at.utcoffset() == timedelta(0)
    assert (c.id, c.parent_id, c.created_at) == (
        "c2",
        "101",
        datetime(2026, 9, 2, 10, 30, tzinfo=UTC),
    )
    assert d.kind == "post"
    assert (e.kind, e.author, e.url, e.created_at) == ("post", None, None, None)


def test_unicode_is_preserved(tmp_path: Path) -> None:
    text = "Go \U0001f3ba\U0001f3b7 team! \u202etxt.exe \u200d👩🏽‍🎤 José Ramírez مرحبا"
    path = tmp_path / "feed.jsonl"
    write(path, line("u1", text), json.dumps({"id": "u2", "text": text}) + "\n")
    a, b = DemoConnector().fetch(site_for(path), None).posts
    assert a.text == text  # written as raw UTF-8
    assert b.text == text  # written with \\u escapes
    assert "\u202e" in a.text
    assert "\U0001f3ba" in a.text


def test_invalid_utf8_and_lone_surrogates_become_replacement_chars(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        b'{"id": 1, "text": "caf\xe9 \xff"}\n'
        b'{"id": 2, "text": "half \\ud83d pair", "author": "\\udc00x"}\n'
    )
    a, b = DemoConnector().fetch(site_for(path), None).posts
    assert a.text == "caf\ufffd \ufffd"
    assert b.text == "half \ufffd pair"
    assert b.author == "\ufffdx"
    b.text.encode("utf-8")  # storable and mailable


def test_crlf_and_bom_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": 1, "text": "a"}\r\n{"id": 2, "text": "b"}\r\n')
    assert [p.text for p in DemoConnector().fetch(site_for(path), None).posts] == ["a", "b"]


def test_huge_text_is_truncated_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, line("big", "\U0001f3ba" + "a" * (MAX_TEXT_CHARS + 5000)), line("next"))
    page = DemoConnector().fetch(site_for(path), None)
    big, nxt = page.posts
    assert len(big.text) == MAX_TEXT_CHARS
    assert big.text.startswith("\U0001f3baaaa")
    assert nxt.id == "next"
    assert page.skipped == ()


def test_hostile_markup_is_passed_through_verbatim(tmp_path: Path) -> None:
    """Escaping is the renderer's job; the scanner must see exactly what was posted."""
    text = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    path = tmp_path / "feed.jsonl"
    write(path, line("h", text))
    assert only_post(DemoConnector().fetch(site_for(path), None)).text == text


# -- file errors and access ----------------------------------------------------------------
def test_missing_file_is_fatal(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(FatalConnectorError, match="demo feed not found") as info:
        DemoConnector().fetch(site_for(missing), None)
    assert str(missing) in str(info.value)


def test_directory_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(FatalConnectorError, match="directory"):
        DemoConnector().fetch(site_for(tmp_path), None)


def test_empty_target_is_fatal() -> None:
    site = Site(name="s", platform="demo", target=" ", sponsor="a@lakeview.k12.us")
    with pytest.raises(FatalConnectorError, match="empty"):
        DemoConnector().fetch(site, None)
    assert DemoConnector().check_access(site).ok is False


def test_permission_denied_is_fatal(feed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(FatalConnectorError, match="not readable"):
        DemoConnector().fetch(site_for(feed), None)
    report = DemoConnector().check_access(site_for(feed))
    assert (report.ok, "not readable" in report.detail) == (False, True)


def test_check_access(feed: Path, tmp_path: Path) -> None:
    ok = DemoConnector().check_access(site_for(feed))
    assert ok.ok is True
    assert "readable" in ok.detail

    missing = DemoConnector().check_access(site_for(tmp_path / "gone.jsonl"))
    assert missing.ok is False
    assert "demo feed not found" in missing.detail

    directory = DemoConnector().check_access(site_for(tmp_path))
    assert directory.ok is False
    assert "directory" in directory.detail


# -- the shipped demo data -----------------------------------------------------------------
def demo_site(path: Path = DEMO / "feed.jsonl") -> Site:
    return site_for(path, page_size=10)


def test_shipped_feed_parses_with_exactly_the_planted_skips() -> None:
    pages, _ = drain(demo_site())
    posts = [p for page in pages for p in page.posts]
    skipped = [s for page in pages for s in page.skipped]
    assert tuple(s.where for s in skipped) == PLANTED_SKIPS
    assert len(posts) == 24
    assert len({p.id for p in posts}) == len(posts)
    by_id = {p.id: p for p in posts}
    for post in posts:
        assert post.created_at is not None
        assert (
            datetime(2026, 9, 1, tzinfo=UTC) <= post.created_at < datetime(2026, 12, 1, tzinfo=UTC)
        )
        assert post.url is not None
        assert post.url.startswith("https://lakeviewband.example.org/posts/")
        if post.parent_id is not None:
            assert post.kind == "comment"
            assert post.parent_id in by_id
            assert post.url.endswith(f"#comment-{post.id}")
    # The hostile and Unicode lines survived intact.
    assert "<script>alert(1)</script>" in by_id["108"].text
    assert "\u202e" in by_id["108"].text
    assert sum(ord(ch) > 0xFFFF for ch in by_id["204"].text) >= 10
    # The planted problems carry the phrases the district config looks for.
    planted = {
        "205": "(217) 555-0147",
        "207": "suspended",
        "208": "@students.lakeview.k12.us",
        "107": "IEP",
        "209": "41234567",
        "210": "212-55-4321",
        "211": "loser",
        "212": "kill yourself",
        "213": "bring a gun",
    }
    for post_id, phrase in planted.items():
        assert phrase in by_id[post_id].text, post_id
    assert "Sophia Nguyen" in by_id["105"].text


def test_shipped_feed_keeps_student_numbers_out_of_negatives() -> None:
    pages, _ = drain(demo_site())
    hits = [p.id for page in pages for p in page.posts if re.search(r"\b4\d{7}\b", p.text)]
    assert hits == ["209"]


def test_feed_more_appends_as_new_posts(tmp_path: Path) -> None:
    copy = tmp_path / "feed.jsonl"
    copy.write_bytes((DEMO / "feed.jsonl").read_bytes())
    site = demo_site(copy)
    _, cursor = drain(site)
    append(copy, (DEMO / "feed-more.jsonl").read_bytes())
    more, _ = drain(site, cursor)
    assert ids(more) == ["112", "215", "216"]
    assert [s for page in more for s in page.skipped] == []
    assert "text me at (217) 555-0163" in more[-1].posts[-1].text


def test_shipped_files_end_with_a_newline() -> None:
    for name in ("feed.jsonl", "feed-more.jsonl", "users.csv"):
        assert (DEMO / name).read_bytes().endswith(b"\n"), name


def test_shipped_roster_is_oneroster_users_csv() -> None:
    with (DEMO / "users.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ROSTER_HEADER
        rows = list(reader)
    students = [r for r in rows if r["role"] == "student"]
    staff = [r for r in rows if r["role"] in {"teacher", "administrator", "aide"}]
    guardians = [r for r in rows if r["role"] == "guardian"]
    assert 35 <= len(rows) <= 45
    assert len(students) >= 28
    assert len(guardians) == 2
    assert any(r["givenName"] == "Daniel" and r["familyName"] == "Brooks" for r in staff)
    for s in students:
        assert re.fullmatch(r"4\d{7}", s["identifier"]), s["sourcedId"]
        assert s["email"].endswith("@students.lakeview.k12.us")
        assert s["grades"] in {"09", "10", "11", "12"}
    for t in staff:
        assert t["email"].endswith("@lakeview.k12.us")
        assert not re.fullmatch(r"4\d{7}", t["identifier"])
    opted_out = {
        f"{r['givenName']} {r['familyName']}"
        for r in students
        if r["metadata.directoryOptOut"] == "true"
    }
    assert opted_out == {"Sophia Nguyen", "Jamal Carter", "Lily Okafor", "Kenji Tanaka"}
    assert {r["metadata.directoryOptOut"] for r in rows} <= {"true", "false"}
    assert len({r["sourcedId"] for r in rows}) == len(rows)
    assert len({s["identifier"] for s in students}) == len(students)
    names = {f"{r['givenName']} {r['familyName']}" for r in students}
    assert {"José Ramírez", "Ana Lopez-Garcia", "Pieter Van der Berg", "Maya Chen"} <= names
    # The problem posts point at real roster entries.
    lucas = next(s for s in students if s["givenName"] == "Lucas")
    assert lucas["identifier"] == "41234567"
    jose = next(s for s in students if s["givenName"] == "José")
    assert jose["sms"] == "(217) 555-0147"


def test_timezone_aware_offsets_keep_the_instant(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write(path, line(1, created_at="2026-11-02T08:00:00+09:00"))
    post = only_post(DemoConnector().fetch(site_for(path), None))
    assert post.created_at == datetime(2026, 11, 2, 8, tzinfo=timezone(timedelta(hours=9)))
    assert post.created_at is not None
    assert post.created_at.tzinfo is UTC
