"""Learning from the clinic's moderators: the retrain gate, activation,
rollback, the admin list, and the model version every screening records."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation import screening, tasks
from moderation.intake import screening as intake
from moderation.models import ScreeningModel
from moderation.screening import ScreeningContext
from moderation.screening.learned import active
from moderation.screening.learned import services as learned
from testimonials.models import RejectionReason, Status
from tests.factories import TestimonialFactory, UserFactory
from tests.moderation.screening import small_corpus


@pytest.fixture
def good_corpus(tmp_path):
    return small_corpus.write_corpus(tmp_path / "good")


@pytest.fixture
def spoiled_corpus(tmp_path, good_corpus):
    directory = small_corpus.write_corpus(tmp_path / "spoiled", spoiled=True)
    # The same frozen test split as the good corpus: only training differs.
    (directory / "test.jsonl").write_bytes((good_corpus / "test.jsonl").read_bytes())
    return directory


@pytest.fixture
def shipped(tmp_path, settings, spoiled_corpus):
    """A weak shipped model (trained on spoiled labels), so a good retrain beats it."""
    model = learned.build([spoiled_corpus / "train.jsonl"], [spoiled_corpus / "validation.jsonl"])
    path = tmp_path / "shipped.npz"
    learned.write_artifact(model, path)
    settings.SCREENING_MODEL_ARTIFACT = path
    return model


def test_a_retrain_that_does_better_is_activated(db, shipped, good_corpus):
    assert active.active_model().version == shipped.version
    row = learned.retrain(corpus_dir=good_corpus)
    assert row.is_active
    assert not row.refused_because
    assert row.previous is None  # the shipped model screened before
    assert active.active_model().version == row.version
    assert row.metrics["compared_with"] == shipped.version
    test_figures = row.metrics["test"]
    assert set(test_figures["candidate"]) == {"spam", "abuse", "profanity", "medical_claim"}
    assert test_figures["candidate"]["abuse"]["recall"] > test_figures["active"]["abuse"]["recall"]
    assert screening.run("Fine care.", ScreeningContext()).model_version == row.version


def test_a_retrain_that_does_worse_is_refused_and_the_active_model_stays(
    db, shipped, good_corpus, spoiled_corpus
):
    good = learned.retrain(corpus_dir=good_corpus)
    assert good.is_active
    worse = learned.retrain(corpus_dir=spoiled_corpus)
    assert worse.pk != good.pk
    assert not worse.is_active
    assert "F1 on the test split" in worse.refused_because
    assert worse.metrics["test"]["candidate"] != worse.metrics["test"]["active"]
    good.refresh_from_db()
    assert good.is_active
    assert active.active_model().version == good.version
    assert ScreeningModel.objects.filter(is_active=True).count() == 1


def test_a_rollback_restores_the_previous_model(db, shipped, good_corpus):
    first = learned.retrain(corpus_dir=good_corpus)
    # A second model, activated by an admin over the first.
    second = ScreeningModel.objects.create(
        version="second", artifact=first.artifact, trained_on={}, metrics={}
    )
    learned.activate(second)
    second.refresh_from_db()
    assert second.previous == first
    assert not ScreeningModel.objects.get(pk=first.pk).is_active

    assert learned.rollback() == first
    assert ScreeningModel.objects.get(is_active=True) == first
    assert active.active_model().version == first.version

    assert learned.rollback() is None  # back to the model shipped with the code
    assert not ScreeningModel.objects.filter(is_active=True).exists()
    assert active.active_model().version == shipped.version
    with pytest.raises(learned.NothingToRollBack):
        learned.rollback()


def test_moderators_decisions_are_labels(db, moderator):
    now = timezone.now()
    decided = {"decided_by": moderator, "decided_at": now}
    TestimonialFactory(status=Status.PUBLISHED, body="Kind staff.", published_body="", **decided)
    TestimonialFactory(
        status=Status.REJECTED,
        body="Zorbex crates",
        rejection_reason=RejectionReason.SPAM,
        **decided,
    )
    TestimonialFactory(
        status=Status.REJECTED,
        body="You snorfwit",
        rejection_reason=RejectionReason.PROFANITY_ABUSE,
        **decided,
    )
    TestimonialFactory(
        status=Status.REJECTED, body="Call me", rejection_reason=RejectionReason.PERSONAL_DATA
    )
    # Screening's own auto-rejection is not a moderator's decision.
    TestimonialFactory(
        status=Status.REJECTED,
        body="Buy now",
        rejection_reason=RejectionReason.SPAM,
        decided_at=now,
    )
    TestimonialFactory(
        status=Status.PUBLISHED,
        body="An older story with Dr. Vance.",
        published_body="An older story with [name].",
        decided_by=moderator,
        decided_at=now - timedelta(days=90),
    )
    decisions = learned.clinic_decisions()
    labelled = {d.example.text: d.example.labels for d in decisions}
    assert labelled == {
        "An older story with [name].": dict.fromkeys(small_corpus.KINDS, False),
        "Kind staff.": dict.fromkeys(small_corpus.KINDS, False),
        "Zorbex crates": {"spam": True},
        "You snorfwit": {"abuse": True},
    }
    older, recent = learned.split_decisions(decisions, now)
    assert [e.text for e in older] == ["An older story with [name]."]
    assert len(recent) == 3


def test_screening_a_story_records_the_model_version_shown_to_moderators(
    db, moderator, moderator_client, shipped
):
    submitted = TestimonialFactory(status=Status.SUBMITTED, body="The physio was patient.")
    screened = intake.testimonial_screen(testimonial_id=submitted.pk)
    assert screened is not None
    assert screened.screening_model_version == shipped.version
    response = moderator_client.get(f"/api/v1/moderation/testimonials/{submitted.public_id}/")
    assert response.status_code == 200
    assert response.json()["screening_model_version"] == shipped.version
    browser = Client()
    browser.force_login(moderator)
    page = browser.get(reverse("admin:testimonials_testimonial_review", args=[submitted.pk]))
    assert page.status_code == 200
    assert f"<dt>Screening model</dt><dd>{shipped.version}</dd>" in page.content.decode()


def test_the_periodic_retrain_is_off_unless_enabled(settings):
    task = "moderation.tasks.retrain_screening_model"
    assert not settings.SCREENING_RETRAIN_ENABLED
    assert all(entry["task"] != task for entry in settings.CELERY_BEAT_SCHEDULE.values())
    assert tasks.retrain_screening_model.name == task


def test_the_admin_lists_models_and_lets_a_clinic_admin_roll_back(db, shipped, good_corpus):
    row = learned.retrain(corpus_dir=good_corpus)
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/moderation/screeningmodel/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert row.version in page
    assert "clinic decisions" in page
    response = client.post(
        "/admin/moderation/screeningmodel/",
        {"action": "roll_back", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert f"Screening with {shipped.version}" in response.content.decode()
    assert not ScreeningModel.objects.filter(is_active=True).exists()

    moderator = UserFactory(username="mod", is_staff=True)
    client.force_login(moderator)
    assert client.get("/admin/moderation/screeningmodel/").status_code == 403


def test_the_commands_retrain_and_roll_back(db, shipped, good_corpus, settings):
    settings.SCREENING_CORPUS_DIR = good_corpus
    out = StringIO()
    call_command("retrain_screening_model", stdout=out)
    assert "is active" in out.getvalue()
    out = StringIO()
    call_command("rollback_screening_model", stdout=out)
    assert shipped.version in out.getvalue()
    with pytest.raises(CommandError, match="shipped"):
        call_command("rollback_screening_model")
    settings.SCREENING_CORPUS_DIR = good_corpus / "nowhere"
    with pytest.raises(CommandError, match="no train split"):
        call_command("retrain_screening_model")
