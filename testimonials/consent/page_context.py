"""What the patient's authorization page shows: its view-model."""

from dataclasses import dataclass
from typing import Any

from testimonials.consent.authorization_reads import authorization_history, authorization_state
from testimonials.models import (
    DISPLAY_ORDER,
    Channel,
    DisplayPreference,
    Status,
    Testimonial,
)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


def authorization_page(testimonial: Testimonial) -> dict[str, Any]:
    """What the patient's page shows of the authorization, and the choices
    its forms offer (narrowing only takes away; renewing chooses anew)."""
    state = authorization_state(testimonial)
    current = state.current
    labels = dict(Channel.choices)
    preferences = dict(DisplayPreference.choices)
    chosen = set(current.channels) if current else set()
    preference = current.display_preference if current else testimonial.display_preference
    narrower = DISPLAY_ORDER[DISPLAY_ORDER.index(preference) :]
    return {
        "authorization": state,
        "authorization_history": authorization_history(state.history),
        "authorized_channels": [
            labels[channel] for channel in (current.channels if current else [])
        ],
        "narrow_channels": [Choice(c, str(labels[c]), True) for c in Channel.values if c in chosen],
        "narrow_preferences": [Choice(p, str(preferences[p]), p == preference) for p in narrower],
        "renew_channels": [Choice(c, str(labels[c]), c in chosen) for c in Channel.values],
        "renew_preferences": [
            Choice(p, str(preferences[p]), p == preference) for p in DISPLAY_ORDER
        ],
        "can_change": state.in_effect and testimonial.status != Status.WITHDRAWN,
    }
