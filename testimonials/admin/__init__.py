"""The staff's screens for the patients' and websites' side.

Django's admin autodiscovery imports this package; importing each module
registers its model admins.

- `consent`: topics, consent texts, authorizations.
- `places`: organisations (name, logo, colours, defaults) and locations.
- `sites`: sites, their API keys, webhook endpoints and deliveries.
- `honest`: typical-results statements, invitations, the transparency report.
- `read_only`: the base for records no one edits.
"""

from testimonials.admin import consent, honest, places, sites

__all__ = ["consent", "honest", "places", "sites"]
