"""Template filters for the disclosures shown next to a story."""

from typing import Any

from django import template

from testimonials.honesty import disclosures
from testimonials.models import Testimonial

register = template.Library()


@register.filter
def disclosures_of(testimonial: Testimonial) -> dict[str, Any]:
    """What readers are told next to a story (`disclosures.public_disclosures`)."""
    return disclosures.public_disclosures(testimonial)
