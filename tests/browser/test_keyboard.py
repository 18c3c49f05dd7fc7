"""Keyboard only, in Chromium: a patient shares a story and withdraws it,
and a moderator approves one, with Tab, Shift+Tab, Enter and Space and
typing, never a click. Every element the keyboard reaches shows where the
focus is (an outline or a box shadow)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status, Testimonial
from testimonials.stories.patient_links import patient_secret
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = "Six sessions of needling and exercises and I can tie my shoes without pain again."

# The focused element, whether it matches `selector`, and whether the focus
# shows: an outline or a box shadow drawn around it.
FOCUS = """
(selector) => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const rect = e.getBoundingClientRect();
  const target = document.querySelector(selector);
  return {
    matches: e.matches(selector),
    nextStep: e.id === "step-next" && !!target && !target.checkVisibility(),
    shown: outline || style.boxShadow !== "none",
    onScreen: rect.right > 0 && rect.bottom > 0 && rect.left < innerWidth,
    what: `<${e.localName}${e.id ? "#" + e.id : ""}${e.name ? " name=" + e.name : ""}` +
      `${e.value && e.type !== "textarea" ? " value=" + e.value : ""}>`,
  };
}
"""


class Keyboard:
    """Tabs through a page, remembering every stop whose focus did not show."""

    def __init__(self, page) -> None:
        self.page = page
        self.unseen: list[str] = []
        self.stops = 0

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
        """Tab (or Shift+Tab) until `selector` has the focus, going round the
        page if need be; on a form in steps, Enter on "Next" while the
        target is in a later step."""
        trail = []
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            self.stops += 1
            focus = self.page.evaluate(FOCUS, selector)
            if focus is None:
                continue
            trail.append(focus["what"])
            if not (focus["shown"] and focus["onScreen"]):
                self.unseen.append(focus["what"])
            if focus["matches"]:
                return
            if focus["nextStep"] and not backwards:
                self.page.keyboard.press("Enter")
        raise AssertionError(f"{selector} is not reached with the keyboard; last: {trail[-12:]}")

    def type(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def press(self, selector: str, key: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press(key)

    def assert_focus_always_shown(self) -> None:
        assert not self.unseen, f"focus not visible on: {sorted(set(self.unseen))}"


@pytest.fixture
def keyboard_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_patient_shares_and_withdraws_a_story_with_the_keyboard_alone(live_server, keyboard_page):
    page = keyboard_page
    topic = TopicFactory()
    ConsentTextFactory()
    page.goto(f"{live_server.url}/share/{topic.slug}/")
    keys = Keyboard(page)

    # The first Tab shows the skip link, which jumps past the header.
    keys.tab_to("a.skip", limit=1)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    keys.type("[name=body]", STORY)
    keys.type("[name=author_name]", "Dana Keys")
    # Radios: Tab reaches the group; Space picks the focused choice.
    keys.press("[name=rating]", "Space")  # "No rating", the first choice
    keys.press("[name=age][value=adult]", "Space")
    keys.type("[name=signature]", "Dana Keys")
    keys.press("[name=consent_to_publish]", "Space")
    # Back a step and forward again: the choice stays made.
    keys.tab_to("[name=signature]", backwards=True)
    keys.tab_to("[name=consent_to_publish]")
    assert page.is_checked("[name=consent_to_publish]")
    keys.tab_to("form [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The story's private page follows, with its withdraw button.
    assert page.get_by_role("status").inner_text() == "Received: it is being checked."
    story = Testimonial.objects.get(body=STORY)
    assert story.display_name == "Dana K."
    assert page.url.endswith(f"/stories/{story.public_id}/{patient_secret(story.public_id)}/")
    keys.tab_to("#withdraw-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#story-status").get_attribute("data-status") == "withdrawn"
    keys.assert_focus_always_shown()


def test_a_moderator_approves_a_story_with_the_keyboard_alone(live_server, keyboard_page):
    page = keyboard_page
    topic = TopicFactory()
    ConsentTextFactory()
    story = TestimonialFactory(topic=topic, body=STORY, status=Status.PENDING_REVIEW)
    moderation_moderators.moderator_create(username="alice", password="pass-alice-1")
    client = Client()
    client.force_login(get_user_model().objects.get(username="alice"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{reverse('admin:testimonials_testimonial_changelist')}")
    keys = Keyboard(page)
    # From the queue to the story: its link is reached and followed with Enter.
    # The story's link in the queue (its change page, which opens the review page).
    change = reverse("admin:testimonials_testimonial_change", args=[story.pk])
    keys.tab_to(f"#result_list a[href^='{change}']", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("admin:testimonials_testimonial_review", args=[story.pk]))
    keys.tab_to("#approve-button", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Space")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert page.locator(".messagelist li").all_inner_texts() == [
        "Story published.",
        "The queue is empty.",
    ]
    keys.assert_focus_always_shown()
