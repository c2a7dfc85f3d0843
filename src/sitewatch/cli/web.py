"""`sitewatch web`: serve the web app (acknowledgement links) with uvicorn."""

from __future__ import annotations

import click

from sitewatch.bootstrap import open_store, setup_logging
from sitewatch.cli.common import config_option, load


@click.command("web")
@config_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
def web_command(config_path: str, host: str, port: int) -> None:
    """Serve the web app (put it behind the district's HTTPS reverse proxy)."""
    try:
        import uvicorn

        from sitewatch.web.app import create_app
    except ModuleNotFoundError as exc:
        raise click.ClickException(
            f"the web app needs {exc.name}: install sitewatch[web]"
        ) from None
    settings = load(config_path)
    setup_logging(settings)
    store = open_store(settings)
    try:
        uvicorn.run(
            create_app(store), host=host, port=port, log_level="warning", proxy_headers=True
        )
    finally:
        store.close()
