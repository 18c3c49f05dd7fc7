from django import template

register = template.Library()


@register.filter
def stars(rating: int | None) -> str:
    """★★★☆☆ for a rating of 3; empty for no rating."""
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)
