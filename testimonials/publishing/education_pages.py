"""The public education pages: the topic index, each topic's article with
its published stories, and its feed; cached like every public read."""

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import lazy
from django.utils.html import linebreaks
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from testimonials import languages
from testimonials.errors import FieldErrors, NotFound
from testimonials.honesty import disclosures, stats
from testimonials.media import selectors as media_selectors
from testimonials.models import (
    Channel,
    Clinician,
    Location,
    Testimonial,
    Topic,
)
from testimonials.places import branding
from testimonials.places import selectors as places
from testimonials.publishing import cache as public_cache
from testimonials.publishing import gate, generation

_Response = TypeVar("_Response", bound=HttpResponseBase)

EDUCATION_PAGE_TESTIMONIALS = 50
FEED_ITEMS = 50
RESULTS_VARY = _("These are individual patients' experiences. Individual results vary.")


@dataclass(frozen=True)
class PagePlace:
    """The place an education page is for: `?location=` (a location's own
    pages) and `?clinician=`; neither: the organisation's pages.

    A location's pages show only its own stories, so a story authorized
    for "the clinic's own pages" never shows on a sister location's."""

    location: Location | None = None
    clinician: Clinician | None = None

    @property
    def places(self) -> gate.Places:
        return gate.Places(
            location_id=self.location.pk if self.location else None,
            clinician_id=self.clinician.pk if self.clinician else None,
        )

    @property
    def query(self) -> str:
        """`?location=…&clinician=…` for the page's own links ('' for none)."""
        pairs = [
            (name, place.slug)
            for name, place in (("location", self.location), ("clinician", self.clinician))
            if place is not None
        ]
        return f"?{urlencode(pairs)}" if pairs else ""

    @property
    def name(self) -> str:
        return " · ".join(place.name for place in (self.location, self.clinician) if place)

    @property
    def organisation_id(self) -> int | None:
        if self.location is not None:
            return self.location.organisation_id
        if self.clinician is not None:
            return self.clinician.organisation_id
        return None

    def topics(self) -> QuerySet[Topic]:
        """The topics with pages here: those of the place's organisation that
        it shares or that belong to the location (all, for no place)."""
        topics = gate.topic_list()
        if self.organisation_id is None:
            return topics
        topics = topics.filter(organisation_id=self.organisation_id)
        if self.location is not None:
            return topics.filter(Q(location=None) | Q(location=self.location))
        return topics

    def shows(self, topic: Topic) -> bool:
        return self.topics().filter(pk=topic.pk).exists()


def _page_place(request: HttpRequest) -> PagePlace:
    """The page's place from its query; an unknown slug, or a clinician who
    does not work at the location, is a 404."""
    location_slug = request.GET.get("location", "")
    clinician_slug = request.GET.get("clinician", "")
    try:
        location = places.public_location(location_slug) if location_slug else None
        clinician = places.public_clinician(clinician_slug) if clinician_slug else None
    except FieldErrors as exc:
        raise Http404("No such place.") from exc
    if (
        clinician is not None
        and location is not None
        and not clinician.locations.filter(pk=location.pk).exists()
    ):
        raise Http404("This clinician does not work at this location.")
    if (
        clinician is not None
        and location is None
        and not clinician.locations.filter(publishes=True).exists()
    ):
        raise Http404("No such place.")
    return PagePlace(location=location, clinician=clinician)


def _topic_or_404(slug: str, place: PagePlace | None = None) -> Topic:
    try:
        topic = gate.topic_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if place is not None and (place.location or place.clinician) and not place.shows(topic):
        raise Http404("This topic has no page at this place.")
    return topic


def _public_cache(response: _Response) -> _Response:
    patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_MAX_AGE)
    return response


# --- Education pages -----------------------------------------------------------


@require_GET
def education_index(request: HttpRequest) -> HttpResponse:
    place = _page_place(request)
    response = render(
        request,
        "testimonials/education_index.html",
        {
            "topics": place.topics(),
            "place": place,
            "page_url": request.build_absolute_uri(reverse("education-index") + place.query),
            "branding": (
                branding.branding_for(place.location.organisation)
                if place.location is not None
                else branding.installation_branding()
            ),
        },
    )
    return _public_cache(response)


