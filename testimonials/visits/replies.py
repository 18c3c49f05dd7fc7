"""Patients' replies to a text: STOP (and its usual words, ARRÊT, BAJA)
records the opt-out in every organisation at once, before the answer and
before anything else could be sent; HELP says who writes and how to stop.
Other replies are not kept (a reply may say anything about a patient's
health)."""

import logging
import unicodedata

from django.utils.translation import gettext, override

from testimonials.models import OptOutSource, Organisation
from testimonials.visits import contacts, opt_outs

logger = logging.getLogger(__name__)

# Each keyword, and the language its answer is in.
STOP_WORDS = {
    "STOP": "en",
    "STOPALL": "en",
    "UNSUBSCRIBE": "en",
    "CANCEL": "en",
    "END": "en",
    "QUIT": "en",
    "ARRET": "en",
    "BAJA": "es",
    "ALTO": "es",
}
HELP_WORDS = {"HELP": "en", "INFO": "en", "AIDE": "en", "AYUDA": "es"}


def _keyword(body: str) -> str:
    words = body.strip().split()
    first = words[0] if words else ""
    # ARRÊT and arret are the same word.
    folded = unicodedata.normalize("NFKD", first.upper())
    return "".join(c for c in folded if not unicodedata.combining(c)).strip(".!")


def reply_handle(*, phone: str, body: str) -> str:
    """Act on a reply from `phone` (E.164); returns the answer to text back
    ("" for none)."""
    keyword = _keyword(body)
    if keyword in STOP_WORDS:
        for organisation_id in Organisation.objects.values_list("pk", flat=True):
            opt_outs.opt_out_record(
                organisation_id=organisation_id,
                contact_hash=contacts.contact_hash(organisation_id, phone),
                source=OptOutSource.SMS,
            )
        logger.info("sms reply: opt-out recorded")
        with override(STOP_WORDS[keyword]):
            return gettext("You will get no more messages from us.")
    if keyword in HELP_WORDS:
        with override(HELP_WORDS[keyword]):
            return gettext(
                "Invitations to share your experience with your clinic. Reply STOP to stop."
            )
    return ""
