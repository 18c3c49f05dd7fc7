"""Personal data in the logs: two searches over every log line the test run
writes, in this process and in every subprocess a test starts.

1. The canary. Factories and fixtures put `CANARY` at several places in
   the test patients' names, emails and stories (`tests/factories.py`), so
   even a cut-off piece of one carries it. A line with it is a leak.
2. Any piece of what the tests stored. Every name, email address and story
   a test saves (`PersonalData.collect`, on `post_save`; what a subprocess
   saved is read back when it stops) is cut into its 12-character windows;
   a log line holding any one of them is a leak, canary or not. An email
   address counts by the windows that hold at least 4 letters of its local
   part: the domain (`@example.com`) is nobody's. The service's own words (a
   status, an event, a route or a task name) are taken out of a line before
   it is searched: a test story that says "pending_review" is not leaked by
   a line that names the status.

`CanaryLogHandler` sits on the root logger (at DEBUG) for the whole session:
the canary is searched as each record is written, the windows when the test
ends (a line may show a story before it was saved). Subprocess output is
searched at the end of the run. A hit fails the run, naming the logger or
the process (tests/conftest.py).
"""

import json
import logging
import re
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

# Lower-case letters and digits: it survives case changes and reads as one
# word; tests/test_log_canary.py checks that the search finds it.
CANARY = "canary7f3a9e"
# The shortest piece of a name, an email or a story that counts as a leak.
WINDOW = 12
# How much of an email address's local part a piece must hold to be the
# person's (fewer letters and the piece is mostly the shared domain).
LOCAL_PART = 4


_WORD = re.compile(r"[\w-]+")
_NOT_DATA = "\x00"


def system_vocabulary() -> frozenset[str]:
    """The words the service itself writes in its log lines, case-folded:
    every choice of every model field (statuses, events, reasons), every
    URL name and every Celery task name, cut into their words."""
    from django.apps import apps
    from django.urls import URLPattern, URLResolver, get_resolver

    from config.celery_app import app as celery_app

    names: list[str] = list(celery_app.tasks)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _ in getattr(field, "flatchoices", None) or ():
                names.append(str(value))

    def routes(resolver: URLResolver) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                routes(pattern)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(pattern.name)

    routes(get_resolver())
    words = (word.casefold() for name in names for word in _WORD.findall(name))
    return frozenset(word for word in words if len(word) > 2 and not word.isdigit())


def contains_canary(text: str) -> bool:
    return CANARY in text.lower()


@dataclass(frozen=True)
class Leak:
    where: str
    line: str

    def describe(self) -> str:
        return f"{self.where}: {self.line[:300]}"


