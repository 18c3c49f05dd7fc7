"""Server-rendered pages for readers and patients: no JavaScript needed.
Plus the widget's script, served for other websites."""

import logging
import uuid
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import lazy
from django.utils.html import linebreaks
from django.utils.text import format_lazy
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from testimonials import languages
from testimonials.consent import authorization_reads, page_context
from testimonials.consent.rules import expiry_day
from testimonials.errors import FieldErrors, IdempotencyKeyReused, NotFound
from testimonials.honesty import disclosures, stats
from testimonials.invitations import services as invitations
from testimonials.models import (
    Channel,
    DisplayPreference,
    Invitation,
    MaterialConnection,
    Status,
    Testimonial,
    Topic,
)
from testimonials.publishing import cache as public_cache
from testimonials.publishing import gate
from testimonials.publishing import generation as publishing
from testimonials.stories import patient_links, submitting, withdrawal
from testimonials.stories.apis import SubmissionInputSerializer, submission_from
from testimonials.throttling import submit_throttle_wait

logger = logging.getLogger(__name__)

EDUCATION_PAGE_TESTIMONIALS = 50
FEED_ITEMS = 50
RESULTS_VARY = _("These are individual patients' experiences. Individual results vary.")
_Response = TypeVar("_Response", bound=HttpResponseBase)


def _topic_or_404(slug: str) -> Topic:
    try:
        return gate.topic_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _public_cache(response: _Response) -> _Response:
    patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_MAX_AGE)
    return response


# --- Education pages -----------------------------------------------------------


@require_GET
def education_index(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "testimonials/education_index.html",
        {
            "topics": gate.topic_list(),
            "page_url": request.build_absolute_uri(reverse("education-index")),
        },
    )
    return _public_cache(response)


def _reviews(topic: Topic, testimonials: list[Testimonial], page_url: str) -> dict[str, Any] | None:
    """schema.org `Review`s of the treatment: one per story that stands on
    its own without the page's disclosures, and no aggregate (see
    `disclosures.fits_review_markup` and README, "Compliance: honest publishing")."""
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
        }
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
    validity = f"{publishing.publication_state().generation}/{publishing.stats_generation()}"
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
    topic = _topic_or_404(slug)
    language = languages.for_topic(topic, languages.requested(request))
    with override(language):
        return _in_language(language, _education_topic(request, topic))


def _education_topic(request: HttpRequest, topic: Topic) -> HttpResponse:
    slug = topic.slug
    testimonials = list(
        gate.published_testimonials(channel=Channel.CLINIC, topic=topic)[
            :EDUCATION_PAGE_TESTIMONIALS
        ]
    )
    paragraphs = [p.strip() for p in topic.article.split("\n\n") if p.strip()]
    page_url = request.build_absolute_uri(reverse("education-topic", kwargs={"slug": slug}))
    response = render(
        request,
        "testimonials/education_topic.html",
        {
            "topic": topic,
            "paragraphs": paragraphs,
            "testimonials": testimonials,
            "description": topic.summary or (paragraphs[0][:200] if paragraphs else topic.title),
            "page_url": page_url,
            "feed_url": reverse("education-feed", kwargs={"slug": slug}),
            "share_url": (
                reverse("share", kwargs={"slug": slug}) if topic.open_for_submissions else None
            ),
            "structured_data": _reviews(topic, testimonials, page_url),
            "collection": disclosures.collection(topic),
            "stats": stats.topic_stats(topic=topic),
            "stats_url": reverse("topic-stats", kwargs={"slug": slug}),
        },
    )
    return response


