"""`sitewatch users add|passwd|disable|enable|list`: review-page accounts.

A password is read from a prompt (typed twice) or, for scripts, from standard input with
``--password-stdin``; never from an argument, where it would land in shell history and
``ps``. Every change is an audit event.
"""

from __future__ import annotations

import json
import sys

import click

from sitewatch.bootstrap import open_store
from sitewatch.cli.actor import actor_option, cli_source
from sitewatch.cli.common import config_option, load, table
from sitewatch.store.accounts import ROLES

password_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)


def _password(from_stdin: bool) -> str:
    from sitewatch.web.passwords import PasswordError, check_policy

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt="Repeat the password"
        )
    try:
        check_policy(password)
    except PasswordError as exc:
        raise click.ClickException(str(exc)) from None
    return password


def _hash(password: str) -> str:
    try:
        from sitewatch.web.passwords import hash_password
    except ModuleNotFoundError as exc:  # pragma: no cover - the web extra is missing
        raise click.ClickException(f"accounts need {exc.name}: install sitewatch[web]") from None
    return hash_password(password)


@click.group("users")
def users_group() -> None:
    """Accounts for the review page (`sitewatch web`)."""


@users_group.command("add")
@config_option
@actor_option
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="administrator: everything; tech: all sites; sponsor: own sites; viewer: read-only.",
)
@click.option("--email", help="The account's address (a sponsor's decides their sites).")
@click.option("--name", "display_name", default="", help="The name shown on the page.")
@click.option("--sso-only", is_flag=True, help="No password: log in through the SSO proxy only.")
@password_stdin_option
def add_cmd(
    config_path: str,
    actor: str,
    username: str,
    role: str,
    email: str | None,
    display_name: str,
    sso_only: bool,
    password_stdin: bool,
) -> None:
    """Add an account."""
    encoded = None if sso_only else _hash(_password(password_stdin))
    store = open_store(load(config_path))
    try:
        account = store.add_user(
            username,
            role,
            password_hash=encoded,
            email=email,
            display_name=display_name,
            actor=actor,
            source=cli_source(),
        )
    finally:
        store.close()
    click.echo(f"added {account.username} ({account.role})")


@users_group.command("passwd")
@config_option
@actor_option
@click.argument("username")
@password_stdin_option
def passwd_cmd(config_path: str, actor: str, username: str, password_stdin: bool) -> None:
    """Set an account's password; its open sessions end."""
    encoded = _hash(_password(password_stdin))
    store = open_store(load(config_path))
    try:
        store.set_password(username, encoded, actor=actor, source=cli_source())
    finally:
        store.close()
    click.echo(f"password changed for {username.strip().lower()}")


@users_group.command("disable")
@config_option
@actor_option
@click.argument("username")
def disable_cmd(config_path: str, actor: str, username: str) -> None:
    """Disable an account: it cannot log in and its sessions end."""
    store = open_store(load(config_path))
    try:
        store.set_disabled(username, True, actor=actor, source=cli_source())
    finally:
        store.close()
    click.echo(f"disabled {username.strip().lower()}")


@users_group.command("enable")
@config_option
@actor_option
@click.argument("username")
def enable_cmd(config_path: str, actor: str, username: str) -> None:
    """Enable a disabled account again."""
    store = open_store(load(config_path))
    try:
        store.set_disabled(username, False, actor=actor, source=cli_source())
    finally:
        store.close()
    click.echo(f"enabled {username.strip().lower()}")


@users_group.command("list")
@config_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_cmd(config_path: str, fmt: str) -> None:
    """List accounts (never their password hashes)."""
    store = open_store(load(config_path))
    try:
        users = store.list_users()
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps([u.to_json() for u in users], indent=2, ensure_ascii=False))
        return
    if not users:
        click.echo("no accounts; add one with `sitewatch users add NAME --role administrator`")
        return
    click.echo(
        table(
            ["user", "role", "e-mail", "name", "status", "last login (UTC)"],
            [
                [
                    u.username,
                    u.role,
                    u.email,
                    u.display_name,
                    "disabled" if u.disabled else "active",
                    u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never",
                ]
                for u in users
            ],
        )
    )
