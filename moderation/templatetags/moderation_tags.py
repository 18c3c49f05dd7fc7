"""The admin index's numbers: stories by status and the week's chart; and
`words`, which reads a stored value such as `pending_review` as "Pending review"."""

from datetime import timedelta
from typing import Any

from django import template

from moderation.accounts.scopes import staff_scope
from moderation.decisions import selectors, statistics

register = template.Library()


@register.simple_tag(takes_context=True)
def status_counts(context: template.Context) -> dict[str, int]:
    """The signed-in staff member's places' stories, by status."""
    return selectors.status_counts(scope=staff_scope(context["request"].user))


@register.filter
def words(value: str) -> str:
    """A stored value as words: `pending_review` reads "Pending review"."""
    return str(value).replace("_", " ").capitalize()


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


# The chart's geometry, in SVG user units (the viewBox scales it).
CHART_LABEL_WIDTH = 110
CHART_BAR_WIDTH = 300
CHART_ROW_HEIGHT = 30


@register.simple_tag(takes_context=True)
def week_chart(context: template.Context) -> dict[str, Any]:
    """The week's numbers of the staff member's places, with each bar's
    length, for the admin index."""
    numbers = statistics.week_numbers(scope=staff_scope(context["request"].user))
    rows = [
        ("received", "Received", numbers.received),
        ("screened", "Screened", numbers.screened),
        ("decided", "Decided", numbers.decided),
        ("published", "Published", numbers.published),
        ("withdrawn", "Withdrawn", numbers.withdrawn),
    ]
    largest = max(value for _key, _label, value in rows) or 1
    bars = [
        {
            "key": key,
            "label": label,
            "value": value,
            "y": index * CHART_ROW_HEIGHT,
            "text_y": index * CHART_ROW_HEIGHT + 20,
            "width": round(CHART_BAR_WIDTH * value / largest),
            "value_x": CHART_LABEL_WIDTH + round(CHART_BAR_WIDTH * value / largest) + 6,
        }
        for index, (key, label, value) in enumerate(rows)
    ]
    return {
        "numbers": numbers,
        "bars": bars,
        "label_width": CHART_LABEL_WIDTH,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 50,
        "height": len(bars) * CHART_ROW_HEIGHT,
        "median": duration_words(numbers.median_time_to_decision),
    }


def duration_words(duration: timedelta | None) -> str:
    """'35 min', '5 h 12 min', '3 days 4 h': read at a glance."""
    if duration is None:
        return "no decisions this week"
    minutes = round(duration.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"
