"""SMTP delivery with the standard library: plain, STARTTLS or implicit TLS, optional auth."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence

from sitewatch.config import SmtpSettings
from sitewatch.credentials import get_secret
from sitewatch.notify.transports import DeliveryError


class SmtpTransport:
    name = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def deliver(self, message_id: str, recipients: Sequence[str], message: bytes) -> str:
        cfg = self.settings
        try:
            client: smtplib.SMTP
            if cfg.security == "tls":
                client = smtplib.SMTP_SSL(
                    cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
            with client:
                if cfg.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if cfg.username:
                    password = get_secret("SITEWATCH_SMTP_PASSWORD", required=True) or ""
                    client.login(cfg.username, password)
                refused = client.sendmail(cfg.from_addr, list(recipients), _crlf(message))
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                f"every recipient refused: {sorted(exc.recipients)}", permanent=True
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP {exc.smtp_code}",
                permanent=500 <= exc.smtp_code < 600 and exc.smtp_code not in (552,),
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP unavailable: {type(exc).__name__}: {exc}") from None
        if refused:
            return f"smtp://{cfg.host}:{cfg.port} (refused: {len(refused)})"
        return f"smtp://{cfg.host}:{cfg.port}"


def _crlf(message: bytes) -> bytes:
    """SMTP lines end in CRLF; smtplib leaves bytes alone, and servers reject bare LF."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", message)
