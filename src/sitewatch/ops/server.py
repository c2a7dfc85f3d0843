"""`/metrics`, `/healthz` and `/readyz` from a small stdlib HTTP server in a thread.

Off unless ``[daemon] metrics_port`` is set; binds 127.0.0.1 by default (put a reverse proxy
or the Prometheus agent on the same host). Responses carry counts and states, never content.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from sitewatch.logs import get_logger
from sitewatch.ops.metrics import Metrics

log = get_logger("sitewatch.ops")

Check = Callable[[], tuple[bool, str]]


def store_ready(engine: Engine, head: str | None = None) -> tuple[bool, str]:
    """Is the store reachable, with its schema at the migrations' head?"""
    from sitewatch.store.migrate import current_revision, head_revision

    want = head or head_revision()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(engine)
    except (SQLAlchemyError, OSError) as exc:
        return False, f"store unreachable ({type(exc).__name__})"
    if current != want:
        return False, f"store schema at {current or 'nothing'}, migrations head is {want}"
    return True, f"store reachable, schema at head {want}"


class OpsServer:
    """Serves the three endpoints until ``stop``; ``port`` is the bound port (0 picks one)."""

    def __init__(
        self, host: str, port: int, metrics: Metrics, healthz: Check, readyz: Check
    ) -> None:
        routes: dict[str, Callable[[], tuple[int, str, bytes]]] = {
            "/metrics": lambda: (200, CONTENT_TYPE_LATEST, metrics.render()),
            "/healthz": lambda: _probe(healthz),
            "/readyz": lambda: _probe(readyz),
        }

        class Handler(BaseHTTPRequestHandler):
            server_version = "sitewatch"
            sys_version = ""

            def do_GET(self) -> None:
                route = routes.get(self.path.split("?", 1)[0])
                if route is None:
                    status, ctype, body = 404, "text/plain; charset=utf-8", b"not found\n"
                else:
                    try:
                        status, ctype, body = route()
                    except Exception as exc:  # a probe must answer, not kill the thread
                        status, ctype = 500, "text/plain; charset=utf-8"
                        body = f"error: {type(exc).__name__}\n".encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Silence per-request lines (stderr is the journal)."""

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sitewatch-metrics", daemon=True
        )
        self.host = host

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> OpsServer:
        self._thread.start()
        log.info("metrics and health endpoints listening", host=self.host, port=self.port)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _probe(check: Check) -> tuple[int, str, bytes]:
    ok, detail = check()
    body = f"{'ok' if ok else 'fail'}: {detail}\n".encode()
    return (200 if ok else 503), "text/plain; charset=utf-8", body