class TopicStoriesFeed(Feed):  # type: ignore[type-arg]
    """Atom: a topic's newest published stories, for feed readers."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        return _topic_or_404(slug)

    def title(self, topic: Topic) -> str:
        return _("Patient stories: %(topic)s") % {"topic": topic.title}

    def subtitle(self, topic: Topic) -> str:
        return f"{disclosures.collection(topic)['label']}. {RESULTS_VARY}"

    def link(self, topic: Topic) -> str:
        return reverse("education-topic", kwargs={"slug": topic.slug})

    def items(self, topic: Topic) -> list[Testimonial]:
        return list(gate.published_testimonials(channel=Channel.CLINIC, topic=topic)[:FEED_ITEMS])

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
    language = languages.for_topic(_topic_or_404(slug), languages.requested(request))
    with override(language):
        return _in_language(language, _public_cache(_feed(request, slug=slug)))


# --- The share page --------------------------------------------------------------


def _rating_words(rating: int) -> str:
    return gettext("%(rating)s out of 5") % {"rating": rating}


_out_of_five = lazy(_rating_words, str)

# What the share page asks, in a patient's words; the values are the API's.
SHARE_CONNECTION_CHOICES = [
    (MaterialConnection.NONE, _("None: I am simply a patient of the clinic")),
    (MaterialConnection.EMPLOYEE, _("I work for the clinic")),
    (MaterialConnection.STAFF_FAMILY, _("A relative of mine works for the clinic")),
    (MaterialConnection.DISCOUNT, _("The clinic gave me a discount")),
    (MaterialConnection.GIFT, _("The clinic gave me a gift, a payment or free treatment")),
    (MaterialConnection.OTHER, _("Another connection (describe it below)")),
]


class ShareForm(forms.Form):
    """Reads the HTML form into the types the API takes. The rules are not
    here: `SubmissionInputSerializer` and the service judge the values, so
    the page and the API accept and refuse exactly the same stories."""

    author_name = forms.CharField(
        label=_("Your name"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": 120, "autocomplete": "name"}),
    )
    display_preference = forms.CharField(
        label=_("Show my name as"),
        initial=DisplayPreference.FIRST_NAME_INITIAL,
        required=False,
        widget=forms.RadioSelect(choices=DisplayPreference.choices),
    )
    body = forms.CharField(
        label=_("Your story"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "required": True,
                "minlength": settings.TESTIMONIAL_MIN_LENGTH,
                "maxlength": settings.TESTIMONIAL_MAX_LENGTH,
            }
        ),
        help_text=format_lazy(
            _(
                "{minimum} to {maximum} characters. Please leave out names of staff and other "
                "people, phone numbers and addresses."
            ),
            minimum=settings.TESTIMONIAL_MIN_LENGTH,
            maximum=settings.TESTIMONIAL_MAX_LENGTH,
        ),
    )
    rating = forms.CharField(
        label=_("Your rating (optional)"),
        required=False,
        widget=forms.RadioSelect(
            choices=[("", _("No rating")), *((str(n), _out_of_five(n)) for n in range(1, 6))]
        ),
    )
    email = forms.CharField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Only to tell you when a moderator has decided; never published."),
    )
    material_connection = forms.CharField(
        label=_("Your connection to the clinic (optional)"),
        required=False,
        widget=forms.RadioSelect(choices=SHARE_CONNECTION_CHOICES),
        help_text=_("Readers are told of any connection next to your story."),
    )
    material_connection_detail = forms.CharField(
        label=_("Describe the connection (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("For example: '10% off my next visit'. Published with your story."),
    )
    invitation = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    consent_to_publish = forms.BooleanField(
        label=_("I agree to the consent above"),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
    )
    # The authorization. The page always asks for the age and a typed
    # signature; the API leaves both optional for older clients.
    channels = forms.MultipleChoiceField(
        label=_("Where your story may appear"),
        choices=Channel.choices,
        initial=Channel.values,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in = forms.ChoiceField(
        label=_("Until"),
        choices=[("12", _("One year")), ("24", _("Two years")), ("36", _("Three years"))],
        initial="24",
        required=False,
        help_text=_("Then your story comes down, unless you renew it when we ask you."),
    )
    age = forms.ChoiceField(
        label=_("Your age"),
        choices=[("adult", _("I am 18 or older")), ("minor", _("I am under 18"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please tell us whether you are 18 or older.")},
    )
    guardian_relationship = forms.ChoiceField(
        label=_("Under 18: who signs for you"),
        choices=[
            ("", _("Not needed")),
            ("parent", _("My parent")),
            ("legal_guardian", _("My legal guardian")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    signature = forms.CharField(
        label=_("Signature: type your full name (under 18: your parent or guardian types theirs)"),
        max_length=120,
        error_messages={"required": _("Type your name to sign.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    consent_text_version = forms.CharField(widget=forms.HiddenInput, required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # The honeypot: hidden from people (and from screen readers), filled by bots.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def submission_data(self, topic: Topic) -> dict[str, Any]:
        """The cleaned values as the API's JSON body would carry them."""
        data = self.cleaned_data
        rating = data["rating"]
        values: dict[str, Any] = {
            "topic": topic.slug,
            "author_name": data["author_name"],
            "body": data["body"],
            "consent_to_publish": data["consent_to_publish"],
            "consent_text_version": data["consent_text_version"],
            "email": data["email"],
            "rating": int(rating) if rating.isdigit() else (rating or None),
            "channels": list(data["channels"]),
            "signature": data["signature"],
            "age_18_or_over": data["age"] == "adult",
            "guardian_relationship": data["guardian_relationship"],
            "material_connection": data["material_connection"],
            "material_connection_detail": data["material_connection_detail"],
            "invitation": data["invitation"],
        }
        expires_on = expiry_day(data["expires_in"], today=timezone.now().date())
        if expires_on is not None:
            values["expires_on"] = expires_on.isoformat()
        if data["display_preference"]:
            values["display_preference"] = data["display_preference"]
        return values

    def add_errors(self, errors: dict[str, Any]) -> None:
        for field, messages in errors.items():
            target = field if field in self.fields and field != "topic" else None
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(target, str(message))


