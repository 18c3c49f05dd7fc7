from django import template

from moderation import selectors

register = template.Library()


@register.simple_tag
def status_counts() -> dict[str, int]:
    return selectors.status_counts()


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)
