"""The share page in steps, in real Chromium at a phone's width: a patient
walks the five steps and sends; Next refuses what is missing or too short,
next to the field and in a summary at the top; a reload or a visit elsewhere
and back keeps the draft (never the consent), which stays in the browser
until "Send" and is gone after it; with JavaScript off the page is one form
that sends; a keyboard alone sends a story; the steps speak Spanish on a
Spanish page. The screenshots of the steps are the README's."""

import pytest

from testimonials.models import Status, Testimonial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = "After four sessions and the home exercises I can sit through a workday again."
PHONE = {"width": 390, "height": 844}
DRAFT_KEYS = "Object.keys(sessionStorage).filter((k) => k.startsWith('testimonials:share-draft:'))"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def topic(consent, topic):
    """The topic, with the organisation's consent text in place."""
    return topic


def share_url(live_server, topic):
    return f"{live_server.url}/share/{topic.slug}/"


def shown_step(page):
    """The heading of the one step on show, and the progress item marked current."""
    headings = page.locator(".share-step:not([hidden]) h2")
    assert headings.count() == 1
    current = page.locator(".share-progress li[aria-current=step]")
    assert current.count() == 1
    return headings.inner_text().replace("\n", " "), current.inner_text()


def focused(page):
    return page.evaluate(
        "document.activeElement.id || document.activeElement.textContent.slice(0, 40)"
    )


def test_a_patient_walks_the_steps_on_a_phone_and_sends_the_story(
    live_server, phone, topic, screenshot_dir, room_in_the_throttle_window
):
    page = phone
    sent_before_send = []
    page.on(
        "request",
        lambda request: sent_before_send.append(f"{request.url} {request.post_data or ''}"),
    )
    page.goto(share_url(live_server, topic))

    assert shown_step(page) == ("Step 1 of 5 Your story", "Your story")
    assert page.locator("#story-privacy-note").is_visible()
    assert page.locator("#send-button").is_hidden()
    assert page.locator("#step-back").is_hidden()
    page.fill("#id_body", STORY)
    assert page.inner_text("#id_body_count") == f"{len(STORY)} of 5000 characters"
    assert "id_body_count" in page.get_attribute("#id_body", "aria-describedby")
    page.screenshot(path=str(screenshot_dir / "share-step-1.png"))
    page.click("#step-next")

    assert shown_step(page)[0] == "Step 2 of 5 How your name shows"
    assert focused(page) == "step-2-heading"
    page.fill("#id_author_name", "Maria Lopez")
    page.check("#id_display_preference_1")
    page.fill("#id_email", "maria@example.com")
    page.screenshot(path=str(screenshot_dir / "share-step-2.png"))
    page.click("#step-next")

    assert shown_step(page)[0] == "Step 3 of 5 Rating and connection"
    page.check("input[name=rating][value='5']")
    page.check("input[name=material_connection][value=none]")
    page.screenshot(path=str(screenshot_dir / "share-step-3.png"))
    page.click("#step-next")

    assert shown_step(page)[0] == "Step 4 of 5 Your authorization"
    assert page.locator("#consent-text").is_visible()
    page.screenshot(path=str(screenshot_dir / "share-step-4.png"))
    page.uncheck("input[name=channels][value=partners]")
    page.check("#id_age_0")
    page.fill("#id_signature", "Maria Lopez")
    page.check("#id_consent_to_publish")
    page.click("#step-next")

    assert shown_step(page)[0] == "Step 5 of 5 Review and send"
    review = page.locator("#share-review")
    assert review.locator("dd[data-field=body]").inner_text() == STORY
    assert review.locator("dd[data-field=author_name]").inner_text() == "Maria Lopez"
    assert review.locator("dd[data-field=rating]").inner_text() == "5 out of 5"
    assert review.locator("dd[data-field=channels]").inner_text() == (
        "The clinic's own pages; The widget on other websites"
    )
    assert review.locator("dd[data-field=consent_to_publish]").inner_text() == "Yes"
    assert page.locator("#step-next").is_hidden()
    assert page.locator("#send-button").is_visible()
    page.screenshot(path=str(screenshot_dir / "share-step-5.png"))

    assert sent_before_send, "the page and its files were requested"
    assert not [line for line in sent_before_send if "workday" in line or "Maria" in line]
    page.click("#send-button")

    page.wait_for_selector("#story-status")
    assert "Received: it is being checked." in page.inner_text("#story-status")
    story = Testimonial.objects.get()
    assert (story.body, story.rating, story.status) == (STORY, 5, Status.SUBMITTED)
    assert page.evaluate(DRAFT_KEYS) == []

    page.goto(share_url(live_server, topic))
    assert page.input_value("#id_body") == ""
    assert shown_step(page)[0] == "Step 1 of 5 Your story"


