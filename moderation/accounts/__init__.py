"""Accounts: who moderates and who administers. The permission checks,
the two groups and what each may do, and creating a moderator account
(sign-in with TOTP lives in `config.admin`)."""
