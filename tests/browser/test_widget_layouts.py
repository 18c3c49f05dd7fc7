"""The widget's layouts on another website, in a real headless Chromium:
each one shows the published stories on a page whose own CSS does its
worst, at a desktop's and a phone's width (the screenshots in README come
from here); the carousel moves by keys, buttons and swipe, stops while the
reader points at it or is in it, and never moves by itself for a reader who
prefers reduced motion; the quote is another story on each page view; the
themes and the page's custom properties apply, under a CSP that allows no
inline style."""

import pytest

from tests.browser.test_widget_embed import other_site
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["other_site"]  # the fixture, shared with test_widget_embed

STORIES = [
    (
        "Maria L.",
        5,
        "After four sessions and the home exercises I can sit through a workday again.",
    ),
    (
        "J. K.",
        4,
        "I was sceptical about the needles. The stiffness in my lower back eased within "
        "two weeks, and the exercises my physio showed me keep it away.",
    ),
    ("Anonymous", None, "Friendly staff, on time, and they explained every step before starting."),
    ("Sam P.", 3, "It helped a little. I still get twinges after a long drive, but fewer."),
    (
        "Dana R.",
        5,
        "My physio listened. Six weeks on I garden again, a little each day, and "
        "I know which stretches to do when it tightens.",
    ),
    ("Lee W.", None, "Clear booking, a quiet room, and a plan I could follow at home."),
]