def _share_page(
    request: HttpRequest, topic: Topic, form: ShareForm, *, status: int = 200, wait: int = 0
) -> HttpResponse:
    consent = authorization_reads.consent_current()
    if form.is_bound and consent and form.data.get("consent_text_version") != consent.version:
        # The consent changed since the form was shown: show the new one and
        # ask for it anew.
        data = cast(QueryDict, form.data).copy()
        data["consent_text_version"] = consent.version
        data.pop("consent_to_publish", None)
        form.data = data
    language = languages.for_topic(topic, languages.requested(request))
    with override(language):
        response = render(
            request,
            "testimonials/share.html",
            {
                "topic": topic,
                "form": form,
                "consent": consent,
                "wait": wait,
                "invitation": _invitation_of(form),
            },
            status=status,
        )
    patch_cache_control(response, private=True, no_store=True)
    return _in_language(language, response)


def _invitation_of(form: ShareForm) -> Invitation | None:
    """The invitation the form carries, while it can still be used."""
    token = form.data.get("invitation") if form.is_bound else form.initial.get("invitation")
    if not token:
        return None
    try:
        return invitations.invitation_for_token(str(token))
    except invitations.InvitationRefused:
        return None


def _fresh_form() -> ShareForm:
    consent = authorization_reads.consent_current()
    return ShareForm(
        initial={
            "consent_text_version": consent.version if consent else "",
            "submission_key": uuid.uuid4().hex,
        }
    )


@require_http_methods(["GET", "HEAD", "POST"])
def share(request: HttpRequest, slug: str) -> HttpResponse:
    """The hosted "share your story" form: the same rules as the API, the
    same submission budget per IP, a honeypot, CSRF (the middleware)."""
    topic = _topic_or_404(slug)
    if request.method != "POST":
        return _share_page(request, topic, _fresh_form())
    # The refusals (the serializer's and the services') in the page's language.
    with override(languages.for_topic(topic, languages.requested(request))):
        return _share_post(request, topic)


def _share_post(request: HttpRequest, topic: Topic) -> HttpResponse:
    wait = submit_throttle_wait(request)
    form = ShareForm(request.POST)
    if wait is not None:
        form.is_valid()
        return _share_page(request, topic, form, status=429, wait=int(wait) + 1)
    if not form.is_valid():
        return _share_page(request, topic, form, status=400)
    data = form.cleaned_data
    if data["website"]:
        logger.info("share page: honeypot filled, nothing stored (topic=%s)", topic.slug)
        language = languages.for_topic(topic, languages.requested(request))
        with override(language):
            received = render(request, "testimonials/share_received.html", {"topic": topic})
        return _in_language(language, received)

    serializer = SubmissionInputSerializer(data=form.submission_data(topic))
    if not serializer.is_valid():
        form.add_errors(dict(serializer.errors))
        return _share_page(request, topic, form, status=400)
    key = data["submission_key"]
    try:
        outcome = submitting.testimonial_submit(
            submission=submission_from(serializer.validated_data),
            idempotency_key=f"share:{key}" if key else None,
            reader_language=languages.for_topic(topic, languages.requested(request)),
        )
    except FieldErrors as exc:
        form.add_errors(exc.fields)
        return _share_page(request, topic, form, status=400)
    except IdempotencyKeyReused:
        form.add_error(
            None, _("This form was already sent with other words. Please send it again.")
        )
        data = cast(QueryDict, form.data).copy()
        data["submission_key"] = uuid.uuid4().hex
        form.data = data
        return _share_page(request, topic, form, status=400)
    testimonial = outcome.testimonial
    return HttpResponseRedirect(_story_url(testimonial), status=303)


REFUSED_STATUS = {"invalid": 404, "used": 410, "expired": 410}


