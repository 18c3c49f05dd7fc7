"""Accounts: who moderates and who administers. The permission checks
(`permissions`), the two groups and what each may do (`groups`), creating a
moderator account (`moderators`), moderators' API tokens (`api_tokens`, and
`authentication` for `Authorization: Token KEY`), and ending an account's
sessions and tokens when its password changes or it is deactivated
(`sign_outs`), when each password was set (`passwords`), and staff sign-in
and sign-out through the clinic's identity provider (`identity_provider`,
OpenID Connect; its endpoints from settings or discovery in
`provider_discovery`, its /oidc/ urls in `oidc_urls`). Sign-in with TOTP lives in
`config.admin`, its self-service set-up in `config.two_factor`."""
