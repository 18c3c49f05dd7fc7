"""A mail server that accepts connections and never answers, while stories
are submitted: the emails time out (EMAIL_TIMEOUT) and are retried on the
outbound worker, and screening, on its own queue and worker, is not held."""

import socket
import threading
import time
from contextlib import contextmanager, suppress

import pytest

from testimonials.models import ConsentNotice
from tests.faults.conftest import count_screened, stack_env, submit_at_rate, wait_until
from tests.support.worker import celery_worker, started_together, web_server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STORIES = 200
PER_SECOND = 25
EMAIL_TIMEOUT = 2
# Seconds after the last submission by which every story must be screened.
SCREENED_WITHIN = 30


class SilentSmtpServer:
    """Accepts every connection on loopback and never says a word: no
    greeting, no answer, nothing closed until the test ends."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            self.accepted.append(connection)

    @contextmanager
    def running(self):
        self._thread.start()
        try:
            yield self
        finally:
            self.listener.close()
            for connection in self.accepted:
                with suppress(OSError):
                    connection.close()


def test_screening_keeps_up_while_the_mail_server_hangs(own_redis, story, figure):
    with SilentSmtpServer().running() as smtp:
        env = stack_env(
            own_redis,
            TEST_EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            EMAIL_TIMEOUT=str(EMAIL_TIMEOUT),
        )
        with started_together(
            web_server(extra_env=env),
            celery_worker(extra_env=env, queues=["screening"]),
            celery_worker(extra_env=env, queues=["outbound"]),
        ) as ((base, _web), screening, outbound):
            payloads = [story.payload(n, email=f"patient{n}@example.com") for n in range(STORIES)]
            started = time.monotonic()
            answers = submit_at_rate(base, payloads, per_second=PER_SECOND)
            submitted_at = time.monotonic()
            assert [status for status, _ in answers] == [202] * STORIES
            after_last = wait_until(
                lambda: count_screened() == STORIES,
                timeout=SCREENED_WITHIN,
                message=f"all {STORIES} stories screened while the mail server hangs",
            )
            took = time.monotonic() - started
            # Celery's "Task x[id] retry: ..." line (its reason withheld: an
            # exception's message may quote an address).
            wait_until(
                lambda: outbound.output().count("] retry: ") >= 4,
                timeout=4 * EMAIL_TIMEOUT + 40,
                message="the outbound worker to retry emails that timed out",
            )
            screening_log, outbound_log = screening.output(), outbound.output()

    emails_tried = len(smtp.accepted)
    retried = outbound_log.count("] retry: ")
    assert "send_consent_notice[" not in screening_log, "an email ran on the screening worker"
    assert "screen_testimonial[" not in outbound_log, "screening ran on the outbound worker"
    assert "SMTPServerDisconnected at smtplib.py" in outbound_log, "the send timed out"
    assert emails_tried >= 4
    assert ConsentNotice.objects.count() == STORIES
    assert not ConsentNotice.objects.exclude(sent_at=None).exists(), "no mail server answered"
    figure(
        f"{STORIES}/{STORIES} stories screened {took:.1f} s after the first submission "
        f"({after_last:.1f} s after the last; {STORIES} submitted in "
        f"{submitted_at - started:.1f} s) while the mail server accepted {emails_tried} "
        f"connections and never answered: each send timed out after EMAIL_TIMEOUT="
        f"{EMAIL_TIMEOUT} s and {retried} were retried on the outbound worker; none ran on "
        f"the screening worker"
    )