def test_next_shows_what_is_missing_next_to_the_field_and_at_the_top(live_server, phone, topic):
    page = phone
    page.goto(share_url(live_server, topic))
    page.click("#step-next")

    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert focused(page) == "error-summary"
    assert summary.locator("a").all_inner_texts() == ["Your story: This field is required."]
    assert page.inner_text("#id_body_error") == "This field is required."
    assert page.get_attribute("#id_body", "aria-invalid") == "true"
    assert "id_body_error" in page.get_attribute("#id_body", "aria-describedby")
    assert shown_step(page)[0] == "Step 1 of 5 Your story"

    page.fill("#id_body", "Too short.")
    page.click("#step-next")
    assert summary.locator("a").all_inner_texts() == [
        "Your story: Please write at least 20 characters (now 10)."
    ]
    # Keyboard only: from the summary's link to the field.
    summary.locator("a").focus()
    page.keyboard.press("Enter")
    assert focused(page) == "id_body"
    page.keyboard.type(" It helped me a lot.")
    page.click("#step-next")
    assert page.locator("#error-summary").count() == 0
    assert page.locator("#id_body_error").count() == 0
    assert shown_step(page)[0] == "Step 2 of 5 How your name shows"

    page.keyboard.press("Tab")  # from the focused heading to the name
    page.keyboard.press("Enter")  # Enter in a field means Next, not Send
    assert page.locator("#error-summary a").all_inner_texts() == [
        "Your name: This field is required."
    ]
    page.fill("#id_author_name", "Maria Lopez")
    page.keyboard.press("Tab")
    assert page.locator("#id_author_name_error").count() == 0, "fixed: its error goes"
    page.fill("#id_email", "not an address")
    page.click("#step-next")
    assert page.locator("#error-summary a").all_inner_texts() == [
        "Email (optional): Enter a valid email address."
    ]
    assert Testimonial.objects.count() == 0


def test_a_reload_mid_way_keeps_the_draft_but_never_the_consent(live_server, phone, topic):
    page = phone
    page.goto(share_url(live_server, topic))
    page.fill("#id_body", STORY)
    page.click("#step-next")
    page.fill("#id_author_name", "Maria Lopez")
    page.check("#id_display_preference_2")
    page.click("#step-next")
    page.click("#step-next")
    page.uncheck("input[name=channels][value=widget]")
    page.check("#id_age_0")
    page.fill("#id_signature", "Maria Lopez")
    page.check("#id_consent_to_publish")

    page.reload()
    assert shown_step(page)[0] == "Step 4 of 5 Your authorization"
    assert page.is_checked("#id_age_0")
    assert not page.is_checked("input[name=channels][value=widget]"), "a narrowed choice stays"
    # Consent is given freshly: neither the box nor the signature comes back.
    assert not page.is_checked("#id_consent_to_publish")
    assert page.input_value("#id_signature") == ""
    page.click("#step-back")
    page.click("#step-back")
    assert page.input_value("#id_author_name") == "Maria Lopez"
    assert page.is_checked("#id_display_preference_2")
    page.click("#step-back")
    assert page.input_value("#id_body") == STORY
    stored = page.evaluate(f"{DRAFT_KEYS}.map((k) => sessionStorage.getItem(k)).join()")
    assert STORY in stored
    assert "consent_to_publish" not in stored
    assert "signature" not in stored


def test_going_elsewhere_and_back_keeps_the_draft_and_the_step(live_server, phone, topic):
    page = phone
    page.goto(share_url(live_server, topic))
    page.fill("#id_body", STORY)
    page.click("#step-next")
    page.fill("#id_author_name", "Maria Lopez")
    page.click("#step-next")
    assert shown_step(page)[0] == "Step 3 of 5 Rating and connection"

    page.go_back()  # the browser's Back goes back one step
    assert shown_step(page)[0] == "Step 2 of 5 How your name shows"
    assert page.input_value("#id_author_name") == "Maria Lopez"

    page.click(f"a[href='/education/{topic.slug}/']")
    page.wait_for_url(f"**/education/{topic.slug}/")
    page.go_back()
    assert shown_step(page)[0] == "Step 2 of 5 How your name shows"
    assert page.input_value("#id_author_name") == "Maria Lopez"
    page.click("#step-back")
    assert page.input_value("#id_body") == STORY


