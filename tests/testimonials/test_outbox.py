"""The outbox every patient email goes through: claimed once, released when
sending fails, not sent when it no longer applies, swept when a message
was lost. Invitations serve as the rows; any outbox model behaves alike."""

import smtplib
import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from testimonials import outbox, tasks
from testimonials.models import Invitation
from tests.support.honest import InvitationFactory
from tests.support.tasks import on_send
from tests.support.worker import wait_for


def invitation_email(invitation):
    return outbox.Email(
        to=[invitation.email],
        template="testimonials/email/invitation",
        context=lambda: {
            "clinic_name": "Riverside Physio",
            "link": "https://stories.clinic.example/invite/abc/",
            "expires_at": invitation.expires_at,
            "incentive": "",
        },
        language="en",
        label="invitation",
    )


def send(invitation, build=invitation_email, claimable=None):
    return outbox.send_once(
        Invitation.objects.all(), invitation.pk, build=build, claimable=claimable
    )


def a_closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_it_sends_once_however_often_it_is_called(topic):
    alice = InvitationFactory(topic=topic, email="alice@example.com")
    assert send(alice) is True
    assert send(alice) is False
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert email.subject == "Would you share your experience with Riverside Physio?"
    assert "https://stories.clinic.example/invite/abc/" in email.body


def test_a_refused_smtp_connection_releases_the_row_and_the_retry_sends_it(topic, settings):
    bob = InvitationFactory(topic=topic, email="bob@example.com")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", a_closed_port()
    with pytest.raises(ConnectionRefusedError):
        send(bob)
    bob.refresh_from_db()
    assert bob.sent_at is None, "released for the task's retry"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox.unsent_ids(Invitation.objects.all(), older_than=timedelta(minutes=1)) == [
            bob.pk
        ]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(bob) is True
    [email] = mail.outbox
    assert email.to == ["bob@example.com"]
    bob.refresh_from_db()
    assert bob.sent_at is not None


def test_a_row_that_no_longer_applies_is_never_sent(topic):
    charlie = InvitationFactory(topic=topic)
    assert send(charlie, build=lambda row: None) is False
    assert send(charlie) is False, "its claim is kept: a later delivery sends nothing"
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox.unsent_ids(Invitation.objects.all(), older_than=timedelta(minutes=1)) == []


def test_a_database_lost_while_the_email_is_read_leaves_the_row_to_the_sweep(topic):
    """What PostgreSQL killed mid-task did (tests/faults/test_postgres_killed.py):
    the reads for the email failed after the row had been claimed, and the
    email was never sent nor swept. Now every read comes before the claim."""

    def database_gone(row):
        raise OperationalError("server closed the connection unexpectedly")

    gina = InvitationFactory(topic=topic, email="gina@example.com")
    with pytest.raises(OperationalError):
        send(gina, build=database_gone)
    gina.refresh_from_db()
    assert gina.sent_at is None, "not claimed"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox.unsent_ids(Invitation.objects.all(), older_than=timedelta(minutes=1)) == [
            gina.pk
        ]
    assert send(gina) is True
    assert [email.to for email in mail.outbox] == [["gina@example.com"]]


def test_a_row_that_is_not_claimable_stays_unsent_and_unclaimed(topic):
    used = InvitationFactory(topic=topic, used_at=timezone.now())
    assert send(used, claimable=Q(used_at=None)) is False
    assert mail.outbox == []
    used.refresh_from_db()
    assert used.sent_at is None


def test_the_sweep_takes_old_unsent_rows_oldest_first(topic):
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        first = InvitationFactory(topic=topic)
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        second = InvitationFactory(topic=topic)
        sent = InvitationFactory(topic=topic)
    InvitationFactory(topic=topic)  # just written: its task is still on its way
    assert send(sent) is True
    assert outbox.unsent_ids(Invitation.objects.all(), older_than=timedelta(minutes=1)) == [
        first.pk,
        second.pk,
    ]


def test_a_broker_that_refuses_the_task_leaves_the_row_to_the_sweep(
    topic, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(pk):
        raise ConnectionRefusedError("redis down")

    on_send(monkeypatch, "testimonials.tasks.send_invitation", broker_down)
    dave = InvitationFactory(topic=topic, email="dave@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit("testimonials.tasks.send_invitation", dave.pk, label="invitation")
    assert f"could not enqueue invitation id={dave.pk} (ConnectionRefusedError)" in caplog.text
    assert "dave@example.com" not in caplog.text


def test_a_failing_email_task_retries_and_gives_up_without_the_address(
    topic, monkeypatch, caplog, settings
):
    frank = InvitationFactory(topic=topic, email="frank@example.com")

    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"frank@example.com": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    # Celery logs (and stores) the exception a task retries with.
    with pytest.raises(tasks.TaskFailed) as retried:
        tasks.send_invitation.run(frank.pk)
    assert str(retried.value).startswith("SMTPRecipientsRefused at ")
    assert "frank" not in str(retried.value)

    settings.NOTIFICATION_MAX_RETRIES = 0
    assert tasks.send_invitation.run(frank.pk) is None
    assert f"invitation id={frank.pk} failed for good (SMTPRecipientsRefused at" in caplog.text
    assert "frank" not in caplog.text
    frank.refresh_from_db()
    assert frank.sent_at is None, "still unsent, for the sweep and the moderators to see"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_second_caller_waits_for_the_first_claim_and_sends_nothing(topic):
    """On PostgreSQL: the second claim's UPDATE waits on the row lock the
    first holds (here inside a transaction still open after its send), then
    finds `sent_at` set and claims nothing."""
    erin = InvitationFactory(topic=topic, email="erin@example.com")
    second_is_waiting = threading.Event()
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = send(erin)
                second_is_waiting.wait()
        finally:
            connection.close()

    def second():
        try:
            outcomes["second"] = send(erin)
        finally:
            connection.close()

    first_thread = threading.Thread(target=first)
    first_thread.start()
    wait_for(lambda: _claims_held_open() == 1, message="the first claim to hold its lock")
    second_thread = threading.Thread(target=second)
    second_thread.start()
    wait_for(lambda: _updates_waiting_on_a_lock() == 1, message="the second claim to wait")
    second_is_waiting.set()
    first_thread.join()
    second_thread.join()

    assert outcomes == {"first": True, "second": False}
    [email] = mail.outbox
    assert email.to == ["erin@example.com"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_callers_racing_on_each_row_send_one_email_each(topic):
    rows = [InvitationFactory(topic=topic) for _ in range(10)]
    for row in rows:
        barrier = threading.Barrier(2)
        outcomes: list[bool] = []

        def call(row=row, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                outcomes.append(send(row))
            finally:
                connection.close()

        threads = [threading.Thread(target=call) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == [False, True]
    assert sorted(email.to[0] for email in mail.outbox) == sorted(row.email for row in rows)


def _claims_held_open():
    """Other sessions of this database paused inside a transaction (the
    first caller, after its claim)."""
    return _count_other_sessions("state = 'idle in transaction'")


def _updates_waiting_on_a_lock():
    return _count_other_sessions("wait_event_type = 'Lock' AND left(query, 6) = 'UPDATE'")


SESSIONS = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid() AND "
)


def _count_other_sessions(condition):
    with connection.cursor() as cursor:
        cursor.execute(SESSIONS + condition)
        return cursor.fetchone()[0]