def _place_markup(location: Location) -> dict[str, Any]:
    """schema.org: the location where the patient was treated, and whose it is."""
    return {
        "@type": "MedicalClinic",
        "name": location.name,
        "parentOrganization": {"@type": "MedicalOrganization", "name": location.organisation.name},
    }


def _reviews(topic: Topic, testimonials: list[Testimonial], page_url: str) -> dict[str, Any] | None:
    """schema.org `Review`s of the treatment: one per story that stands on
    its own without the page's disclosures, and no aggregate (see
    `disclosures.fits_review_markup` and docs/compliance.md, "Honest publishing")."""
    reviews = []
    for testimonial in testimonials:
        if not disclosures.fits_review_markup(testimonial):
            continue
        review: dict[str, Any] = {
            "@type": "Review",
            "@id": f"{page_url}#story-{testimonial.public_id}",
            "reviewBody": testimonial.shown_body,
            "author": {"@type": "Person", "name": testimonial.display_name},
            "itemReviewed": {"@type": "MedicalTherapy", "name": topic.title},
            "contentLocation": _place_markup(testimonial.location),
        }
        photos = [m["url"] for m in getattr(testimonial, "shown_media", []) if m["kind"] == "photo"]
        if photos:
            review["image"] = photos[0]
        if testimonial.published_at is not None:
            review["datePublished"] = testimonial.published_at.date().isoformat()
        if testimonial.rating:
            review["reviewRating"] = {
                "@type": "Rating",
                "ratingValue": testimonial.rating,
                "bestRating": 5,
                "worstRating": 1,
            }
        reviews.append(review)
    return {"@context": "https://schema.org", "@graph": reviews} if reviews else None


def _in_language(language: str, response: HttpResponse) -> HttpResponse:
    response["Content-Language"] = language
    return response


