"""Intake: a committed submission on its way to the review queue.

Enqueueing screening, running the screening pipeline (`moderation.screening`)
on one story, storing its result through `testimonials.transitions`, the
sweep that re-enqueues stories a lost message left behind, and the duplicate
lookup keys that let screening compare a story with the few earlier ones
worth comparing.
"""
