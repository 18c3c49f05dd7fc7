"""The widget on another website tells readers what the page tells them:
the typical-results statement next to a story that claims a result, its
material connection, the verified-patient mark and how stories are chosen."""

import pytest

from tests.browser.test_widget_embed import HOST_PAGE, other_site, stories
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory
from tests.support.honest import CLAIM_BODY, TYPICAL, InvitationFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["other_site"]  # the fixture, shared with test_widget_embed

PLAIN = "The exercises and the needling got me back on my bike within a month."


def test_it_shows_the_statement_and_the_disclosures_next_to_each_story(
    live_server, page, other_site
):
    topic = TopicFactory(publishing_mode="all")
    ConsentTextFactory()
    statement = StatementFactory(topic=topic)
    TestimonialFactory(
        status="published",
        body=CLAIM_BODY,
        flag_kinds=",medical_claim,",
        typical_results=statement,
        material_connection="employee",
        rating=5,
    )
    TestimonialFactory(
        status="published",
        body=PLAIN,
        invitation=InvitationFactory(topic=topic),
        incentive="a $10 gift card",
        rating=2,
    )
    folder, origin = other_site
    (folder / "index.html").write_text(HOST_PAGE.format(server=live_server.url, topic=topic.slug))

    page.goto(f"{origin}/index.html")
    assert sorted(stories(page)) == sorted([CLAIM_BODY, PLAIN])
    widget = page.locator(".patient-stories-widget section")
    assert "All reviews. Every story patients send is shown" in widget.inner_text()

    claim = widget.locator("li", has_text=CLAIM_BODY)
    text = claim.inner_text()
    assert "Disclosure: The author works for the clinic." in text
    assert "Verified patient" not in text
    # The statement follows the run of stories it applies to: here, the claim.
    statement = widget.locator(".typical")
    assert statement.count() == 1
    assert statement.inner_text() == (
        f"What patients typically experience: {TYPICAL} (Source: Outcome audit 2025)"
    )
    after_the_claim = "(li, p) => !!(li.parentElement.compareDocumentPosition(p) & 4)"
    assert claim.evaluate(after_the_claim, statement.element_handle())

    plain = widget.locator("li", has_text=PLAIN)
    text = plain.inner_text()
    assert "Verified patient" in text
    assert "Disclosure: The clinic offered a $10 gift card to every patient it invited" in text
    assert "What patients typically experience" not in text


@pytest.mark.parametrize(("layout", "shown"), [("list", 1), ("wall", 1), ("carousel", 3)])
def test_a_statement_shows_once_for_the_stories_it_applies_to(
    live_server, page, other_site, layout, shown
):
    """Three claims under one statement: a list or a wall shows it once,
    after them; a carousel, which shows one story at a time, on each slide."""
    topic = TopicFactory(publishing_mode="all")
    ConsentTextFactory()
    statement = StatementFactory(topic=topic)
    for number in range(3):
        TestimonialFactory(
            status="published",
            body=f"{CLAIM_BODY} ({number})",
            flag_kinds=",medical_claim,",
            typical_results=statement,
        )
    folder, origin = other_site
    host = HOST_PAGE.format(server=live_server.url, topic=topic.slug)
    host = host.replace("data-limit", f'data-layout="{layout}" data-limit')
    (folder / "index.html").write_text(host)

    page.goto(f"{origin}/index.html")
    page.wait_for_selector(".patient-stories-widget blockquote")
    widget = page.locator(".patient-stories-widget section")
    assert widget.locator("blockquote").count() == 3
    assert widget.locator(".typical", has_text=TYPICAL).count() == shown
