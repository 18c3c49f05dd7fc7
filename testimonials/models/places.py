"""Where stories come from and go: the organisation (a brand, one clinic
group), its locations and the clinicians who work at them.

One installation may hold several organisations (an agency's case); every
story belongs to one location, and so to one organisation. A single-clinic
installation has one organisation with one location, made on first need
from `CLINIC_NAME` (see `sole_organisation_id`)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify


def validate_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{name!r} is not an IANA time zone name.") from exc


class Organisation(models.Model):
    """A brand: what the public pages, the widget and the authorization name
    as the one who discloses the story."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    def zone(self) -> zoneinfo.ZoneInfo:
        """Where its clock is: its own time zone, else the installation's."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.CLINIC_TIME_ZONE)


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
    locations = list(Location.objects.filter(organisation_id=organisation_id).order_by("pk")[:2])
    if len(locations) == 1:
        return locations[0]
    if locations:
        return None
    organisation = Organisation.objects.get(pk=organisation_id)
    slug = organisation.slug
    if Location.objects.filter(slug=slug).exists():
        slug = f"{slug}-{organisation.pk}"
    location, _ = Location.objects.get_or_create(
        slug=slug[:60], defaults={"organisation": organisation, "name": organisation.name}
    )
    return location
