"""Moderation's management commands."""
