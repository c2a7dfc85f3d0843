"""Many fake WordPress blogs behind one HTTP port, for the scale-out, fault and e2e tests.

Each blog is an ``RssFake`` (the real RSS 2.0 wire format, conditional GET and all) that is
never started on its own: the farm routes ``/<blog>/feed/`` to blog ``<blog>`` with the
prefix stripped, which is exactly what the RSS connector requests when a site's
``endpoint`` is ``<farm url>/<blog>``. Faults (``fail``, ``malformed``, ``slow``) injected on
the farm apply to the next requests whatever blog they are for.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from fakes.rss import RssFake
from fakes.server import FakeServer, Request, Response

SPONSOR = "band.sponsor@lakeview.k12.us"


class BlogFarm(FakeServer):
    def __init__(self, names: list[str], **blog_options: Any) -> None:
        super().__init__()
        self.blogs: dict[str, RssFake] = {}
        for name in names:
            blog = RssFake(public=public_url(name), **blog_options)
            blog._httpd.server_close()  # routed through the farm; never listens itself
            self.blogs[name] = blog

    def route(self, request: Request) -> Response:
        _, _, rest = request.path.partition("/")
        name, _, path = rest.partition("/")
        blog = self.blogs.get(name)
        if blog is None:
            return Response(404, "no such blog", content_type="text/plain")
        return blog.route(replace(request, path="/" + path))

    def error_body(self, status: int) -> str:
        return next(iter(self.blogs.values())).error_body(status)

    def endpoint(self, name: str) -> str:
        return f"{self.url}/{name}"


def public_url(name: str) -> str:
    return f"https://{name}.lakeview.example"


def site_toml(
    farm: BlogFarm, name: str, *, poll_interval: float | None = None, **options: Any
) -> str:
    """A ``[[sites]]`` table for an approved RSS site on the farm."""
    opts = {"comments": False, "timeout": 5, **options}
    rendered = ", ".join(f"{k} = {_toml(v)}" for k, v in opts.items())
    interval = f"poll_interval = {poll_interval}\n" if poll_interval is not None else ""
    return (
        "[[sites]]\n"
        f'name = "{name}"\n'
        'platform = "rss"\n'
        f'target = "{public_url(name)}/feed/"\n'
        f'endpoint = "{farm.endpoint(name)}"\n'
        f'sponsor = "{SPONSOR}"\n'
        f"{interval}"
        f"options = {{ {rendered} }}\n"
        "[sites.approval]\n"
        'by = "Superintendent\'s designee"\n'
        "on = 2026-01-01\n"
        'ref = "SUP-1"\n'
        "review_by = 2099-12-31\n\n"
    )


def district_toml(
    path: Path,
    farm: BlogFarm | None,
    *,
    store_url: str,
    sites: list[str],
    daemon: dict[str, Any] | None = None,
    smtp_port: int | None = None,
    extra: str = "",
    detectors: list[str] | None = None,
    site_options: dict[str, Any] | None = None,
) -> Path:
    """A complete config: the farm's sites, a threat rule, the file outbox or SMTP.

    ``farm`` may be None when ``sites`` is empty (the sites are other platforms' tables,
    passed in ``extra``)."""
    if sites and farm is None:
        raise ValueError("the farm's sites need the farm")
    state = path.parent / "state"
    daemon_table = "".join(f"{k} = {_toml(v)}\n" for k, v in (daemon or {}).items())
    smtp = (
        f'[notify.smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\ntimeout = 5\n\n'
        if smtp_port is not None
        else ""
    )
    text = (
        f'state_dir = "{state}"\n\n'
        f"[store]\nurl = {_toml(store_url)}\n\n"
        f"[daemon]\n{daemon_table}\n"
        "[notify]\n"
        'outbox_dir = "{state_dir}/outbox"\n'
        'from_addr = "sitewatch@lakeview.k12.us"\n'
        'tech_staff = ["techdesk@lakeview.k12.us"]\n'
        'administrators = ["principal@lakeview.k12.us"]\n\n'
        f"{smtp}"
        '[logging]\nformat = "json"\nlevel = "info"\n\n'
        + (f"[detection]\ndetectors = {_list(detectors)}\n\n" if detectors is not None else "")
        + "[detection.pii]\n"
        'allow_email_domains = ["lakeview.k12.us"]\n'
        'student_email_domains = ["students.lakeview.k12.us"]\n'
        'student_id_pattern = "\\\\b4\\\\d{7}\\\\b"\n\n'
        "[[detection.rules]]\n"
        'name = "threat"\nseverity = "critical"\nclause = "5a"\n'
        'description = "Threats of violence"\nkeywords = ["bring a gun"]\n\n'
        f"{extra}"
        + "".join(
            site_toml(farm, name, **(site_options or {})) for name in sites if farm is not None
        )
    )
    path.write_text(text, encoding="utf-8")
    return path


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_toml(v) for v in values) + "]"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(value)
