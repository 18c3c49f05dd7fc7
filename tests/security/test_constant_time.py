"""Secrets are compared in constant time, and a hostile value cannot make
the comparison raise.

The code scan reads every module of ours with `ast` and refuses `==` and
`!=` where one side is named like a secret (secret, token, key, signature,
digest, hmac, password): such a comparison stops at the first differing
character and tells a patient guesser how far it got. Site
and API keys are looked up by their SHA-256 instead (a match of a hash
tells nothing about the key), invitation tokens and cursors by
`django.core.signing`, patient links and webhook signatures with
`hmac.compare_digest`."""

import ast
import re
import time
from pathlib import Path

import pytest
from django.test import override_settings

from testimonials.sites import webhooks

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("testimonials", "moderation", "config")
SECRET_WORDS = {
    "secret",
    "token",
    "key",
    "signature",
    "sig",
    "digest",
    "hexdigest",
    "hmac",
    "mac",
    "password",
    "otp",
}
COMPARISONS = (ast.Eq, ast.NotEq)


def _own_name(node: ast.expr) -> str | None:
    """What an operand is called: `token` in `token`, `self.token`,
    `make_token(...)`, `tokens[0]`; not in `token.text` or `len(token)`,
    which are other things."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _own_name(node.func)
    if isinstance(node, ast.Subscript):
        index = node.slice
        if isinstance(index, ast.Constant) and isinstance(index.value, str):
            return index.value
        return _own_name(node.value)
    return None


def _names_a_secret(node: ast.expr) -> bool:
    name = _own_name(node)
    if not name:
        return False
    words = {word.removesuffix("s") for word in re.split(r"[_\W]+", name.lower()) if word}
    return bool(words & SECRET_WORDS)


def _compares_trivially(node: ast.expr) -> bool:
    """`token == ""`, `key is None`-like checks of presence leak nothing."""
    return isinstance(node, ast.Constant) and node.value in (None, "", b"", 0, True, False)


def secret_comparisons(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands[:-1], operands[1:], strict=True):
            if not isinstance(op, COMPARISONS):
                continue
            if _compares_trivially(left) or _compares_trivially(right):
                continue
            if _names_a_secret(left) or _names_a_secret(right):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_scan_finds_what_it_is_for():
    hits = secret_comparisons(
        "if given_token == expected: pass\n"
        "if signature != sign(body): pass\n"
        "if mac.hexdigest() == header: pass\n"
        "if request.headers['X-Api-Key'] == site.key: pass\n"
        "if site.secret == value: pass\n"
    )
    assert len(hits) == 5, hits
    assert not secret_comparisons(
        "if token.text == 'an': pass\n"
        "if len(tokens) == 2: pass\n"
        "if key is None: pass\n"
        "if token == '': pass\n"
        "if hmac.compare_digest(a, b): pass\n"
    )


def test_no_module_of_ours_compares_a_secret_with_equality():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += [
                f"{path.relative_to(ROOT)} {hit}" for hit in secret_comparisons(path.read_text())
            ]
    assert not found, "use hmac.compare_digest (on bytes):\n" + "\n".join(found)


# --- Hostile values never make a comparison raise -------------------------------------


@pytest.mark.parametrize("given", ["é" * 43, "\u202e", "x" * 43], ids=["accents", "bidi", "ascii"])
@override_settings(METRICS_TOKEN="a-metrics-token-of-43-characters-xxxxxxxxxx")
def test_a_wrong_metrics_token_is_refused_whatever_its_characters(client, given):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {given}")
    assert response.status_code == 403


@pytest.mark.parametrize("forged", ["é" * 64, "\u202e", "0" * 64], ids=["accents", "bidi", "hex"])
def test_a_forged_webhook_signature_is_false_whatever_its_characters(forged):
    body = b'{"event": "testimonial.published"}'
    now = int(time.time())
    assert webhooks.verify(
        secret="s", header=webhooks.sign(secret="s", timestamp=now, body=body), body=body
    )
    assert webhooks.verify(secret="s", header=f"t={now},v1={forged}", body=body) is False
