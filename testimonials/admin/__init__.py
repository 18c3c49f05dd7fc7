"""The staff's screens for the patients' and websites' side.

Django's admin autodiscovery imports this package; importing each module
registers its model admins.

- `stories`: topics, consent texts, authorizations, sites and their webhooks.
- `honest`: typical-results statements, invitations, the transparency report.
"""

from testimonials.admin import honest, stories

__all__ = ["honest", "stories"]
