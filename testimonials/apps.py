"""The patients' and websites' side as one Django app (one app, so its
migrations and table names stay as they are)."""

from django.apps import AppConfig


class TestimonialsConfig(AppConfig):
    name = "testimonials"
    verbose_name = "Testimonials"

    def ready(self) -> None:
        # The email provider's delivery events (anymail's webhook) land on
        # the outbox rows.
        from anymail.signals import tracking

        from testimonials import delivery_events
        from testimonials.places import receivers as place_receivers

        tracking.connect(delivery_events.on_tracking, dispatch_uid="testimonials-delivery-events")
        # An edited place changes the public reads: their cache moves on.
        place_receivers.connect()
