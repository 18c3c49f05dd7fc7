"""What the education pages give search engines, link previews and feed
readers, and the markup people with assistive technology rely on."""

import json
import re
from xml.etree import ElementTree

from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory

HOSTILE = "</script><script>alert(1)</script> & <!-- my back is fine"


def structured_data(html):
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


def test_it_describes_each_story_as_a_review_in_json_ld_that_cannot_break_out(client, topic):
    TestimonialFactory(status="published", body=HOSTILE, rating=4)
    TestimonialFactory(status="published", rating=None, display_preference="anonymous")
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    data = structured_data(html)
    assert data["@context"] == "https://schema.org"
    reviews = data["@graph"]
    assert [r["@type"] for r in reviews] == ["Review", "Review"]
    rated = next(r for r in reviews if "reviewRating" in r)
    assert rated["reviewBody"] == HOSTILE
    assert rated["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert rated["itemReviewed"] == {"@type": "MedicalTherapy", "name": topic.title}
    unrated = next(r for r in reviews if "reviewRating" not in r)
    assert unrated["author"] == {"@type": "Person", "name": "Anonymous patient"}
    assert "AggregateRating" not in html


def test_it_has_open_graph_tags_and_a_canonical_address(client, topic):
    html = client.get(f"/education/{topic.slug}/").content.decode()
    url = f"http://testserver/education/{topic.slug}/"
    assert f'<meta property="og:title" content="{topic.title}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:description" content="{topic.summary}">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert "application/ld+json" not in html  # no stories, no reviews


def test_it_is_built_for_keyboards_and_screen_readers(client, topic):
    TestimonialFactory(status="published", rating=3)
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert '<html lang="en">' in html
    assert html.count("<h1") == 1
    assert '<a class="skip" href="#main">Skip to content</a>' in html
    for landmark in ("<header>", '<nav aria-label="Site">', '<main id="main"', "<footer"):
        assert landmark in html
    assert 'aria-labelledby="stories-heading"' in html
    assert 'role="img" aria-label="Rated 3 out of 5"' in html
    assert "Individual results vary." in html
    assert f'href="/share/{topic.slug}/"' in html


def test_it_carries_the_published_stories_escaped_in_an_atom_feed(client, topic, committed):
    story = TestimonialFactory(status="published", body=HOSTILE)
    gone = TestimonialFactory(status="published", body="A story withdrawn after publication.")
    committed(withdrawal.testimonial_withdraw, testimonial=gone)
    TestimonialFactory(status="pending_review", body="Still waiting for a moderator here.")

    response = client.get(f"/education/{topic.slug}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "public" in response["Cache-Control"]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    assert "Individual results vary." in feed.find("a:subtitle", ns).text
    [entry] = feed.findall("a:entry", ns)
    assert entry.find("a:id", ns).text == f"urn:uuid:{story.public_id}"
    summary = entry.find("a:summary", ns)
    assert summary.get("type") == "html"
    # Parsed once by the reader as HTML, the text is text again.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in summary.text
    assert "<script>" not in summary.text
    page = client.get(f"/education/{topic.slug}/").content.decode()
    assert f'href="/education/{topic.slug}/feed/"' in page


def test_it_has_no_feed_for_an_unknown_topic(client, db):
    assert client.get("/education/nope/feed/").status_code == 404
