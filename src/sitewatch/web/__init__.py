"""The review web app (ASGI, Starlette): one-click acknowledgement for now."""
