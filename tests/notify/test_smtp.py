"""SMTP delivery against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from sitewatch.config import SmtpSettings
from sitewatch.notify.smtp import SmtpTransport
from sitewatch.notify.transports import DeliveryError


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


MESSAGE = b"Message-ID: <m1@x>\r\nSubject: hi\r\n\r\nbody\r\n"


def test_delivers_to_a_real_server(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    transport = SmtpTransport(
        SmtpSettings(host="127.0.0.1", port=port, from_addr="sitewatch@lakeview.k12.us")
    )
    where = transport.deliver("<m1@x>", ["band@lakeview.k12.us"], MESSAGE)
    assert where == f"smtp://127.0.0.1:{port}"
    (env,) = inbox.messages
    assert env.mail_from == "sitewatch@lakeview.k12.us"
    assert env.rcpt_tos == ["band@lakeview.k12.us"]
    assert isinstance(env.content, bytes) and b"Message-ID: <m1@x>" in env.content


def test_refused_recipient_is_a_permanent_failure(smtp_server: tuple[Inbox, int]) -> None:
    _, port = smtp_server
    transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port))
    with pytest.raises(DeliveryError) as err:
        transport.deliver("<m1@x>", ["nobody@lakeview.k12.us"], MESSAGE)
    assert err.value.permanent is True


def test_server_down_is_retriable() -> None:
    transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2))
    with pytest.raises(DeliveryError, match="SMTP unavailable") as err:
        transport.deliver("<m1@x>", ["band@lakeview.k12.us"], MESSAGE)
    assert err.value.permanent is False
