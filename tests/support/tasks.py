"""Catching the tasks that services hand to Celery by name (`config.enqueue`)."""

from collections.abc import Callable
from typing import Any

import pytest

from config.celery_app import app


def on_send(monkeypatch: pytest.MonkeyPatch, name: str, receive: Callable[..., Any]) -> None:
    """Give task `name`'s arguments to `receive` instead of the broker, when
    it is sent by name; other tasks go on as before. `receive` may raise, as
    a broker that is down does."""
    previous = app.send_task

    def send_task(task_name: str, args: Any = (), **kwargs: Any) -> Any:
        if task_name == name:
            return receive(*args)
        return previous(task_name, args=args, **kwargs)

    monkeypatch.setattr(app, "send_task", send_task)
