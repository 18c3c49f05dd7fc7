from tests.factories import TestimonialFactory, TopicFactory


def test_the_page_shows_the_article_then_the_published_stories(client, topic):
    TestimonialFactory(status="published", body="Published and visible.", rating=4)
    TestimonialFactory(status="pending_review", body="Still waiting for a moderator.")
    response = client.get(f"/education/{topic.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Dry needling for low back pain</h1>" in html
    assert html.index("Dry needling uses thin needles.") < html.index("Published and visible.")
    assert "Still waiting" not in html
    assert "Maria L." in html
    assert "★★★★☆" in html
    assert "Individual results vary" in html
    assert 'name="viewport"' in html


def test_everything_a_patient_wrote_is_escaped(client, topic):
    TestimonialFactory(
        status="published",
        author_name="<img src=x onerror=alert(1)>",
        display_preference="full_name",
        body="<script>alert('x')</script> my back is fine",
    )
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_the_name_is_shown_as_the_patient_chose(client, topic):
    for preference in ("full_name", "initials", "anonymous"):
        TestimonialFactory(
            status="published", author_name="Maria Elena Lopez", display_preference=preference
        )
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert "Maria Elena Lopez" in html
    assert "M. E. L." in html
    assert "Anonymous patient" in html


def test_an_unknown_topic_is_404(client, db):
    assert client.get("/education/no-such-topic/").status_code == 404


def test_the_index_lists_topics(client, topic):
    TopicFactory(slug="neck-pain", title="Neck pain")
    html = client.get("/education/").content.decode()
    assert f'href="/education/{topic.slug}/"' in html
    assert 'href="/education/neck-pain/"' in html
