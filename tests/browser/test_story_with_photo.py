"""A story with its photo, in a real headless Chromium: submitted through
the API as multipart, approved by a moderator, shown on the education page
under the page's own Content-Security-Policy (README's screenshot)."""

import io

import pytest
import requests
from PIL import Image, ImageDraw

from moderation.decisions import services as decisions
from moderation.intake import screening as intake
from testimonials.models import Testimonial
from tests.factories import ConsentTextFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = (
    "Six weeks after my first session I walked the whole coast path again, "
    "the one I had given up on two winters ago. The home exercises made the difference."
)
ALT = "A coastal path at sunset, seen from a hilltop"


def landscape_photo() -> bytes:
    """A picture with a sky, a sea and a path, with GPS in its EXIF."""
    image = Image.new("RGB", (960, 540), (250, 196, 120))
    draw = ImageDraw.Draw(image)
    for y in range(300):
        draw.line([(0, y), (960, y)], fill=(250 - y // 3, 170 + y // 6, 120 + y // 3))
    draw.ellipse([620, 160, 740, 280], fill=(255, 236, 170))
    draw.rectangle([0, 300, 960, 540], fill=(40, 96, 140))
    draw.polygon([(0, 380), (960, 330), (960, 540), (0, 540)], fill=(86, 130, 70))
    draw.polygon([(420, 540), (560, 540), (500, 340), (480, 340)], fill=(214, 196, 150))
    exif = Image.Exif()
    exif.get_ifd(0x8825)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


def test_a_published_story_shows_its_photo_on_the_education_page(
    live_server, page, moderator, screenshot_dir, settings
):
    settings.PUBLIC_BASE_URL = live_server.url  # where media URLs point
    topic = TopicFactory()
    consent = ConsentTextFactory()
    answer = requests.post(
        f"{live_server.url}/api/v1/testimonials/",
        data={
            "topic": topic.slug,
            "author_name": "Rosa Delgado",
            "body": STORY,
            "consent_to_publish": "true",
            "consent_text_version": consent.version,
            "rating": "5",
            "photo_alt": ALT,
        },
        files={"photo": ("walk.jpg", landscape_photo(), "image/jpeg")},
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    testimonial = Testimonial.objects.get(public_id=answer.json()["id"])
    intake.testimonial_screen(testimonial_id=testimonial.pk)
    decisions.testimonial_approve(public_id=testimonial.public_id, moderator=moderator)

    page.goto(f"{live_server.url}/education/{topic.slug}/")

    photo = page.locator(f".story img[alt='{ALT}']")
    photo.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert photo.evaluate("img => img.naturalWidth") == 960
    assert STORY in page.locator(".story blockquote").inner_text()
    page.locator(".story").first.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1000, "height": 900})
    page.locator(".story").first.screenshot(path=str(screenshot_dir / "story-with-photo.png"))
