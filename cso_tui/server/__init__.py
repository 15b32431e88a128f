"""The HTTP server: FastAPI exposing LocalBackend (``cso-tui serve``). Imports fastapi."""

from cso_tui.server.app import create_app, from_settings

__all__ = ["create_app", "from_settings"]