def test_a_refusal_after_send_opens_the_step_of_the_first_error(
    live_server, phone, topic, room_in_the_throttle_window
):
    page = phone
    page.goto(share_url(live_server, topic))
    page.fill("#id_body", STORY)
    page.click("#step-next")
    page.fill("#id_author_name", "Sam Lopez")
    page.click("#step-next")
    page.click("#step-next")
    page.check("#id_age_1")  # under 18, but no parent or guardian named
    page.fill("#id_signature", "Ana Lopez")
    page.check("#id_consent_to_publish")
    page.click("#step-next")
    page.click("#send-button")

    page.wait_for_selector("#error-summary")
    assert shown_step(page)[0] == "Step 4 of 5 Your authorization"
    assert focused(page) == "error-summary"
    assert "a parent or legal guardian signs" in page.inner_text("#error-summary")
    assert page.locator("#id_guardian_relationship_error").is_visible()
    assert Testimonial.objects.count() == 0
    page.check("input[name=guardian_relationship][value=parent]")
    page.click("#step-next")
    page.click("#send-button")
    page.wait_for_selector("#story-status")
    assert Testimonial.objects.get().body == STORY
    assert page.evaluate(DRAFT_KEYS) == []


def test_without_javascript_the_form_is_one_page_that_sends(
    live_server, browser, topic, room_in_the_throttle_window
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(share_url(live_server, topic))
        assert page.locator(".share-step:visible").count() == 5
        assert page.locator(".share-progress").is_hidden()
        assert page.locator("#step-next").is_hidden()
        assert page.locator("#send-button").is_visible()
        assert page.locator("#id_body").is_visible()
        assert page.locator("#id_consent_to_publish").is_visible()
        page.fill("#id_body", STORY)
        page.fill("#id_author_name", "Maria Lopez")
        page.check("#id_age_0")
        page.fill("#id_signature", "Maria Lopez")
        page.check("#id_consent_to_publish")
        page.click("#send-button")
        page.wait_for_selector("#story-status")
        assert Testimonial.objects.get().body == STORY
    finally:
        context.close()


def tab_to(page, element_id, *, most=60):
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _press in range(most):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def outline_of_focused(page):
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")


def test_a_patient_sends_a_story_with_the_keyboard_only(
    live_server, phone, topic, room_in_the_throttle_window
):
    page = phone
    page.goto(share_url(live_server, topic))
    tab_to(page, "id_body")
    page.keyboard.type(STORY)
    tab_to(page, "step-next")
    assert outline_of_focused(page) == "solid", "the focus is visible"
    page.keyboard.press("Enter")
    assert focused(page) == "step-2-heading"

    tab_to(page, "id_author_name")
    page.keyboard.type("Maria Lopez")
    tab_to(page, "step-next")
    page.keyboard.press("Enter")
    tab_to(page, "id_rating_0")  # "No rating" first; the arrow moves the choice
    page.keyboard.press("ArrowDown")
    tab_to(page, "step-next")
    page.keyboard.press("Enter")

    assert focused(page) == "step-4-heading"
    tab_to(page, "id_age_0")
    page.keyboard.press("Space")
    assert outline_of_focused(page) == "solid"
    tab_to(page, "id_signature")
    page.keyboard.type("Maria Lopez")
    tab_to(page, "id_consent_to_publish")
    page.keyboard.press("Space")
    tab_to(page, "step-next")
    page.keyboard.press("Enter")
    assert page.locator("#share-review dd[data-field=rating]").inner_text() == "1 out of 5"
    tab_to(page, "send-button")
    page.keyboard.press("Enter")

    page.wait_for_selector("#story-status")
    assert Testimonial.objects.get().rating == 1


def test_the_steps_speak_the_pages_language(live_server, browser, topic):
    topic.languages = ["en", "es"]
    topic.save(update_fields=["languages"])
    context = browser.new_context(viewport=PHONE, locale="es")
    page = context.new_page()
    try:
        page.goto(share_url(live_server, topic))
        assert page.get_attribute("html", "lang") == "es"
        assert shown_step(page) == ("Paso 1 de 5 Su historia", "Su historia")
        page.click("#step-next")
        assert page.inner_text("#id_body_error") == "Este campo es obligatorio."
        page.fill("#id_body", STORY)
        assert page.inner_text("#id_body_count") == f"{len(STORY)} de 5000 caracteres"
    finally:
        context.close()
