"""The HTTP side of the X connector: an endpoint-rewriting adapter and the tweepy client.

tweepy's ``Client`` hard-codes its API host (``https://api.twitter.com``; newer releases may use
``https://api.x.com``) and offers neither a base-URL option nor a request timeout. Both are
supplied here the way ``requests`` intends, without touching tweepy: an ``HTTPAdapter``
subclass is mounted on the client's own ``session`` for the real host prefixes. It

- rewrites ``https://api.twitter.com/…`` (and ``https://api.x.com/…``) to ``site.endpoint``
  when the site sets one (a district's egress proxy, or the fake server in tests), keeping the
  path and query; proxies are chosen again for the rewritten URL; and
- applies the site's ``timeout`` to every request (tweepy passes none), with no retries.

OAuth 1.0a signatures are computed by ``requests`` before the adapter runs, i.e. over the
real ``api.twitter.com`` URL: a forwarding proxy at ``endpoint`` therefore passes valid
signatures through unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import requests
import tweepy  # type: ignore[import-untyped, unused-ignore]
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest, Response
from requests.utils import get_environ_proxies

__all__ = ["API_HOSTS", "EndpointAdapter", "build_client"]

API_HOSTS = ("https://api.twitter.com", "https://api.x.com")
"""Hosts the tweepy client may address; each is mounted with the adapter."""

# tweepy logs every request's headers (the bearer token) and every response body (post text)
# at DEBUG; oauthlib logs signing material. None of it may reach a log sink.
for _name in ("tweepy", "oauthlib", "requests_oauthlib"):
    _logger = logging.getLogger(_name)
    if _logger.level in (logging.NOTSET, logging.DEBUG):
        _logger.setLevel(logging.INFO)


class EndpointAdapter(HTTPAdapter):
    """Sends requests for the real X API host to ``endpoint`` (when set), with a timeout."""

    def __init__(self, *, endpoint: str | None, timeout: float) -> None:
        super().__init__(max_retries=0)  # the daemon owns retries and backoff
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.timeout = timeout

    def rewrite(self, url: str) -> str:
        """``url`` with the real API host replaced by ``endpoint`` (unchanged without one)."""
        if self.endpoint is None:
            return url
        for host in API_HOSTS:
            if url.lower().startswith(host) and url[len(host) : len(host) + 1] in ("/", "?", ""):
                return self.endpoint + url[len(host) :]
        return url

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        url = request.url or ""
        target = self.rewrite(url)
        chosen: dict[str, str] | None = dict(proxies) if proxies else None
        if target != url:
            request.url = target
            chosen = dict(get_environ_proxies(target))  # honours NO_PROXY for the new host
        return super().send(
            request,
            stream=stream,
            timeout=self.timeout if timeout is None else timeout,
            verify=verify,
            cert=cert,
            proxies=chosen,
        )


def build_client(
    *,
    bearer_token: str | None,
    endpoint: str | None,
    timeout: float,
    consumer_key: str | None = None,
    consumer_secret: str | None = None,
    access_token: str | None = None,
    access_token_secret: str | None = None,
) -> tweepy.Client:
    """A tweepy v2 client returning raw ``requests`` responses, never sleeping on 429."""
    client = tweepy.Client(
        bearer_token=bearer_token,
        consumer_key=consumer_key,
        consumer_secret=consumer_secret,
        access_token=access_token,
        access_token_secret=access_token_secret,
        return_type=requests.Response,  # raw: headers (rate limits) and per-item parsing
        wait_on_rate_limit=False,  # the daemon owns backoff
    )
    adapter = EndpointAdapter(endpoint=endpoint, timeout=timeout)
    for host in API_HOSTS:
        client.session.mount(host + "/", adapter)
    return client
