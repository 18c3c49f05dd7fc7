"""Moderation: screening a submission, the moderators' decisions on it, their
accounts and emails, a patient's rights over their data. Packages by
capability; see docs/architecture.md."""
