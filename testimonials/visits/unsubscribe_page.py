"""The unsubscribe link of every invitation email: one button, on our own
site, and the patient is never asked again by that organisation.

A GET only shows the button, because mail scanners open links by
themselves; the POST (the button, or a mail client's RFC 8058 one-click
request, which carries no CSRF token: the signed link is the credential)
records the opt-out."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from testimonials.stories.story_pages import _patient_page
from testimonials.visits import opt_outs


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        valid = opt_outs.unsubscribe_token_valid(token)
        context = {"state": "ask" if valid else "invalid"}
        return _patient_page(
            render(request, "testimonials/unsubscribe.html", context, status=200 if valid else 404)
        )
    done = opt_outs.unsubscribe_with_token(token)
    return _patient_page(
        render(
            request,
            "testimonials/unsubscribe.html",
            {"state": "done" if done else "invalid"},
            status=200 if done else 404,
        )
    )
