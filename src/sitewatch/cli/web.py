"""`sitewatch web`: serve the review page and the acknowledgement links with uvicorn."""

from __future__ import annotations

import click

from sitewatch.bootstrap import open_store, setup_logging
from sitewatch.cli.common import config_option, load


@click.command("web")
@config_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
def web_command(config_path: str, host: str, port: int) -> None:
    """Serve the review page (put it behind the district's HTTPS reverse proxy).

    Accounts come from `sitewatch users add`. The client address is taken from
    X-Forwarded-For only when the connection comes from a `[web] trusted_proxies` address.
    """
    try:
        import uvicorn

        from sitewatch.web.app import create_app
        from sitewatch.web.passwords import hasher
    except ModuleNotFoundError as exc:
        raise click.ClickException(
            f"the web app needs {exc.name}: install sitewatch[web]"
        ) from None
    settings = load(config_path)
    setup_logging(settings)
    hasher()  # fail now, not at the first login, when argon2-cffi is missing
    store = open_store(settings)
    if not settings.web.cookie_secure and host not in ("127.0.0.1", "::1", "localhost"):
        click.echo(
            "sitewatch: warning: [web] cookie_secure = false while listening on "
            f"{host}: session cookies may travel unencrypted",
            err=True,
        )
    try:
        uvicorn.run(
            create_app(store, settings),
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=False,  # the app trusts X-Forwarded-For from [web] trusted_proxies
            server_header=False,
        )
    finally:
        store.close()
