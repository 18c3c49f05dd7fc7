"""Invitations: asking a patient to share a story by a one-use link.
`services` creates and sends them (outbox), `invitation_page` opens one."""