@require_GET
def education_topic(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Rendered once per change (a publication, or a new figure in the
    transparency report) and served from `public_cache` until the next."""
    replayed = public_cache.replay_page(request)
    if replayed is not None:
        return replayed
    # Validators first: a change committing meanwhile can only make the page
    # newer than its ETag.
    validity = f"{generation.publication_state().generation}/{generation.stats_generation()}"
    etag = public_cache.etag_for(request, validity)
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return _public_cache(not_modified)
    cached = public_cache.shared_get_page(etag)
    if cached is None:
        page = _education_page(request, slug)
        cached = (page["Content-Language"], page.content)
        public_cache.shared_set_page(etag, *cached, validity=validity)
    language, content = cached
    response = _in_language(language, _public_cache(HttpResponse(content)))
    response["ETag"] = etag
    public_cache.remember(request, "page", validity, response)
    return response


def _education_page(request: HttpRequest, slug: str) -> HttpResponse:
    place = _page_place(request)
    topic = _topic_or_404(slug, place)
    language = languages.for_topic(topic, languages.requested(request))
    with override(language):
        return _in_language(language, _education_topic(request, topic, place))


def _typical_results_groups(testimonials: list[Testimonial]) -> list[dict[str, Any]]:
    """The stories in groups that share one typical-results statement (or
    have none), each group where its first story comes and its stories in
    their order: the page shows each statement once, above the stories it
    applies to, instead of under every one of them."""
    groups: dict[int | None, dict[str, Any]] = {}
    for testimonial in testimonials:
        group = groups.setdefault(
            testimonial.typical_results_id,
            {
                "typical_results": disclosures.typical_results_representation(
                    testimonial.typical_results
                ),
                "id": f"typical-results-{len(groups)}",
                "stories": [],
            },
        )
        group["stories"].append(testimonial)
    return list(groups.values())


def _education_topic(request: HttpRequest, topic: Topic, place: PagePlace) -> HttpResponse:
    slug = topic.slug
    testimonials = list(
        gate.published_testimonials(channel=Channel.CLINIC, topic=topic, places=place.places)[
            :EDUCATION_PAGE_TESTIMONIALS
        ]
    )
    media = media_selectors.media_of_stories(story.pk for story in testimonials)
    for story in testimonials:
        story.shown_media = media.get(story.pk, [])  # type: ignore[attr-defined]
    paragraphs = [p.strip() for p in topic.article.split("\n\n") if p.strip()]
    page_url = request.build_absolute_uri(
        reverse("education-topic", kwargs={"slug": slug}) + place.query
    )
    response = render(
        request,
        "testimonials/education_topic.html",
        {
            "topic": topic,
            "paragraphs": paragraphs,
            "testimonials": testimonials,
            "story_groups": _typical_results_groups(testimonials),
            "description": topic.summary or (paragraphs[0][:200] if paragraphs else topic.title),
            "page_url": page_url,
            "feed_url": reverse("education-feed", kwargs={"slug": slug}) + place.query,
            "place": place,
            # Several locations' stories on one page: each says where.
            "show_locations": place.location is None
            and len({story.location_id for story in testimonials}) > 1,
            "share_url": (
                reverse("share", kwargs={"slug": slug}) + place.query
                if topic.open_for_submissions
                else None
            ),
            "structured_data": _reviews(topic, testimonials, page_url),
            "collection": disclosures.collection(topic),
            "stats": stats.topic_stats(topic=topic),
            "stats_url": reverse("topic-stats", kwargs={"slug": slug}),
            "branding": branding.branding_of_topic(topic),
        },
    )
    return response


@dataclass(frozen=True)
class FeedSubject:
    topic: Topic
    place: PagePlace


class TopicStoriesFeed(Feed):  # type: ignore[type-arg]
    """Atom: a topic's newest published stories (at a place), for feed readers."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> FeedSubject:
        place = _page_place(request)
        return FeedSubject(topic=_topic_or_404(slug, place), place=place)

    def title(self, subject: FeedSubject) -> str:
        title = _("Patient stories: %(topic)s") % {"topic": subject.topic.title}
        return f"{title} · {subject.place.name}" if subject.place.name else title

    def subtitle(self, subject: FeedSubject) -> str:
        return f"{disclosures.collection(subject.topic)['label']}. {RESULTS_VARY}"

    def link(self, subject: FeedSubject) -> str:
        return reverse("education-topic", kwargs={"slug": subject.topic.slug}) + subject.place.query

    def items(self, subject: FeedSubject) -> list[Testimonial]:
        return list(
            gate.published_testimonials(
                channel=Channel.CLINIC, topic=subject.topic, places=subject.place.places
            )[:FEED_ITEMS]
        )

    def item_title(self, item: Testimonial) -> str:
        return _("A story from %(name)s") % {"name": item.display_name}

    def item_description(self, item: Testimonial) -> str:
        # Atom's summary is typed html: the patient's text goes in escaped,
        # its disclosures with it.
        notes = render_to_string(
            "testimonials/_story_disclosures.html", {"testimonial": item, "with_verified": True}
        )
        return linebreaks(item.shown_body, autoescape=True) + notes.strip()

    def item_link(self, item: Testimonial) -> str:
        page = reverse("education-topic", kwargs={"slug": item.topic.slug})
        return f"{page}#story-{item.public_id}"

    def item_guid(self, item: Testimonial) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Testimonial) -> str:
        return item.display_name

    def item_pubdate(self, item: Testimonial) -> Any:
        return item.published_at

    def item_updateddate(self, item: Testimonial) -> Any:
        return item.updated_at


_feed = TopicStoriesFeed()


@require_GET
def education_feed(request: HttpRequest, slug: str) -> HttpResponse:
    topic = _topic_or_404(slug, _page_place(request))
    language = languages.for_topic(topic, languages.requested(request))
    with override(language):
        return _in_language(language, _public_cache(_feed(request, slug=slug)))


# --- The share page --------------------------------------------------------------


def _rating_words(rating: int) -> str:
    return gettext("%(rating)s out of 5") % {"rating": rating}


_out_of_five = lazy(_rating_words, str)
