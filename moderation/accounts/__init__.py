"""Accounts: who moderates and who administers. The permission checks
(`permissions`), the two groups and what each may do (`groups`), creating a
moderator account (`moderators`), moderators' API tokens (`api_tokens`, and
`authentication` for `Authorization: Token KEY`), and ending an account's
sessions and tokens when its password changes or it is deactivated
(`sign_outs`). Sign-in with TOTP lives in `config.admin`."""
