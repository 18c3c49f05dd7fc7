"""Invitations: asking a patient to share a story, by a one-use link."""
