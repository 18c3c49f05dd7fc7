"""In real Chromium, the pages work under their Content-Security-Policy:
no violation is reported while a moderator signs in, opens the queue and a
review page (whose shortcuts come from review.js), nor on the education
page or the API docs, whose Swagger UI must render."""

import pytest

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


def test_pages_run_under_their_policy_without_a_violation(live_server, page):
    topic = TopicFactory()
    ConsentTextFactory()
    item = TestimonialFactory(status=Status.PENDING_REVIEW)
    TestimonialFactory(status=Status.PUBLISHED, body="Published and shown on the page.")
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []

    def visit(path: str) -> None:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))

    visit(f"/education/{topic.slug}/")
    assert page.locator("blockquote").first.inner_text() == "Published and shown on the page."
    assert page.evaluate("getComputedStyle(document.querySelector('.story')).borderStyle") == (
        "solid"
    ), "site.css applies"

    visit("/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-pass-123")
    page.click("input[type=submit]")
    visit("/admin/")
    visit("/admin/testimonials/testimonial/")
    visit(f"/admin/testimonials/testimonial/{item.pk}/review/")
    page.keyboard.press("e")  # review.js: focus the edit box
    assert page.evaluate("document.activeElement.id") == "edited-body"

    visit("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert violations == []

    # The control: an injected inline script is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
