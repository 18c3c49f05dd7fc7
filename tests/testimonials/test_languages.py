"""English and Spanish: pages in the topic's language, or the visitor's
among the topic's; the patient's emails in their story's language; the
Spanish catalogue complete and compiled."""

import importlib.util
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail

from moderation.models import NotificationKind, PatientNotification
from moderation.notifications import patients as moderation_notifications
from testimonials.consent import authorization_requests, consent_notices
from testimonials.invitations import services as invitations
from testimonials.models import ConsentNotice, Organisation
from testimonials.stories.patient_links import patient_secret
from tests.factories import TestimonialFactory, TopicFactory
from tests.support.honest import InvitationFactory

ROOT = Path(__file__).resolve().parents[2]
SPANISH_PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"

STORY = "Después de seis sesiones puedo atarme los zapatos sin dolor."


@pytest.fixture
def spanish_topic(db):
    return TopicFactory(
        slug="puncion-seca-lumbar",
        title="Punción seca para el dolor lumbar",
        article="La punción seca usa agujas finas.",
        languages=["es"],
    )


@pytest.fixture
def bilingual_topic(db):
    return TopicFactory(languages=["en", "es"])


# --- Pages ------------------------------------------------------------------------


def test_a_spanish_topic_is_in_spanish_whatever_the_visitor_asks(client, spanish_topic):
    TestimonialFactory(topic=spanish_topic, status="published", body=STORY, rating=4)
    for accept in ("es-ES,es;q=0.9", "en-US,en;q=0.9", ""):
        response = client.get(f"/education/{spanish_topic.slug}/", HTTP_ACCEPT_LANGUAGE=accept)
        html = response.content.decode()
        assert response["Content-Language"] == "es"
        assert '<html lang="es">' in html
        assert "Historias de pacientes" in html
        assert "Los resultados varían de una persona a otra." in html
        assert 'aria-label="Valoración: 4 de 5"' in html
        assert "Qué pasó con cada historia" in html
        assert "Individual results vary" not in html
        assert STORY in html


