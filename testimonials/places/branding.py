"""How an organisation looks on its public pages and in the widget: its
name, its logo and two colours.

The colours reach the pages as CSS custom properties in a stylesheet of
their own (`organisation_stylesheet`), never in an inline style: the
Content-Security-Policy allows styles from our origin only. The page's
`site.css` reads `--accent` and `--ink`; the widget, inside its shadow
root, reads `--ps-accent` and `--ps-ink` (its own names, so a host page's
`--accent` does not leak in)."""

import hashlib
import re
from dataclasses import dataclass

from django.urls import reverse

from testimonials.models import Organisation, Topic

_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_OWN_ORIGIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~/%-]+")


@dataclass(frozen=True)
class Branding:
    """What the public pages show of an organisation."""

    name: str
    logo_url: str
    # "" when the organisation keeps the default colours.
    stylesheet_url: str


def _colours(organisation: Organisation) -> dict[str, str]:
    # Checked again here (the logo's path too), not only by the admin's
    # form: these values are written into CSS and into the page.
    chosen = {"accent": organisation.accent_colour, "ink": organisation.text_colour}
    return {name: value for name, value in chosen.items() if _HEX_COLOUR.fullmatch(value)}


def organisation_stylesheet(organisation: Organisation | None) -> str:
    """The organisation's colours as custom properties, for the pages
    (`:root`) and the widget's shadow root (`:host`)."""
    colours = _colours(organisation) if organisation is not None else {}
    if not colours:
        return "/* The default colours. */\n"
    page = "".join(f"--{name}:{value};" for name, value in colours.items())
    widget = "".join(f"--ps-{name}:{value};" for name, value in colours.items())
    return f":root{{{page}}}\n:host{{{widget}}}\n"


def branding_for(organisation: Organisation | None) -> Branding | None:
    """None without an organisation: the pages keep their neutral look."""
    if organisation is None:
        return None
    stylesheet_url = ""
    colours = _colours(organisation)
    if colours:
        # The colours are in the address, so a change is a new stylesheet
        # (it may be cached long) and a cached page names the new one once
        # its cache moves on.
        version = hashlib.sha256(repr(sorted(colours.items())).encode()).hexdigest()[:12]
        path = reverse("organisation-stylesheet", kwargs={"slug": organisation.slug})
        stylesheet_url = f"{path}?v={version}"
    logo_url = organisation.logo_url if _OWN_ORIGIN_PATH.fullmatch(organisation.logo_url) else ""
    return Branding(name=organisation.name, logo_url=logo_url, stylesheet_url=stylesheet_url)


def branding_of_topic(topic: Topic) -> Branding | None:
    return branding_for(topic.organisation)


def installation_branding() -> Branding | None:
    """For a page that belongs to no one place (the index of every topic, a
    refused invitation): the organisation's, when the installation has only
    one; the neutral look when it has several."""
    organisations = list(Organisation.objects.order_by("pk")[:2])
    return branding_for(organisations[0]) if len(organisations) == 1 else None
