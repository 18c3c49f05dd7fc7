"""The locations dashboard's template helpers, and whether the admin index
links to it."""

from datetime import timedelta
from typing import Any

from django import template

from moderation.accounts.scopes import staff_scope
from moderation.dashboard import selectors
from moderation.templatetags.moderation_tags import duration_words

register = template.Library()

# Where there is nothing to show: no decision, nothing to divide by.
NOTHING = "\N{EN DASH}"


@register.simple_tag
def may_see_dashboard(user: Any) -> bool:
    return bool(selectors.administered_organisations(staff_scope(user)))


@register.filter
def duration(value: timedelta | None) -> str:
    """A median wait in words; a dash when there was no decision."""
    return NOTHING if value is None else duration_words(value)


@register.filter
def percent(value: int | None) -> str:
    return NOTHING if value is None else f"{value}%"
