"""A small threaded HTTP server on 127.0.0.1 that platform fakes build on.

Every fake shares the same knobs, so the connector conformance suite can inject the same
faults into every platform: error statuses (with or without Retry-After), malformed bodies,
slow responses, and a site that denies access. Each platform fake only routes requests and
renders its platform's real wire format (learned from the recordings in shared/data).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Fault:
    status: int | None = None
    retry_after: float | None = None
    malformed: bool = False
    delay: float = 0.0
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeServer:
    """Subclasses implement ``route(request) -> Response`` and ``error_body(status)``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.RLock()
        self.denied = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=url.path,
                    query=parse_qs(url.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                response = fake._dispatch(request)
                payload = response.encoded()
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", response.content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    if self.close_connection and "Connection" not in response.headers:
                        # The client asked to close; say so, or it may reuse a dead socket.
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- knobs -------------------------------------------------------------------------------
    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``times`` API requests answer ``status`` (429 with Retry-After, 5xx …)."""
        with self._lock:
            self._faults.extend(
                Fault(status=status, retry_after=retry_after, body=body, headers=headers or {})
                for _ in range(times)
            )

    def malformed(self, *, times: int = 1) -> None:
        """The next ``times`` API requests answer 200 with a body that is not valid JSON."""
        with self._lock:
            self._faults.extend(Fault(malformed=True) for _ in range(times))

    def slow(self, seconds: float, *, times: int = 1) -> None:
        with self._lock:
            self._faults.extend(Fault(delay=seconds) for _ in range(times))

    def deny(self, denied: bool = True) -> None:
        """Every API request answers 403 until ``deny(False)``."""
        self.denied = denied

    def api_requests(self) -> list[Request]:
        return [r for r in self.requests if not self.is_auth_request(r)]

    # -- for subclasses ----------------------------------------------------------------------
    def route(self, request: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def error_body(self, status: int) -> Any:
        return {"error": status}

    def is_auth_request(self, request: Request) -> bool:
        """Token endpoints are not subject to injected faults (override per platform)."""
        return False

    def _dispatch(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            fault = None
            if not self.is_auth_request(request):
                if self.denied:
                    return Response(403, self.error_body(403))
                if self._faults:
                    fault = self._faults.popleft()
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                headers = dict(fault.headers)
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(int(fault.retry_after))
                body = fault.body if fault.body is not None else self.error_body(fault.status)
                return Response(fault.status, body, headers)
            if fault.malformed:
                return Response(200, b'{"data": [{"id": "1", "text": "trunc')
        return self.route(request)
