"""Screeners a fault test adds to a worker it starts (TEST_EXTRA_SCREENERS).

They stand for real failures: a screener that takes its time (so a worker
can be killed in the middle of a task), and one that raises on a marked
story the way a buggy screener would, with the text in its message (so the
test can show the text never reaches a log line).
"""

import time

from moderation.screening import Flag, ScreeningContext

FAIL_MARKER = "FAULT-INJECTED-FAILURE"
SLOW_SECONDS = 0.3


def slow(text: str, context: ScreeningContext) -> list[Flag]:
    time.sleep(SLOW_SECONDS)
    return []


def fails_on_marker(text: str, context: ScreeningContext) -> list[Flag]:
    if FAIL_MARKER in text:
        raise ValueError(f"cannot screen {text!r}")
    return []
