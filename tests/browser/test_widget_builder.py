"""A moderator builds a widget in the admin, in a real headless Chromium:
the preview is the real widget from our origin under the admin's CSP, it
follows the choices as they change, and the snippet is copied."""

import pytest

from moderation.accounts import moderators
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORIES = [
    "After four sessions and the home exercises I can sit through a workday again.",
    "Friendly staff, on time, and they explained every step before starting.",
]


def test_a_moderator_builds_a_widget_sees_it_live_and_copies_the_snippet(
    live_server, browser, screenshot_dir, settings
):
    settings.PUBLIC_BASE_URL = "https://stories.example"
    ConsentTextFactory()
    topic = TopicFactory(slug="low-back-pain", title="Low back pain", publishing_mode="all")
    for body in STORIES:
        TestimonialFactory(status="published", topic=topic, body=body)
    moderators.moderator_create(username="nora", password="nora-pass-123")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on("console", lambda message: refused.append(message.text))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/testimonials/topic/")
    page.fill("#id_username", "nora")
    page.fill("#id_password", "nora-pass-123")
    page.click("input[type=submit]")
    page.click("#widget-builder-link")
    page.wait_for_selector("#widget-preview .patient-stories-widget >> blockquote")
    preview = page.locator("#widget-preview section")
    assert sorted(preview.locator("blockquote").all_inner_texts()) == sorted(STORIES)
    assert preview.get_attribute("data-layout") == "list"

    page.select_option("#id_layout", "carousel")
    page.wait_for_selector("#widget-preview section[data-layout=carousel] blockquote")
    page.select_option("#id_theme", "dark")
    page.wait_for_selector("#widget-preview section.dark[data-layout=carousel] blockquote")
    page.fill("#id_accent", "#8a1c7c")
    page.locator("#id_accent").press("Tab")
    page.wait_for_function(
        "() => document.getElementById('widget-snippet').value.includes('--ts-accent: #8a1c7c')"
    )
    preview = page.locator("#widget-preview section")
    page.wait_for_function(
        "() => { const a = document.querySelector('#widget-preview .patient-stories-widget')"
        "?.shadowRoot?.querySelector('a'); return a && getComputedStyle(a).color === "
        "'rgb(138, 28, 124)'; }"
    )
    assert preview.get_by_role("button", name="Next story").count() == 1
    expected = (
        "<style>.patient-stories-widget { --ts-accent: #8a1c7c; }</style>\n"
        '<script src="https://stories.example/widget.js" data-topic="low-back-pain" '
        'data-layout="carousel" data-theme="dark" async></script>'
    )
    assert page.input_value("#widget-snippet") == expected
    assert page.locator("#widget-snippet").get_attribute("readonly") is not None
    assert "layout=carousel" in page.url, "the address keeps the choices"

    page.get_by_role("button", name="Copy the snippet").click()
    assert page.locator("#copy-status").inner_text() == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert not [text for text in refused if "Content Security Policy" in text]
    page.screenshot(path=str(screenshot_dir / "widget-builder.png"), full_page=True)
    context.close()
