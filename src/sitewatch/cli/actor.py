"""Who is acting, for the audit trail: the login behind the CLI, and from where."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def current_actor() -> str:
    """The person at the keyboard: sudo's caller when run through sudo, else the login."""
    for name in ("SUDO_USER", "LOGNAME", "USER"):
        value = os.environ.get(name)
        if value:
            return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def cli_source() -> str:
    tty = os.environ.get("SSH_CONNECTION", "").split(" ")[0]
    return f"cli@{socket.gethostname()}" + (f" from {tty}" if tty else "")


def actor_option(f: F) -> F:
    return click.option(
        "--actor",
        default=current_actor,
        show_default="the login running the command",
        help="Who is acting (recorded in the audit trail).",
    )(f)
