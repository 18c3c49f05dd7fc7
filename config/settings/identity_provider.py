"""Staff sign-in through the clinic's identity provider (OpenID Connect,
mozilla-django-oidc), off unless OIDC_RP_CLIENT_ID is set. The provider's
groups claim maps people to Moderators or Clinic admins; anyone in neither
is refused (moderation.accounts.identity_provider). With OIDC_TRUST_IDP_MFA
the provider's own second factor counts for ADMIN_REQUIRE_2FA
(docs/operating.md#signing-in-through-the-clinics-identity-provider).
With OIDC_OP_DISCOVERY_URL the endpoints come from the provider's discovery
document (moderation.accounts.provider_discovery), explicit ones winning.
Signing out of an account signed in through the provider ends the session
there too when it has an end_session endpoint (OIDC_OP_LOGOUT_URL).

Imported by `config.settings.base` once `.env` is read.
"""

import environ

__all__ = [
    "LOGIN_REDIRECT_URL",
    "LOGIN_REDIRECT_URL_FAILURE",
    "OIDC_ADMIN_GROUPS",
    "OIDC_AUTHENTICATE_CLASS",
    "OIDC_CALLBACK_CLASS",
    "OIDC_DISCOVERY_CACHE_SECONDS",
    "OIDC_GROUPS_CLAIM",
    "OIDC_MODERATOR_GROUPS",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_DISCOVERY_URL",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_LOGOUT_URL",
    "OIDC_OP_LOGOUT_URL_METHOD",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_PROVIDER_NAME",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_RP_SCOPES",
    "OIDC_RP_SIGN_ALGO",
    "OIDC_STORE_ID_TOKEN",
    "OIDC_TIMEOUT",
    "OIDC_TRUST_IDP_MFA",
    "OIDC_USE_PKCE",
]

env = environ.Env()

OIDC_RP_CLIENT_ID: str = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET: str = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT: str = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT: str = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT: str = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT: str = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
# The provider's end_session_endpoint: signing out ends the session there too.
OIDC_OP_LOGOUT_URL: str = env.str("OIDC_OP_LOGOUT_URL", default="")
# The issuer's /.well-known/openid-configuration: the endpoints above that are
# left empty come from it, read once an hour.
OIDC_OP_DISCOVERY_URL: str = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_DISCOVERY_CACHE_SECONDS = 3600
OIDC_RP_SIGN_ALGO: str = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES: str = env.str("OIDC_RP_SCOPES", default="openid email profile groups")
OIDC_PROVIDER_NAME: str = env.str("OIDC_PROVIDER_NAME", default="the clinic's sign-in")
OIDC_GROUPS_CLAIM: str = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_MODERATOR_GROUPS: list[str] = env.list("OIDC_MODERATOR_GROUPS", default=[])
OIDC_ADMIN_GROUPS: list[str] = env.list("OIDC_ADMIN_GROUPS", default=[])
OIDC_TRUST_IDP_MFA: bool = env.bool("OIDC_TRUST_IDP_MFA", default=True)
# Our views: 404 while off; a forged answer goes back to the login page.
OIDC_AUTHENTICATE_CLASS = "moderation.accounts.identity_provider.StaffOIDCStartView"
OIDC_CALLBACK_CLASS = "moderation.accounts.identity_provider.StaffOIDCCallbackView"
OIDC_USE_PKCE = True
# The id_token is kept in the session as the id_token_hint of the sign-out.
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_URL_METHOD = "moderation.accounts.identity_provider.sign_out_url"
OIDC_TIMEOUT = 10
# Where the provider's answer leads (the login page says why on refusal).
LOGIN_REDIRECT_URL = "/admin/"
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?oidc=refused"
