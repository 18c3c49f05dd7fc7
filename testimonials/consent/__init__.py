"""Consent: what a patient agreed to, and keeping it true.

- `rules`: the consent text's rules (placeholders, expiry, redaction, word diff).
- `authorizations`: signing, narrowing, renewing, expiring an authorization.
- `apis` and `pages`: the patient's consent endpoints and pages.
"""
