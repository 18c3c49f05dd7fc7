"""Which channel a public read is for: what the patient authorized decides
what each reader gets.

- The clinic's pages and their Atom feed, served here: `clinic`.
- A request with a site's key: that site's channel (`clinic` for the
  clinic's own site, `partners` for a partner); the key decides, a query
  cannot widen it.
- A request without a key: `partners` (anyone may read the API, so a
  partner that leaves its key out gets no more than with it), or `widget`,
  which the widget asks for. The widget's stories are already shown to
  anyone on any page that embeds it, so asking for them gives nothing new.
"""

from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from testimonials.errors import FieldErrors
from testimonials.models import Channel, Site

ANONYMOUS_CHANNELS = (Channel.PARTNERS, Channel.WIDGET)


def request_channel(request: Request, requested: str | None) -> Channel:
    """The channel of a public API read; `requested` is its `channel` query."""
    if requested and requested not in Channel.values:
        raise FieldErrors({"channel": [f"Choose one of: {', '.join(Channel.values)}."]})
    site = request.auth if isinstance(request.auth, Site) else None
    if site is not None:
        if requested and requested != site.channel:
            raise FieldErrors(
                {"channel": [f"This site's key reads the '{site.channel}' channel; leave it out."]}
            )
        return Channel(site.channel)
    if not requested:
        return Channel.PARTNERS
    if requested in ANONYMOUS_CHANNELS:
        return Channel(requested)
    raise PermissionDenied("The clinic's channel needs the key of the clinic's own site.")