# A host page that does its worst to whatever it contains.
HOSTILE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Physio</title>
<style>
  body {{ margin: 24px; background: #eef1f4; }}
  body * {{ display: none !important; color: red !important; font-size: 2px !important;
            font-family: serif !important; }}
  div {{ position: absolute !important; left: -9999px; width: 10px; height: 10px;
         overflow: hidden; opacity: .1; }}
</style></head>
<body>
<script src="{server}/widget.js" data-topic="{topic}" {attributes}></script>
</body></html>
"""

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDGET = ".patient-stories-widget section"


@pytest.fixture
def topic():
    ConsentTextFactory()
    topic = TopicFactory(publishing_mode="all")
    for name, rating, body in STORIES:
        TestimonialFactory(
            status="published",
            topic=topic,
            author_name=name,
            rating=rating,
            body=body,
            display_preference="full_name",
        )
    return topic


def embed(page, other_site, live_server, topic, attributes):
    folder, origin = other_site
    (folder / "index.html").write_text(
        HOSTILE_PAGE.format(server=live_server.url, topic=topic.slug, attributes=attributes)
    )
    page.goto(f"{origin}/index.html")
    page.wait_for_selector(f"{WIDGET} blockquote")
    return page.locator(WIDGET)


def visible_stories(widget):
    return [
        quote.inner_text() for quote in widget.locator("blockquote").all() if quote.is_visible()
    ]


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("layout", ["list", "grid", "carousel", "wall", "quote"])
def test_each_layout_shows_the_stories_whatever_the_pages_css(
    live_server, page, other_site, topic, screenshot_dir, layout, width
):
    page.set_viewport_size(DESKTOP if width == "desktop" else PHONE)
    attributes = f'data-layout="{layout}" data-limit="8"'
    widget = embed(page, other_site, live_server, topic, attributes)

    bodies = [body for _name, _rating, body in STORIES]
    shown = visible_stories(widget)
    if layout in ("carousel", "quote"):
        assert len(shown) == 1
        assert shown[0] in bodies
    else:
        assert sorted(shown) == sorted(bodies)
    assert widget.locator("blockquote").count() == (1 if layout == "quote" else len(STORIES))
    assert widget.get_attribute("data-layout") == layout
    text = widget.inner_text()
    assert "Individual results vary." in text
    assert widget.locator("h2").inner_text() == "Patient stories"
    # No aggregate badge: the only ratings shown are each shown story's own.
    ratings = widget.locator("[role=img]").evaluate_all(
        "nodes => nodes.filter(n => n.checkVisibility()).map(n => n.getAttribute('aria-label'))"
    )
    expected = [f"Rated {r} out of 5" for _n, r, body in STORIES if r and body in shown]
    assert sorted(ratings) == sorted(expected)
    assert "average" not in text.lower()

    first = (
        widget.locator("blockquote").first
        if layout != "carousel"
        else widget.locator(".slide:not([hidden]) blockquote")
    )
    style = first.evaluate(
        "e => { const s = getComputedStyle(e); return [s.color, s.fontSize, s.fontFamily]; }"
    )
    assert style[0] != "rgb(255, 0, 0)"
    assert style[1] != "2px"
    assert style[2] != "serif"
    box = page.locator(".patient-stories-widget").bounding_box()
    assert box["x"] >= 0, "the page's div rule cannot move it away"
    assert box["width"] > 300, "nor shrink it"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    if layout == "grid" and width == "desktop":
        tops = widget.locator("li").evaluate_all(
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
        )
        assert tops[0] == tops[1], "side by side on a wide screen"
    if layout == "wall" and width == "desktop":
        lefts = widget.locator("li").evaluate_all(
            "items => new Set(items.map(i => Math.round(i.getBoundingClientRect().left))).size"
        )
        assert lefts > 1, "in columns on a wide screen"
    page.locator(".patient-stories-widget").screenshot(
        path=str(screenshot_dir / f"widget-{layout}-{width}.png")
    )


def current_slide(widget):
    return widget.locator(".slide:not([hidden])").get_attribute("aria-label")


def test_the_carousel_moves_by_keys_buttons_and_swipe_and_stops_while_in_use(
    live_server, page, other_site, topic
):
    page.clock.install()
    page.clock.pause_at(1_900_000_000_000)
    widget = embed(page, other_site, live_server, topic, 'data-layout="carousel" data-limit="4"')
    region = widget.locator("[aria-roledescription=carousel]")
    assert current_slide(widget) == "1 of 4"
    assert region.get_attribute("data-playing") == "true"

    # By itself, one story every 7 seconds, while nobody is in it.
    page.clock.run_for(7_500)
    assert current_slide(widget) == "2 of 4"

    # Pointing at it stops it; leaving starts it again.
    region.hover()
    assert region.get_attribute("data-playing") == "false"
    page.clock.run_for(60_000)
    assert current_slide(widget) == "2 of 4"
    page.mouse.move(1, 1)
    assert region.get_attribute("data-playing") == "true"
    page.clock.run_for(7_500)
    assert current_slide(widget) == "3 of 4"

    # Keyboard: Tab reaches its buttons, which have names; arrows move it; in it, it stays.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => document.activeElement.shadowRoot.activeElement.getAttribute('aria-label')"
    )
    assert focused == "Previous story"
    assert region.get_attribute("data-playing") == "false"
    page.clock.run_for(60_000)
    assert current_slide(widget) == "3 of 4"
    page.keyboard.press("ArrowRight")
    assert current_slide(widget) == "4 of 4"
    page.keyboard.press("ArrowRight")
    assert current_slide(widget) == "1 of 4"
    page.keyboard.press("ArrowLeft")
    assert current_slide(widget) == "4 of 4"
    page.keyboard.press("Enter")  # on "Previous story"
    assert current_slide(widget) == "3 of 4"
    page.get_by_role("button", name="Next story").click()
    assert current_slide(widget) == "4 of 4"

    # "Stop moving" keeps it still after the reader leaves it.
    page.get_by_role("button", name="Stop moving").click()
    page.mouse.move(1, 1)
    page.locator("body").click(position={"x": 2, "y": 2})
    page.clock.run_for(60_000)
    assert current_slide(widget) == "4 of 4"
    assert page.get_by_role("button", name="Move on by itself").count() == 1

    # Swipe: a drag to the left is the next story, to the right the previous.
    slide = widget.locator(".slide:not([hidden])").bounding_box()
    y = slide["y"] + slide["height"] / 2
    page.mouse.move(slide["x"] + 250, y)
    page.mouse.down()
    page.mouse.move(slide["x"] + 50, y, steps=5)
    page.mouse.up()
    assert current_slide(widget) == "1 of 4"
    page.mouse.move(slide["x"] + 50, y)
    page.mouse.down()
    page.mouse.move(slide["x"] + 250, y, steps=5)
    page.mouse.up()
    assert current_slide(widget) == "4 of 4"


def test_the_carousel_never_moves_by_itself_for_a_reader_who_prefers_reduced_motion(
    live_server, page, other_site, topic
):
    page.emulate_media(reduced_motion="reduce")
    page.clock.install()
    page.clock.pause_at(1_900_000_000_000)
    widget = embed(page, other_site, live_server, topic, 'data-layout="carousel" data-limit="4"')

    page.clock.run_for(120_000)
    assert current_slide(widget) == "1 of 4"
    region = widget.locator("[aria-roledescription=carousel]")
    assert region.get_attribute("data-playing") == "false"
    assert page.get_by_role("button", name="Stop moving").count() == 0
    page.get_by_role("button", name="Next story").click()
    assert current_slide(widget) == "2 of 4"


def test_the_quote_is_another_story_on_each_page_view(live_server, page, other_site, topic):
    widget = embed(page, other_site, live_server, topic, 'data-layout="quote" data-limit="8"')
    seen = visible_stories(widget)
    for _view in range(len(STORIES) - 1):
        page.reload()
        page.wait_for_selector(f"{WIDGET} blockquote")
        shown = visible_stories(widget)
        assert len(shown) == 1
        assert shown[0] != seen[-1]
        seen += shown
    assert sorted(seen) == sorted(body for _name, _rating, body in STORIES)


THEMED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harbor Dental</title>
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; script-src {server}; connect-src {server}; style-src 'self'">
<link rel="stylesheet" href="theme.css">
</head><body><main><h1>Harbor Dental</h1>
<script src="{server}/widget.js" data-topic="{topic}" data-theme="{theme}"></script>
</main></body></html>
"""
THEME_CSS = (
    ".patient-stories-widget { --ts-accent: #8a1c7c; --ts-font: Georgia, serif; --ts-radius: 0px; }"
)


@pytest.mark.parametrize(
    ("theme", "scheme", "background"),
    [
        ("dark", "light", "rgb(22, 25, 29)"),
        ("auto", "dark", "rgb(22, 25, 29)"),
        ("auto", "light", "rgb(255, 255, 255)"),
        ("light", "dark", "rgb(255, 255, 255)"),
    ],
)
def test_the_theme_and_the_pages_custom_properties_apply_without_inline_styles(
    live_server, page, other_site, topic, theme, scheme, background
):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.emulate_media(color_scheme=scheme)
    folder, origin = other_site
    (folder / "theme.css").write_text(THEME_CSS)
    (folder / "index.html").write_text(
        THEMED_PAGE.format(server=live_server.url, topic=topic.slug, theme=theme)
    )
    page.goto(f"{origin}/index.html")
    page.wait_for_selector(f"{WIDGET} blockquote")
    widget = page.locator(WIDGET)

    looks = widget.evaluate(
        "e => { const s = getComputedStyle(e); const a = e.querySelector('a');"
        " return [s.backgroundColor, s.fontFamily, s.borderTopLeftRadius,"
        " getComputedStyle(a).color]; }"
    )
    assert looks == [background, "Georgia, serif", "0px", "rgb(138, 28, 124)"]
    assert not [text for text in violations if "Content Security Policy" in text]
