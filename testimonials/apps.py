"""The patients' and websites' side as one Django app (one app, so its
migrations and table names stay as they are)."""

from django.apps import AppConfig


class TestimonialsConfig(AppConfig):
    name = "testimonials"
    verbose_name = "Testimonials"
