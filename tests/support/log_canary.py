"""Canaries: a marker carried by the test data's patient names and stories,
searched for in every log line the test run writes.

Factories and fixtures embed `CANARY` in names and story text, so every
test that submits data feeds the check; `CanaryLogHandler` sits on the root
logger (at DEBUG) for the whole session, and every subprocess a test starts
(tests/support/worker.py keeps their output) is searched at the end. A hit
fails the run, naming the logger or the process.
"""

import logging
from dataclasses import dataclass

# Lower-case letters and digits: it survives case changes and reads as one
# word; tests/support/test_log_canary.py checks that the search finds it.
CANARY = "canary7f3a9e"


def contains_canary(text: str) -> bool:
    return CANARY in text.lower()


@dataclass(frozen=True)
class Leak:
    where: str
    line: str

    def describe(self) -> str:
        return f"{self.where}: {self.line[:300]}"


class CanaryLogHandler(logging.Handler):
    """Renders every record as the JSON log line would (message, arguments,
    extra fields, traceback) and keeps the ones that carry the canary."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        from pythonjsonlogger.json import JsonFormatter

        self.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
        self.records = 0
        self.leaks: list[Leak] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            line = self.format(record)
        except Exception as exc:  # a record that cannot be rendered is still searched
            line = f"{record.msg!r} {record.args!r} ({type(exc).__name__})"
        if contains_canary(line):
            self.leaks.append(Leak(f"logger {record.name!r}", line))


def leaks_in_output(where: str, lines: list[str]) -> list[Leak]:
    return [Leak(where, line) for line in lines if contains_canary(line)]
