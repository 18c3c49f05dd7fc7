"""What happens when the set of public stories changes.

`testimonials.transitions` calls `publication_changed` after commit whenever
a move enters or leaves `published`; later features (cache invalidation,
webhooks, the changes feed) hang off this one place.
"""

import logging
from enum import StrEnum

logger = logging.getLogger(__name__)


class PublicationEvent(StrEnum):
    PUBLISHED = "testimonial.published"
    UPDATED = "testimonial.updated"
    UNPUBLISHED = "testimonial.unpublished"


def publication_changed(testimonial_id: int, event: PublicationEvent) -> None:
    """Runs after commit; must never raise into the caller's request."""
    logger.info("publication %s testimonial id=%s", event.value, testimonial_id)
