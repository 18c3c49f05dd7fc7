"""The share page: a patient writes a story in a form (no JavaScript needed;
share.js only turns its sections into steps) and submits it through the same
service as the API."""

import logging
import uuid
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.http import require_http_methods

from config import clinic_time
from testimonials import languages
from testimonials.consent import authorization_reads
from testimonials.consent.rules import expiry_day
from testimonials.errors import FieldErrors, IdempotencyKeyReused
from testimonials.invitations import services as invitations
from testimonials.models import (
    Channel,
    DisplayPreference,
    Invitation,
    MaterialConnection,
    Topic,
)
from testimonials.places import branding
from testimonials.places import selectors as places
from testimonials.places import settings as place_settings
from testimonials.publishing.education_pages import _in_language, _out_of_five, _topic_or_404
from testimonials.stories import submitting
from testimonials.stories.apis import SubmissionInputSerializer, submission_from
from testimonials.stories.story_pages import _story_url
from testimonials.throttling import submit_throttle_wait

logger = logging.getLogger(__name__)

# What the share page asks, in a patient's words; the values are the API's.
SHARE_CONNECTION_CHOICES = [
    (MaterialConnection.NONE, _("None: I am simply a patient of the clinic")),
    (MaterialConnection.EMPLOYEE, _("I work for the clinic")),
    (MaterialConnection.STAFF_FAMILY, _("A relative of mine works for the clinic")),
    (MaterialConnection.DISCOUNT, _("The clinic gave me a discount")),
    (MaterialConnection.GIFT, _("The clinic gave me a gift, a payment or free treatment")),
    (MaterialConnection.OTHER, _("Another connection (describe it below)")),
]

# The authorization's term, in months (`consent.rules.expiry_day`).
TERM_CHOICES = [("12", _("One year")), ("24", _("Two years")), ("36", _("Three years"))]


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
    # Issue 22: a photo and a video or audio clip, checked and stripped of
    # their metadata by the API's rules (`testimonials.media`).
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.heic"}),
        help_text=_("Its location and camera details are removed before anyone sees it."),
    )
    photo_alt = forms.CharField(
        label=_("What the photo shows (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )
    video = forms.FileField(
        label=_("A short video or audio clip (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm,audio/mp4,.m4a"}),
    )
    video_captions = forms.CharField(
        label=_("What you say in it (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown as captions for readers who cannot listen."),
    )
    invitation = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    # The place: the topic's locations and their clinicians, chosen from
    # lists (`offer_places`); hidden when there is nothing to choose.
    location = forms.ChoiceField(
        label=_("Where you were treated"), required=False, choices=[("", "")]
    )
    clinician = forms.ChoiceField(
        label=_("Who treated you (optional)"), required=False, choices=[("", "")]
    )
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
        choices=TERM_CHOICES,
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

    def offer_places(self, topic: Topic) -> None:
        """The topic's publishing locations and their active clinicians as
        the two lists; a list with one choice or none is not asked."""
        locations = list(places.publishing_locations().filter(organisation=topic.organisation))
        if topic.location_id is not None:
            locations = [location for location in locations if location.pk == topic.location_id]
        location_field = cast(forms.ChoiceField, self.fields["location"])
        clinician_field = cast(forms.ChoiceField, self.fields["clinician"])
        location_field.choices = [("", "—"), *((loc.slug, loc.name) for loc in locations)]
        several = len(locations) > 1
        clinicians = places.clinicians_by_location(locations)
        clinician_field.choices = [
            ("", _("Not named")),
            *(
                (
                    clinician.slug,
                    f"{clinician.name} ({location.name})" if several else clinician.name,
                )
                for location in locations
                for clinician in clinicians[location.pk]
            ),
        ]
        if not several:
            location_field.widget = forms.HiddenInput()
        if len(clinician_field.choices) == 1:
            clinician_field.widget = forms.HiddenInput()

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
            "location": data["location"],
            "clinician": data["clinician"],
        }
        expires_on = expiry_day(data["expires_in"], today=clinic_time.clinic_today())
        if expires_on is not None:
            values["expires_on"] = expires_on.isoformat()
        if data["display_preference"]:
            values["display_preference"] = data["display_preference"]
        for name in ("photo", "video"):
            if data[name]:
                values[name] = data[name]
        if data["photo"] and data["photo_alt"]:
            values["photo_alt"] = data["photo_alt"]
        if data["video"] and data["video_captions"]:
            values["video_captions"] = data["video_captions"]
        return values

    def add_errors(self, errors: dict[str, Any]) -> None:
        for field, messages in errors.items():
            target = field if field in self.fields and field != "topic" else None
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(target, str(message))


