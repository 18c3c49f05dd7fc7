"""Notifications: moderation's emails, each an outbox row first
(`testimonials.outbox`) and sent by a task after commit: the patient's
email about the decision on their story (`patients`), and the moderators'
digest of items waiting too long (`digest`); a story's emails and what
the provider said became of them, for the review page (`delivery`)."""
