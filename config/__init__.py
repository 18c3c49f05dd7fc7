"""Wiring: settings, urls, the Celery app (loaded here, so tasks find it)."""

from config.celery_app import app as celery_app

__all__ = ["celery_app"]