def test_a_bilingual_topic_follows_accept_language(client, bilingual_topic):
    spanish = client.get("/education/dry-needling-low-back-pain/", HTTP_ACCEPT_LANGUAGE="es")
    english = client.get("/education/dry-needling-low-back-pain/", HTTP_ACCEPT_LANGUAGE="en")
    german = client.get("/education/dry-needling-low-back-pain/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Comparta su historia" in spanish.content.decode()
    assert "Share your story" in english.content.decode()
    assert "Share your story" in german.content.decode(), "not offered: the topic's first"


def test_an_english_topic_stays_english_for_a_spanish_visitor(client, topic):
    html = client.get(f"/education/{topic.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Individual results vary." in html
    assert "Historias de pacientes" not in html


def test_the_index_and_the_feed_speak_the_visitors_language(client, spanish_topic):
    index = client.get("/education/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Información para pacientes</h1>" in index
    feed = client.get(f"/education/{spanish_topic.slug}/feed/").content.decode()
    assert "<title>Historias de pacientes: Punción seca para el dolor lumbar</title>" in feed
    assert "Historias de pacientes seleccionadas. Son experiencias de pacientes" in feed


def test_the_share_page_asks_in_spanish(client, spanish_topic, consent):
    html = client.get(f"/share/{spanish_topic.slug}/").content.decode()
    for words in (
        "<h1>Comparta su historia</h1>",
        "Su nombre",
        "Mostrar mi nombre como",
        "Nombre e inicial del apellido",
        "Su valoración (opcional)",
        "4 de 5",
        "Tengo 18 años o más",
        "Acepto el consentimiento de arriba",
        "Enviar mi historia",
    ):
        assert words in html, words


def test_a_refused_spanish_form_explains_itself_in_spanish(client, spanish_topic, consent):
    response = client.post(
        f"/share/{spanish_topic.slug}/",
        {"consent_text_version": consent.version, "body": STORY, "author_name": "Lucía"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Revise el formulario, por favor" in html
    assert "Indíquenos si tiene 18 años o más." in html


def test_the_patients_page_is_in_the_topics_language(client, spanish_topic):
    story = TestimonialFactory(topic=spanish_topic, status="pending_review", body=STORY)
    html = client.get(f"/stories/{story.public_id}/{patient_secret(story.public_id)}/")
    text = html.content.decode()
    assert "<h1>Su historia</h1>" in text
    assert "A la espera de que un moderador la lea." in text
    assert "Retirar mi historia" in text


# --- Emails -----------------------------------------------------------------------


def _send_decision(testimonial, kind):
    notification = PatientNotification.objects.create(
        testimonial=testimonial, kind=kind, decision_version=testimonial.version
    )
    assert moderation_notifications.patient_notification_send(notification_id=notification.pk)
    [email] = mail.outbox
    return email


def test_a_spanish_story_hears_of_its_publication_in_spanish(db, bilingual_topic):
    story = TestimonialFactory(
        topic=bilingual_topic, status="published", body=STORY, language="es", email="l@example.com"
    )
    email = _send_decision(story, NotificationKind.PUBLISHED)
    assert email.subject == "Su historia sobre Dry needling for low back pain ya está publicada"
    assert email.body.startswith("Hola:")
    assert "Puede consultar su estado cuando quiera:" in email.body
    assert "El equipo de la clínica" in email.body
    assert "Thank you" not in email.body


def test_a_spanish_rejection_gives_the_reason_in_spanish(db, bilingual_topic):
    story = TestimonialFactory(
        topic=bilingual_topic,
        status="rejected",
        rejection_reason="personal_data",
        language="es",
        email="l@example.com",
    )
    email = _send_decision(story, NotificationKind.REJECTED)
    assert "Motivo: Contiene datos personales que no se pueden tachar" in email.body
    assert "nunca se rechaza una historia por ser crítica" in email.body


def test_an_english_story_on_the_same_topic_hears_in_english(db, bilingual_topic):
    story = TestimonialFactory(
        topic=bilingual_topic, status="published", language="en", email="m@example.com"
    )
    email = _send_decision(story, NotificationKind.PUBLISHED)
    assert email.subject == "Your story about Dry needling for low back pain is now published"


def test_the_authorization_copy_is_in_spanish_with_spanish_dates(db, spanish_topic, publish):
    story = publish(topic=spanish_topic, body=STORY, email="l@example.com")
    notice = ConsentNotice.objects.create(authorization=story.authorizations.get(), kind="copy")
    assert consent_notices.consent_notice_send(notice_id=notice.pk)
    [email] = mail.outbox
    assert email.subject == "Su autorización para publicar su historia: su copia"
    assert "Lo que usted autorizó" in email.body
    assert "Las páginas de la propia clínica; Sitios web asociados" in email.body
    expires = story.authorizations.get().expires_at
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"]
    months += ["septiembre", "octubre", "noviembre", "diciembre"]
    assert f"Hasta: {expires.day} de {months[expires.month - 1]} de {expires.year} (UTC)" in (
        email.body
    )
    assert STORY not in email.body


@pytest.mark.parametrize(
    ("accept", "subject"),
    [
        ("es", "Su autorización para publicar su historia: su copia"),
        ("en", "Your authorization to publish your story: your copy"),
        ("de", "Your authorization to publish your story: your copy"),
    ],
)
def test_the_copy_sent_on_arrival_is_in_the_language_the_patient_was_asked_in(
    api_client, bilingual_topic, submission, accept, subject
):
    """Sent before screening has read the story: a bilingual topic's copy
    follows the patient's Accept-Language when the topic offers it."""
    response = api_client.post(
        "/api/v1/testimonials/",
        {**submission, "topic": bilingual_topic.slug},
        format="json",
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    assert response.status_code == 202, response.content
    notice = ConsentNotice.objects.get(kind="copy")
    assert consent_notices.consent_notice_send(notice_id=notice.pk)
    [email] = mail.outbox
    assert email.subject == subject


def test_an_invitation_to_a_spanish_topic_is_in_spanish(db, spanish_topic):
    Organisation.objects.filter(pk=spanish_topic.organisation_id).update(name="Clínica Ribera")
    invitation = InvitationFactory(topic=spanish_topic, incentive="una tarjeta regalo de 10 €")
    assert invitations.invitation_send(invitation_id=invitation.pk)
    [email] = mail.outbox
    assert email.subject == "¿Nos cuenta su experiencia con Clínica Ribera?"
    assert "Clínica Ribera le invita a compartir su experiencia" in email.body
    assert "ofrecemos una tarjeta regalo de 10 € a cada paciente invitado" in email.body
    assert "punción" not in email.body.lower(), "an invitation names no treatment"


def test_an_imported_spanish_story_is_asked_for_its_authorization_in_spanish(db, spanish_topic):
    Organisation.objects.filter(pk=spanish_topic.organisation_id).update(name="Clínica Ribera")
    story = TestimonialFactory(
        topic=spanish_topic,
        body=STORY,
        language="es",
        source="import",
        consent_to_publish=False,
        consented_at=None,
        email="lucia@example.com",
        authorization=False,
    )
    request = authorization_requests.authorization_request_enqueue(testimonial=story)
    assert authorization_requests.authorization_request_send(request_id=request.pk)
    [email] = mail.outbox
    assert email.subject == "¿Puede Clínica Ribera publicar su historia?"
    assert "No tenemos su autorización por escrito para publicarla" in email.body
    assert "Si no hace nada, su historia nunca se publicará." in email.body
    assert STORY not in email.body, "the email links to the story, never quotes it"


# --- The catalogue ------------------------------------------------------------------


def _compile_messages():
    spec = importlib.util.spec_from_file_location(
        "compile_messages", ROOT / "scripts" / "compile_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_language_has_a_compiled_catalogue_that_matches_its_source():
    compile_messages = _compile_messages()
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue  # the source language needs no catalogue
        po = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run `make messages`"
        assert mo.read_bytes() == compile_messages.compiled(po), (
            f"{mo} is older than {po.name}: run `make messages`"
        )


def test_every_spanish_string_is_translated():
    catalogue = polib.pofile(str(SPANISH_PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert len(catalogue) > 150


def test_the_apis_own_refusals_on_the_spanish_form_are_in_spanish(client, spanish_topic, consent):
    response = client.post(
        f"/share/{spanish_topic.slug}/",
        {
            "consent_text_version": consent.version,
            "author_name": "Lucía",
            "body": STORY,
            "age": "adult",
            "signature": "Lucía Pérez",
            "channels": ["clinic"],
            "rating": "9",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Revise el formulario, por favor" in html
    # The serializer's words (Django REST framework's Spanish) and the service's (ours).
    assert "Su valoración (opcional): Asegúrese de que este valor es menor o igual a 5." in html
    consent_refused = "Acepto el consentimiento de arriba: Hace falta su consentimiento"
    assert consent_refused in html
    assert "is required" not in html
