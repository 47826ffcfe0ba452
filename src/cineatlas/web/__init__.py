"""The web atlas: a read-only JSON API over the store (pages come with issue 4)."""

from cineatlas.web.app import create_app

__all__ = ["create_app"]