@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invited patient's link: the share page of the invitation's topic,
    carrying the invitation. The same page every invitee sees, whatever
    their visit was like; a used, expired or altered link is refused."""
    try:
        found = invitations.invitation_for_token(token)
    except invitations.InvitationRefused as exc:
        response = render(
            request,
            "testimonials/invitation_refused.html",
            {"message": exc.message, "reason": exc.reason},
            status=REFUSED_STATUS[exc.reason],
        )
        return _patient_page(response)
    form = _fresh_form()
    form.initial["invitation"] = token
    return _patient_page(_share_page(request, found.topic, form))


def _story_url(testimonial: Testimonial) -> str:
    return reverse(
        "patient-story",
        kwargs={
            "public_id": testimonial.public_id,
            "secret": patient_links.patient_secret(testimonial.public_id),
        },
    )


STATUS_WORDS = {
    Status.SUBMITTED: _("Received: it is being checked."),
    Status.SCREENING: _("Received: it is being checked."),
    Status.PENDING_REVIEW: _("Waiting for a moderator to read it."),
    Status.PUBLISHED: _("Published."),
    Status.REJECTED: _("Not published."),
    Status.WITHDRAWN: _("Withdrawn: it is no longer shown anywhere."),
    Status.UNPUBLISHED: _("Taken down by a moderator."),
}


def _patient_page(response: HttpResponse) -> HttpResponse:
    # The address carries the patient's secret: never cache it, never send it
    # on as a Referer, never index it.
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def patient_testimonial(public_id: uuid.UUID, secret: str) -> Testimonial:
    """The story this secret link is for, or a 404."""
    try:
        return patient_links.testimonial_for_patient(public_id=public_id, secret=secret)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def render_story(
    request: HttpRequest,
    testimonial: Testimonial,
    secret: str,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The patient's page: the status, their copy of the authorization with
    what they can do with it, and the way out."""
    language = languages.for_topic(testimonial.topic, languages.requested(request))
    with override(language):
        response = _story_page(request, testimonial, secret, error=error, status=status)
    return _in_language(language, _patient_page(response))


def _story_page(
    request: HttpRequest, testimonial: Testimonial, secret: str, *, error: str, status: int
) -> HttpResponse:
    api_kwargs = {"public_id": testimonial.public_id, "secret": secret}
    consent_page = page_context.authorization_page(testimonial)
    status_words = STATUS_WORDS[Status(testimonial.status)]
    if consent_page["authorization"].awaiting_approval:
        status_words = _("Waiting for your approval of an edit: shown nowhere until then.")
    elif testimonial.status == Status.UNPUBLISHED and consent_page["authorization"].expired:
        status_words = _("Taken down: your authorization ended.")
    awaiting_authorization = authorization_reads.awaiting_first_authorization(testimonial)
    if awaiting_authorization and testimonial.status not in (Status.REJECTED, Status.WITHDRAWN):
        status_words = _("Waiting for your authorization: shown nowhere until you sign below.")
    return render(
        request,
        "testimonials/story_status.html",
        {
            "testimonial": testimonial,
            "status_words": status_words,
            "page_url": request.build_absolute_uri(reverse("patient-story", kwargs=api_kwargs)),
            "status_api_url": request.build_absolute_uri(
                reverse("testimonial-status", kwargs=api_kwargs)
            ),
            "withdraw_url": reverse("patient-story-withdraw", kwargs=api_kwargs),
            "education_url": reverse("education-topic", kwargs={"slug": testimonial.topic.slug}),
            "approve_url": reverse("patient-story-approve", kwargs=api_kwargs),
            "narrow_url": reverse("patient-story-narrow", kwargs=api_kwargs),
            "renew_url": reverse("patient-story-renew", kwargs=api_kwargs),
            "authorize_url": reverse("patient-story-authorize", kwargs=api_kwargs),
            "awaiting_authorization": awaiting_authorization
            and testimonial.status not in (Status.REJECTED, Status.WITHDRAWN),
            "consent_template": authorization_reads.consent_current()
            if awaiting_authorization
            else None,
            **consent_page,
            "error": error,
        },
        status=status,
    )


@require_GET
def patient_story(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    """What the patient sees of their story: its status, and the way out."""
    return render_story(request, patient_testimonial(public_id, secret), secret)


@require_POST
def patient_story_withdraw(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    try:
        testimonial = patient_links.testimonial_for_patient(public_id=public_id, secret=secret)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    withdrawal.testimonial_withdraw(testimonial=testimonial)
    return _patient_page(HttpResponseRedirect(_story_url(testimonial), status=303))


# --- The widget ------------------------------------------------------------------

WIDGET_FILE = Path(__file__).resolve().parent / "assets" / "widget.js"


@cache
def widget_source() -> bytes:
    return WIDGET_FILE.read_bytes()


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(widget_source(), content_type="text/javascript; charset=utf-8")
    patch_cache_control(
        response,
        public=True,
        max_age=settings.WIDGET_CACHE_MAX_AGE,
        stale_while_revalidate=settings.WIDGET_CACHE_MAX_AGE * 24,
    )
    # Any page may embed it, even one that isolates itself (COEP).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
