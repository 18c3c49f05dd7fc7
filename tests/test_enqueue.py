"""Handing work to Celery by task name (`config.enqueue`)."""

from config import enqueue
from tests.support.tasks import on_send

INVITATION = "testimonials.tasks.send_invitation"


def test_a_task_goes_out_only_when_the_transaction_commits(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    on_send(monkeypatch, INVITATION, sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue.on_commit(INVITATION, 7, label="invitation")
    assert sent == [], "nothing leaves before the row it names is committed"
    for callback in callbacks:
        callback()
    assert sent == [7]


def test_a_broker_that_refuses_is_logged_and_never_raises(monkeypatch, caplog):
    def broker_down(pk):
        raise ConnectionRefusedError("redis down")

    on_send(monkeypatch, INVITATION, broker_down)
    assert enqueue.send_now(INVITATION, 7, label="invitation") is False
    assert "could not enqueue invitation id=7 (ConnectionRefusedError)" in caplog.text


def test_sending_many_stops_at_the_first_refusal(monkeypatch, caplog):
    tried = []

    def broker_down(pk):
        tried.append(pk)
        raise ConnectionRefusedError("redis down")

    on_send(monkeypatch, INVITATION, broker_down)
    enqueue.send_each(INVITATION, [1, 2, 3], label="invitation")
    assert tried == [1], "the sweep sends the rest once the broker is back"
    assert caplog.text.count("could not enqueue") == 1


def test_every_id_goes_out_while_the_broker_takes_them(monkeypatch):
    sent = []
    on_send(monkeypatch, INVITATION, sent.append)
    enqueue.send_each(INVITATION, [1, 2, 3], label="invitation")
    assert sent == [1, 2, 3]
