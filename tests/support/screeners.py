"""Screeners a fault test adds to a worker it starts (TEST_EXTRA_SCREENERS).

They stand for real failures: a screener that takes its time (so a worker
can be killed in the middle of a task), and one that raises on a marked
story the way a buggy screener would, with the text in its message (so the
test can show the text never reaches a log line).
"""

import os
import time
from pathlib import Path

from django.conf import settings

from moderation.screening import Flag, ScreeningContext

FAIL_MARKER = "FAULT-INJECTED-FAILURE"
SLOW_SECONDS = 0.3


def busy_folder() -> Path:
    """Where `slow` leaves a file named after its process id while it runs,
    so a test can kill a pool process that is in the middle of a task."""
    folder = Path(settings.TEST_RUN_DIR) / "busy"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def slow(text: str, context: ScreeningContext) -> list[Flag]:
    marker = busy_folder() / str(os.getpid())
    marker.touch()
    try:
        time.sleep(SLOW_SECONDS)
    finally:
        marker.unlink(missing_ok=True)
    return []


def quick(text: str, context: ScreeningContext) -> list[Flag]:
    """Nothing to find, at once: the pipeline of a test about messages."""
    return []


def fails_on_marker(text: str, context: ScreeningContext) -> list[Flag]:
    if FAIL_MARKER in text:
        raise ValueError(f"cannot screen {text!r}")
    return []