def _offer_terms_allowed(form: ShareForm, topic: Topic) -> None:
    """Only the terms the story's place allows (a state may allow shorter
    ones than the installation); all of them if none fits, so the refusal
    names the last day allowed."""
    today = clinic_time.clinic_today()
    place = place_settings.effective_settings_of_topic(topic)
    latest = today + timedelta(days=place.authorization_max_days)
    allowed = [
        (months, label)
        for months, label in TERM_CHOICES
        if (expiry_day(months, today=today) or today) <= latest
    ]
    if allowed:
        field = cast(forms.ChoiceField, form.fields["expires_in"])
        field.choices = allowed
        if field.initial not in [months for months, _label in allowed]:
            field.initial = allowed[-1][0]


def _share_page(
    request: HttpRequest, topic: Topic, form: ShareForm, *, status: int = 200, wait: int = 0
) -> HttpResponse:
    _offer_terms_allowed(form, topic)
    consent = authorization_reads.consent_current(topic.organisation_id)
    if form.is_bound and consent and form.data.get("consent_text_version") != consent.version:
        # The consent changed since the form was shown: show the new one and
        # ask for it anew.
        data = cast(QueryDict, form.data).copy()
        data["consent_text_version"] = consent.version
        data.pop("consent_to_publish", None)
        form.data = data
    language = languages.for_topic(topic, languages.requested(request))
    chosen = form.data.get("location") if form.is_bound else form.initial.get("location")
    location = (
        places.publishing_locations()
        .filter(slug=chosen or "", organisation=topic.organisation)
        .first()
    )
    with override(language):
        response = render(
            request,
            "testimonials/share.html",
            {
                "topic": topic,
                "form": form,
                "consent": consent,
                # Who discloses: the organisation, and the location once chosen.
                "discloser": (
                    authorization_reads.discloser_of(consent, location or topic) if consent else ""
                ),
                "wait": wait,
                "invitation": _invitation_of(form),
                "branding": branding.branding_of_topic(topic),
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


def _fresh_form(request: HttpRequest, topic: Topic) -> ShareForm:
    """An empty form; `?location=` and `?clinician=` (a location's education
    page links here with them) choose the place in advance."""
    consent = authorization_reads.consent_current(topic.organisation_id)
    form = ShareForm(
        initial={
            "consent_text_version": consent.version if consent else "",
            "submission_key": uuid.uuid4().hex,
            "location": request.GET.get("location", ""),
            "clinician": request.GET.get("clinician", ""),
        }
    )
    form.offer_places(topic)
    sole = [slug for slug, _name in form.fields["location"].choices if slug]  # type: ignore[attr-defined]
    if len(sole) == 1:
        form.initial["location"] = sole[0]
    return form


@require_http_methods(["GET", "HEAD", "POST"])
def share(request: HttpRequest, slug: str) -> HttpResponse:
    """The hosted "share your story" form: the same rules as the API, the
    same submission budget per IP, a honeypot, CSRF (the middleware)."""
    topic = _topic_or_404(slug)
    if request.method != "POST":
        return _share_page(request, topic, _fresh_form(request, topic))
    # The refusals (the serializer's and the services') in the page's language.
    with override(languages.for_topic(topic, languages.requested(request))):
        return _share_post(request, topic)


def _share_post(request: HttpRequest, topic: Topic) -> HttpResponse:
    wait = submit_throttle_wait(request)
    form = ShareForm(request.POST, request.FILES)
    form.offer_places(topic)
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
            received = render(
                request,
                "testimonials/share_received.html",
                {"topic": topic, "branding": branding.branding_of_topic(topic)},
            )
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
