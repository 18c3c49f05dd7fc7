"""Accounts: who moderates and who administers. The permission checks
(`permissions`), the two groups and what each may do (`groups`), creating a
moderator account (`moderators`), moderators' API tokens (`api_tokens`, and
`authentication` for `Authorization: Token KEY`), and ending an account's
sessions and tokens when its password changes or it is deactivated
(`sign_outs`), and staff sign-in through the clinic's identity provider
(`identity_provider`, OpenID Connect). Sign-in with TOTP lives in
`config.admin`, its self-service set-up in `config.two_factor`."""
