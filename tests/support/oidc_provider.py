"""A minimal OpenID Connect provider on a free loopback port, for tests:
discovery, an authorize endpoint that signs in whoever `person` names and
redirects back with a code, a token endpoint that returns an RS256-signed
id_token, the signing keys, userinfo, and an end_session endpoint that
checks its id_token_hint, notes whose session ended (`ended_sessions`) and
redirects to the post_logout_redirect_uri. `tamper` makes it misbehave the
way a forged answer would ("signature": signed by a key it does not
publish; "nonce": the id_token carries a nonce the client never sent; "audience":
it was issued to another client; "expired": its time is up; "issuer": its
discovery document names another issuer). `discovery_reads` counts the
requests for the discovery document."""

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "test-key"


@dataclass
class Provider:
    issuer: str = ""
    client_id: str = "testimonials"
    client_secret: str = "provider-test-secret"
    person: dict[str, Any] = field(default_factory=dict)
    tamper: str = ""
    key: Any = None
    other_key: Any = None
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    ended_sessions: list[dict[str, str]] = field(default_factory=list)
    discovery_reads: int = 0

    def settings(self) -> dict[str, Any]:
        """Django settings that point our client at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }

    def discovery_settings(self) -> dict[str, Any]:
        """Settings that find every endpoint through discovery."""
        return {
            **{name: "" for name in self.settings() if name.startswith("OIDC_OP_")},
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_LOGOUT_URL": "",
            "OIDC_OP_DISCOVERY_URL": f"{self.issuer}/.well-known/openid-configuration",
        }

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": "another-client" if self.tamper == "audience" else self.client_id,
            "sub": grant["person"]["sub"],
            "iat": now,
            "exp": now - 60 if self.tamper == "expired" else now + 300,
            "nonce": "not-the-nonce" if self.tamper == "nonce" else grant["nonce"],
            **grant["person"],
        }
        key = self.other_key if self.tamper == "signature" else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})


@contextmanager
def oidc_provider() -> Iterator[Provider]:
    provider = Provider(
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        other_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )

    class Handler(BaseHTTPRequestHandler):
        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                provider.discovery_reads += 1
                issuer = provider.issuer
                self._json(
                    {
                        "issuer": "https://elsewhere.example"
                        if provider.tamper == "issuer"
                        else issuer,
                        "authorization_endpoint": f"{issuer}/authorize",
                        "token_endpoint": f"{issuer}/token",
                        "userinfo_endpoint": f"{issuer}/userinfo",
                        "jwks_uri": f"{issuer}/jwks",
                        "end_session_endpoint": f"{issuer}/end_session",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                )
            elif url.path == "/end_session":
                self._end_session(query)
            elif url.path == "/authorize":
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "person": dict(provider.person),
                    "nonce": query.get("nonce"),
                    "redirect_uri": query["redirect_uri"],
                }
                back = urlencode({"code": code, "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{back}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif url.path == "/jwks":
                jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                jwk.update({"kid": KEY_ID, "alg": "RS256", "use": "sig"})
                self._json({"keys": [jwk]})
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                grant = provider.access_tokens.get(token)
                if grant is None:
                    self._json({"error": "invalid_token"}, status=401)
                else:
                    self._json(grant["person"])
            else:
                self._json({"error": "not_found"}, status=404)

        def _end_session(self, query: dict[str, str]) -> None:
            try:
                claims = jwt.decode(
                    query.get("id_token_hint", ""),
                    provider.key.public_key(),
                    algorithms=["RS256"],
                    audience=provider.client_id,
                    options={"verify_exp": False},
                )
            except jwt.InvalidTokenError:
                self._json({"error": "invalid_request"}, status=400)
                return
            back = query.get("post_logout_redirect_uri", "")
            provider.ended_sessions.append({"sub": claims["sub"], "back": back})
            self.send_response(302)
            self.send_header("Location", back)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            grant = provider.codes.pop(form.get("code", ""), None)
            if (
                urlsplit(self.path).path != "/token"
                or grant is None
                or form.get("client_secret") != provider.client_secret
                or form.get("redirect_uri") != grant["redirect_uri"]
            ):
                self._json({"error": "invalid_grant"}, status=400)
                return
            access_token = secrets.token_urlsafe(16)
            provider.access_tokens[access_token] = grant
            self._json(
                {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(grant),
                }
            )

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
