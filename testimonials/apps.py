from django.apps import AppConfig


class TestimonialsConfig(AppConfig):
    name = "testimonials"
    verbose_name = "Testimonials"