class PersonalData:
    """The 12-character windows (case-folded) of every name, email address
    and story the tests stored; the search of a line for any of them."""

    def __init__(self) -> None:
        self.windows: set[str] = set()
        self._seen: set[str] = set()
        self._vocabulary: frozenset[str] | None = None
        # What the search cost the run: lines searched, seconds spent.
        self.lines_searched = 0
        self.seconds = 0.0

    def add(self, text: str | None, *, email: bool = False) -> None:
        if not text or len(text) < WINDOW or text in self._seen:
            return
        began = time.perf_counter()
        self._seen.add(text)
        folded = text.casefold()
        last = len(folded) - WINDOW
        if email and "@" in folded:
            last = min(last, folded.rindex("@") - LOCAL_PART)
        self.windows.update(folded[start : start + WINDOW] for start in range(last + 1))
        self.seconds += time.perf_counter() - began

    def fragment_in(self, text: str) -> str | None:
        """The first window of stored personal data `text` holds, if any,
        once the service's own words are taken out of it."""
        if not self.windows or len(text) < WINDOW:
            return None
        began = time.perf_counter()
        self.lines_searched += 1
        found = self._first_window(text.casefold())
        if found is not None:  # rare: only then is the line cleaned of our words
            if self._vocabulary is None:
                self._vocabulary = system_vocabulary()
            vocabulary = self._vocabulary
            found = self._first_window(
                _WORD.sub(
                    lambda word: _NOT_DATA if word.group() in vocabulary else word.group(),
                    text.casefold(),
                )
            )
        self.seconds += time.perf_counter() - began
        return found

    def _first_window(self, folded: str) -> str | None:
        windows = self.windows
        for start in range(len(folded) - WINDOW + 1):
            if folded[start : start + WINDOW] in windows:
                return folded[start : start + WINDOW]
        return None

    def collect(self, sender: Any, instance: Any, **kwargs: Any) -> None:
        """post_save: a story, an authorization, an invitation or a visit just stored."""
        for field in (
            "author_name",
            "body",
            "published_body",
            "suggested_body",
            "signature",
            "patient_name",
            "phone",
        ):
            self.add(getattr(instance, field, None))
        self.add(getattr(instance, "email", None), email=True)

    def collect_stored(self) -> None:
        """What a subprocess (a web server, a worker) stored: read back from
        the test database, which may be down after a fault test: then skipped."""
        from django.db import connection, transaction

        from testimonials.models import Authorization, Invitation, Testimonial

        try:
            with transaction.atomic():
                for row in Testimonial.objects.values_list(
                    "author_name", "body", "published_body", "suggested_body", "email"
                ).iterator(chunk_size=2000):
                    for text in row[:-1]:
                        self.add(text)
                    self.add(row[-1], email=True)
                for signature in Authorization.objects.values_list("signature", flat=True):
                    self.add(signature)
                for address in Invitation.objects.values_list("email", flat=True):
                    self.add(address, email=True)
        except Exception:
            with suppress(Exception):
                connection.close_if_unusable_or_obsolete()


PERSONAL_DATA = PersonalData()


def output_text(line: str) -> str:
    """A subprocess's output line; a JSON log line by its values, unescaped."""
    if line.startswith("{"):
        with suppress(ValueError):
            value = json.loads(line)
            if isinstance(value, dict):
                return "\n".join(str(item) for item in value.values())
    return line


class CanaryLogHandler(logging.Handler):
    """Renders every record as the service's JSON log line would (message,
    arguments, extra fields, traceback: `config.log.JsonFormatter`) and keeps
    the ones that carry the canary; keeps every line's text until
    `search_pending` looks for stored personal data."""

    def __init__(self, personal_data: PersonalData | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        from config.log import JsonFormatter

        self.setFormatter(JsonFormatter("%(message)s"))
        self.personal_data = personal_data if personal_data is not None else PERSONAL_DATA
        self.records = 0
        self.leaks: list[Leak] = []
        self.pending: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            line = self.format(record)
        except Exception as exc:  # a record that cannot be rendered is still searched
            line = f"{record.msg!r} {record.args!r} ({type(exc).__name__})"
        text = output_text(line)
        where = f"logger {record.name!r}"
        if contains_canary(line) or contains_canary(text):
            self.leaks.append(Leak(where, line))
        else:
            self.pending.append((where, text))

    def search_pending(self, context: str = "") -> None:
        """Searches the records written since the last call for any window
        of stored personal data, then forgets them."""
        pending, self.pending = self.pending, []
        for where, text in pending:
            fragment = self.personal_data.fragment_in(text)
            if fragment is not None:
                self.leaks.append(Leak(f"{where}{context} holds {fragment!r}", text))


def leaks_in_output(
    where: str,
    lines: Iterable[str],
    personal_data: PersonalData | None = None,
    *,
    startup_lines: int = 0,
) -> list[Leak]:
    """The canary in any line; pieces of personal data in the lines after
    the first `startup_lines` (what a process printed before it was ready,
    such as Celery's banner and its warning about running as root, is
    libraries' prose written before any patient's data reached it)."""
    personal_data = personal_data if personal_data is not None else PERSONAL_DATA
    leaks = []
    for number, line in enumerate(lines):
        if contains_canary(line):
            leaks.append(Leak(where, line))
            continue
        if number < startup_lines:
            continue
        fragment = personal_data.fragment_in(output_text(line))
        if fragment is not None:
            leaks.append(Leak(f"{where} holds {fragment!r}", line))
    return leaks
