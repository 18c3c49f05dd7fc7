"""Consent: what a patient authorized, and keeping it true.

- `rules`: rules that need no database (placeholders, fingerprints,
  redactions, the word diff).
- `consent_terms`: the terms a patient signs, parsed and checked.
- `authorizations`: signing, granting, narrowing, renewing, revoking.
- `edit_approval`: a redaction stays covered; other edits wait for the patient.
- `authorization_expiry`: reconfirm before expiry, take down at it, purge.
- `authorization_reads`: the text in force, a story's authorization, its history.
- `consent_notices`, `authorization_requests`: the patient's emails (outbox).
- `apis`, `pages` (with `page_context`): the patient's consent endpoints and pages.
"""
