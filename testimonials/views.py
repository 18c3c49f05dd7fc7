"""Server-rendered pages for readers: no JavaScript needed."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from testimonials import selectors
from testimonials.errors import NotFound

EDUCATION_PAGE_TESTIMONIALS = 50


def education_index(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "testimonials/education_index.html", {"topics": selectors.topic_list()}
    )
    patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_MAX_AGE)
    return response


def education_topic(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        topic = selectors.topic_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    testimonials = selectors.published_testimonials(topic=topic)[:EDUCATION_PAGE_TESTIMONIALS]
    response = render(
        request,
        "testimonials/education_topic.html",
        {
            "topic": topic,
            "paragraphs": [p.strip() for p in topic.article.split("\n\n") if p.strip()],
            "testimonials": testimonials,
        },
    )
    patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_MAX_AGE)
    return response
