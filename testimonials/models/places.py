"""Where stories come from and go: the organisation (a brand, one clinic
group), its locations and the clinicians who work at them.

One installation may hold several organisations (an agency's case); every
story belongs to one location, and so to one organisation. A single-clinic
installation has one organisation with one location, made on first need
from `CLINIC_NAME` (see `sole_organisation_id`)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.utils.text import slugify

from config.sms_sender import validate_sms_sender
from testimonials.models.publishing_modes import PublishingMode


def validate_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{name!r} is not an IANA time zone name.") from exc


HEX_COLOUR = RegexValidator(
    r"^#[0-9A-Fa-f]{6}\Z", message="A colour as six hex digits after '#', e.g. #0b5cad."
)
# A path on this site (the Content-Security-Policy allows images from our own
# origin only): no scheme, no host, nothing a browser would read as markup.
OWN_ORIGIN_PATH = RegexValidator(
    r"^/(?!/)[A-Za-z0-9._~/%-]+\Z",
    message="A path on this site, e.g. /static/brand/logo.svg (no other host).",
)


class SettingsOverrides(models.Model):
    """Days an organisation, or one of its locations where the law of its
    state differs, sets instead of the installation's settings; empty
    inherits (location, then organisation, then the installation). Each
    stays within what the installation allows: see
    `testimonials.places.settings.effective_settings`."""

    personal_data_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Days before a rejected or withdrawn story's personal data is erased; at most "
        "the installation's PERSONAL_DATA_RETENTION_DAYS. Empty: inherited.",
    )
    authorization_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days an authorization's evidence is kept after it was last in effect; at "
        "least the installation's AUTHORIZATION_RETENTION_DAYS (HIPAA's six years). "
        "Empty: inherited.",
    )
    authorization_default_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="An authorization's term when the patient chooses none. Empty: inherited.",
    )
    authorization_max_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The longest term a patient may choose; at most the installation's "
        "AUTHORIZATION_MAX_DAYS. Empty: inherited.",
    )

    class Meta:
        abstract = True

    def inherited_max_days(self) -> int:
        """The longest term where this place sets none."""
        return int(settings.AUTHORIZATION_MAX_TERM.days)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        most_personal = settings.PERSONAL_DATA_RETENTION.days
        if (self.personal_data_retention_days or 0) > most_personal:
            errors["personal_data_retention_days"] = (
                f"At most {most_personal} days: the installation keeps this data no longer."
            )
        least_evidence = settings.AUTHORIZATION_RETENTION.days
        if self.authorization_retention_days is not None and (
            self.authorization_retention_days < least_evidence
        ):
            errors["authorization_retention_days"] = (
                f"At least {least_evidence} days: the installation's minimum (HIPAA)."
            )
        longest = settings.AUTHORIZATION_MAX_TERM.days
        if (self.authorization_max_days or 0) > longest:
            errors["authorization_max_days"] = f"At most {longest} days."
        longest = min(self.authorization_max_days or self.inherited_max_days(), longest)
        if (self.authorization_default_days or 0) > longest:
            errors["authorization_default_days"] = f"At most the longest term, {longest} days."
        if errors:
            raise ValidationError(errors)


class Organisation(SettingsOverrides):
    """A brand: what the public pages, the widget and the authorization name
    as the one who discloses the story."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    logo_url = models.CharField(
        max_length=300,
        blank=True,
        validators=[OWN_ORIGIN_PATH],
        help_text="The logo's path on this site, e.g. /static/brand/logo.svg. Empty: no logo.",
    )
    accent_colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[HEX_COLOUR],
        help_text="Links and buttons on the public pages and the widget, e.g. #0b5cad. Choose "
        "one that reads on white (contrast 4.5:1). Empty: the default blue.",
    )
    text_colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[HEX_COLOUR],
        help_text="Body text on the public pages and the widget, e.g. #1b1f24. Empty: near black.",
    )
    default_publishing_mode = models.CharField(
        max_length=20,
        choices=PublishingMode.choices,
        default=PublishingMode.SELECTED,
        help_text="What a new topic of this organisation starts with.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(SettingsOverrides):
    """One clinic of an organisation; its slug is unique in the installation,
    because public URLs and `?location=` name it alone."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="locations"
    )
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    publishes = models.BooleanField(
        default=True,
        help_text="Listed in /api/v1/locations/ and given its own education pages.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="IANA name, e.g. Europe/Madrid: when its patients may be asked (quiet hours). "
        "Empty: the installation's CLINIC_TIME_ZONE.",
    )
    sms_sender = models.CharField(
        "SMS sender",
        max_length=16,
        blank=True,
        validators=[validate_sms_sender],
        help_text="What its patients' texts come from: an alphanumeric sender ID (up to 11 "
        "letters, digits or spaces, e.g. MoveWell North) or a number in E.164 form (e.g. "
        "+34612345678) your SMS provider lets you send from. Empty: the installation's "
        "SMS_SENDER_ID.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    def zone(self) -> zoneinfo.ZoneInfo:
        """Where its clock is: its own time zone, else the installation's."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.CLINIC_TIME_ZONE)

    def inherited_max_days(self) -> int:
        organisation = Organisation.objects.filter(pk=self.organisation_id).first()
        if organisation is not None and organisation.authorization_max_days is not None:
            return organisation.authorization_max_days
        return super().inherited_max_days()


class Clinician(models.Model):
    """A clinician a story may be about: patients choose from a list, so no
    clinician's name is ever typed into a story for this."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clinicians"
    )
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, help_text="As shown publicly, e.g. 'Ana Ruiz, PT'.")
    locations = models.ManyToManyField(Location, related_name="clinicians")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def sole_organisation_id() -> int | None:
    """The organisation of a single-clinic installation, made from
    `CLINIC_NAME` the first time one is needed; None when there are several
    (then the caller must name one: nothing is guessed across brands)."""
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return ids[0]
    if ids:
        return None
    with transaction.atomic():
        name = settings.CLINIC_NAME.strip() or "The clinic"
        organisation, _ = Organisation.objects.get_or_create(
            slug=slugify(name)[:60] or "clinic", defaults={"name": name[:120]}
        )
        return organisation.pk


def sole_location(organisation_id: int) -> Location | None:
    """The organisation's location when it has exactly one (made the first
    time one is needed when it has none); None when it has several."""
    # With its organisation: a story's settings and discloser read it next.
    locations = list(
        Location.objects.filter(organisation_id=organisation_id)
        .select_related("organisation")
        .order_by("pk")[:2]
    )
    if len(locations) == 1:
        return locations[0]
    if locations:
        return None
    organisation = Organisation.objects.get(pk=organisation_id)
    # Requests racing to make the first location all ask for the same slug,
    # so that one location is made, never one each.
    for slug in (organisation.slug, f"{organisation.slug}-{organisation.pk}"):
        location, _ = Location.objects.get_or_create(
            slug=slug[:60], defaults={"organisation": organisation, "name": organisation.name}
        )
        if location.organisation_id == organisation_id:
            return location
    return None
