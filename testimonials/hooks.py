"""The one hook through which the patients' side starts moderation's work.

`testimonials` must not import `moderation` (dependencies point one way), yet
a submission has to start screening. `moderation.apps` registers the function
that enqueues screening; the submission service calls it after commit.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

ScreeningHook = Callable[[int], None]
_screening_hook: ScreeningHook | None = None


def register_screening_hook(hook: ScreeningHook) -> None:
    global _screening_hook
    _screening_hook = hook


def request_screening(testimonial_id: int) -> None:
    """Ask moderation to screen a committed submission.

    Never raises: the `submitted` row is the outbox, and the periodic sweep
    picks up whatever could not be enqueued now (a broker that is down).
    """
    if _screening_hook is None:
        logger.warning(
            "no screening hook registered; testimonial id=%s waits for the sweep", testimonial_id
        )
        return
    try:
        _screening_hook(testimonial_id)
    except Exception as exc:
        logger.warning(
            "could not enqueue screening (%s: %s); testimonial id=%s waits for the sweep",
            type(exc).__name__,
            exc,
            testimonial_id,
        )
