"""The text an ask sends: the clinic's name, the invitation's link and how
to stop; never the treatment, the clinician or the date. Sent at most once
(the row is claimed first and released if sending fails, to be tried
again), never after the patient opted out, and never logged with its number
or words. A text the provider refuses for good (`sms.SmsRejected`: an
invalid number) is marked failed with the provider's code and kept claimed,
so neither the task nor the sweep sends it again."""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, override

from testimonials.invitations import services as invitations
from testimonials.models import AskText, Invitation
from testimonials.visits import opt_outs, sms

logger = logging.getLogger(__name__)


def ask_text_send(*, text_id: int) -> bool:
    """Send one ask's text; returns whether this call sent it."""
    unsent = AskText.objects.filter(pk=text_id, sent_at=None)
    text = unsent.select_related(
        "ask__visit__location",
        "ask__invitation__topic__organisation",
        "ask__invitation__location",
    ).first()
    if text is None:
        return False
    ask = text.ask
    invitation = ask.invitation
    hashes = [value for value in (ask.email_hash, ask.phone_hash) if value]
    stopped = opt_outs.opted_out(ask.organisation_id, hashes)
    message = None
    if invitation is not None and not stopped and ask.visit.phone:
        message = sms.TextMessage(
            to=ask.visit.phone,
            body=body(invitation),
            sender=sms.sender_for(ask.visit.location),
            reference=str(text_id),
        )
    if unsent.update(sent_at=timezone.now()) != 1:
        return False
    if message is None:
        logger.info("ask text id=%s not sent: opted out or nothing to send", text_id)
        return False
    try:
        message_id = sms.backend().send(message)
    except sms.SmsRejected as rejected:
        AskText.objects.filter(pk=text_id).update(
            failed_at=timezone.now(), provider_status="failed", error_code=rejected.code[:20]
        )
        logger.warning("ask text id=%s refused by the provider, error %s", text_id, rejected.code)
        return False
    except Exception:
        AskText.objects.filter(pk=text_id).update(sent_at=None)
        raise
    AskText.objects.filter(pk=text_id).update(provider_message_id=message_id[:255])
    logger.info("sent ask text id=%s", text_id)
    return True


def body(invitation: Invitation) -> str:
    """The words of an ask's text (and of its reminder)."""
    with override(invitations.invitation_language(invitation)):
        return gettext(
            "%(clinic)s invites you to share your experience: %(link)s "
            "Reply STOP to stop, HELP for help."
        ) % {
            "clinic": invitations.clinic_name(invitation),
            "link": invitations.invitation_url(invitation),
        }


def unsent_text_ids(*, older_than: timedelta) -> list[int]:
    """Texts a lost message left unsent."""
    cutoff = timezone.now() - older_than
    return list(
        AskText.objects.filter(Q(sent_at=None), created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
