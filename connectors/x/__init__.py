"""The X connector (``platform = "x"``): a district account's posts and the replies to it.

Uses tweepy's v2 ``Client`` (``pip install 'sitewatch[x]'``). ``target`` is the account's
``@handle``; the account id is looked up once per connector instance
(``GET /2/users/by/username/:username``).

What is read, as two streams worked in turn (each oldest first; see ``cursor``):

1. ``tweets`` — the account's own posts, ``GET /2/users/:id/tweets`` (X serves the newest
   3,200). A post that replies to another tweet (a thread) carries that tweet's id as
   ``parent_id`` and ``kind="comment"``.
2. ``replies`` — what others address to the account. By default the mentions timeline,
   ``GET /2/users/:id/mentions``: every reply to the account (X puts the @handle of the
   author replied to into each reply) and every post that tags it, with no age limit beyond
   X's newest 800. ``replies = "search"`` uses recent search instead
   (``to:<handle> -from:<handle>``: direct replies only — for API tiers without the mentions
   timeline; search reaches back 7 days, so its window starts at most 7 days back and an
   outage longer than that leaves older replies unread); ``replies = "none"`` reads the
   account's posts only. The account's own tweets and plain retweets are left out of this
   stream (the first stream has them).

Each request asks for ``created_at``, ``author_id`` (expanded to usernames),
``conversation_id``, ``referenced_tweets`` (``replied_to`` → ``parent_id``) and
``note_tweet`` (the full text of long posts). X escapes ``&``, ``<`` and ``>`` in tweet text;
posts carry the unescaped text. ``url`` is ``https://x.com/<username>/status/<id>``;
``created_at`` falls back to the time in the tweet id (a snowflake) when X omits it.

Site options (``[sites.options]``):

- ``page_size`` (5..100, default 100): ``max_results`` per request (search uses at least 10).
- ``timeout`` (seconds, default 30): per HTTP request.
- ``replies`` (``"mentions"`` | ``"search"`` | ``"none"``, default ``"mentions"``).
- ``members_page_size`` (1..1000, default 1000): followers per request in ``members``.

``endpoint`` (optional) replaces ``https://api.twitter.com`` / ``https://api.x.com`` for every
request, through a ``requests`` adapter mounted on the tweepy client's session (see
``transport``); tweepy itself is not patched.

Credentials: ``SITEWATCH_X_BEARER_TOKEN`` (the app's bearer token; required for reading).
Hiding replies (``act`` with ``Action(kind=HIDE)``) needs the account's OAuth 1.0a user
context: ``SITEWATCH_X_CONSUMER_KEY``, ``SITEWATCH_X_CONSUMER_SECRET``,
``SITEWATCH_X_ACCESS_TOKEN``, ``SITEWATCH_X_ACCESS_TOKEN_SECRET``; without them ``act``
returns ``ok=False`` naming the missing ones. ``check_access`` says whether they work.

Errors: 429 (``x-rate-limit-reset`` epoch and/or ``Retry-After``), 5xx, timeouts, connection
errors and unreadable bodies are retriable; 401/403/404, a missing account or credential and
a foreign cursor are fatal. tweepy's own rate-limit sleeping is off (``wait_on_rate_limit``);
when a successful answer reports ``x-rate-limit-remaining: 0`` the fetch stops early and
returns its progress (``has_more``), so the next request meets the 429 and its reset time.
"""

from __future__ import annotations

from .connector import XConnector
from .transport import EndpointAdapter

__all__ = ["EndpointAdapter", "XConnector"]
