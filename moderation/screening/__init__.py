"""The screening pipeline: an ordered list of small screeners, one runner.

A screener is a callable `screen(text, context) -> list[Flag]` named by its
dotted path in `settings.SCREENING_SCREENERS`. It reads, it never writes: the
runner turns the flags into a risk score and an action, and
`moderation.intake.screening` applies them. Both the Celery task and
`manage.py screen` call `run()`.

Screeners whose rules are written for particular languages say which in a
module-level `LANGUAGES`. The runner detects the story's language once; a
screener that was not written for it does not run, and an `unscreened` flag
tells the moderator what was not checked. When the language cannot be told
(a short text, a mix), every screener runs.

A screener sees the flags the screeners before it raised (`context.found`):
the learned layer (`screening.learned`), last of the content screeners, adds
a kind only where no rule found it. It notes its version and scores in
`context.reading`, so that every result names the model that read it and
auto-rejection asks both the rules and the model.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from importlib import import_module
from typing import Any, Literal

from django.conf import settings
from django.utils.module_loading import import_string

from config import metrics
from moderation.screening.folding import Folded, fold
from moderation.screening.language_detection import NAMES, story_language

Severity = Literal["low", "medium", "high"]
Action = Literal["queue", "auto_reject"]

SEVERITY_POINTS: dict[str, int] = {"low": 10, "medium": 30, "high": 60}


@dataclass(frozen=True)
class Flag:
    kind: str
    severity: Severity
    detail: str
    start: int | None = None
    end: int | None = None
    entity: str | None = None
    duplicate_of: str | None = None
    # The learned layer's probability (0-1) for flags it raised; None for rules.
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.kind != "pii":
            data.pop("entity")
        if self.kind != "duplicate":
            data.pop("duplicate_of")
        if self.score is None:
            data.pop("score")
        return data


@dataclass
class ModelReading:
    """What the learned layer read in one screening (filled by its screener)."""

    version: str = ""
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EarlierItem:
    id: str
    body: str


@dataclass(frozen=True)
class ScreeningContext:
    """What a screener may know besides the text."""

    topic: str | None = None
    author_name: str | None = None
    rating: int | None = None
    # The story's language (ISO 639-1) when known; `run()` detects it when
    # not given, and leaves None when it cannot tell.
    language: str | None = None
    earlier: Sequence[EarlierItem] = field(default_factory=tuple)
    # ISO 639-1 codes the topic publishes in; empty means the settings' default.
    languages: Sequence[str] = field(default_factory=tuple)
    # Set by `run()` for each screener: the flags raised before it, and where
    # the learned layer notes what it read.
    found: Sequence[Flag] = field(default_factory=tuple)
    reading: ModelReading = field(default_factory=ModelReading)


@dataclass(frozen=True)
class ScreeningResult:
    flags: list[Flag]
    risk_score: int
    action: Action
    # The text with every pii span replaced by a placeholder; "" when none.
    suggested_body: str = ""
    # The language the story is written in, when screening could tell.
    language: str | None = None
    # The learned model that read it ("" when no learned screener is configured).
    model_version: str = ""

    def flags_as_dicts(self) -> list[dict[str, Any]]:
        return [flag.as_dict() for flag in self.flags]


Screener = Callable[[str, ScreeningContext], list[Flag]]


@cache
def _load(paths: tuple[str, ...]) -> tuple[Screener, ...]:
    return tuple(import_string(path) for path in paths)


def screeners() -> tuple[Screener, ...]:
    return _load(tuple(settings.SCREENING_SCREENERS))


def named_screeners() -> list[tuple[str, Screener]]:
    """Each screener with the name its metrics carry (`pii`, `spam`, ...)."""
    names = [metrics.screener_name(path) for path in settings.SCREENING_SCREENERS]
    return list(zip(names, screeners(), strict=True))


def risk_score(flags: Sequence[Flag]) -> int:
    """0 (nothing found) to 100; the queue shows the riskiest first.

    Each kind counts once, at its most severe flag, so four staff names
    weigh like one and a threat outranks them all; kinds add up.
    """
    worst: dict[str, int] = {}
    for flag in flags:
        worst[flag.kind] = max(worst.get(flag.kind, 0), SEVERITY_POINTS[flag.severity])
    return min(100, sum(worst.values()))


Priority = Literal["urgent", "high", "normal", "routine"]


def priority(score: int | None) -> Priority:
    """The queue's label for a risk score. Sentiment and rating play no part:
    an honest negative story with no flags is as routine as a glowing one."""
    if score is None or score >= 60:
        return "urgent"  # unscreened (a failed screening) or a serious finding
    if score >= 30:
        return "high"
    if score > 0:
        return "normal"
    return "routine"


PLACEHOLDERS = {
    "PERSON": "[name]",
    "PHONE": "[phone]",
    "EMAIL": "[email]",
    "ADDRESS": "[address]",
    "DATE_OF_BIRTH": "[date of birth]",
    "MEDICAL_RECORD_NUMBER": "[record number]",
    "SSN": "[SSN]",
    "URL": "[link]",
}


def redact(text: str, flags: Sequence[Flag]) -> str:
    """The text with each pii span replaced by its placeholder, or "" when
    there is nothing to redact."""
    spans = sorted(
        (flag.start, flag.end, PLACEHOLDERS.get(flag.entity or "", "[redacted]"))
        for flag in flags
        if flag.kind == "pii" and flag.start is not None and flag.end is not None
    )
    if not spans:
        return ""
    parts: list[str] = []
    position = 0
    for start, end, placeholder in spans:
        if start < position:
            continue  # overlapping spans: the first one already covers it
        parts.append(text[position:start])
        parts.append(placeholder)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def decide(flags: Sequence[Flag], spam_score: float | None = None) -> Action:
    """Only clear spam skips the human queue: a rule's high-severity spam
    flag that the learned model confirms with high confidence
    (`SCREENING_MODEL_AUTO_REJECT_SCORE`). Without a learned screener
    (`spam_score` None) the rules decide alone. A model flag never rejects on
    its own. Nothing is ever rejected for its sentiment or rating (FTC 16 CFR
    465 forbids review suppression)."""
    clear_spam = any(
        flag.kind == "spam" and flag.severity == "high" and flag.score is None for flag in flags
    )
    if not clear_spam:
        return "queue"
    if spam_score is not None and spam_score < settings.SCREENING_MODEL_AUTO_REJECT_SCORE:
        return "queue"
    return "auto_reject"


def unscreened_flag(concern: str, language: str) -> Flag:
    name = NAMES.get(language, language)
    return Flag(
        kind="unscreened",
        severity="low",
        detail=f"Not screened for {concern} in {name} ({language}): our rules for it do not "
        "cover that language. Read it for that yourself.",
    )


def _concern(screener: Screener) -> str:
    module = getattr(screener, "__module__", "")
    return module.rsplit(".", 1)[-1].replace("_", " ")


def run(
    text: str,
    context: ScreeningContext,
    only: Sequence[tuple[str, Screener]] | None = None,
) -> ScreeningResult:
    """Screen `text` with every screener (or `only` these named ones). Every
    screener reads it folded (see `folding`); the flags' spans point at the
    original text."""
    folded = fold(text)
    if context.language is None:
        context = replace(context, language=story_language(folded.text))
    flags: list[Flag] = []
    reading = ModelReading()
    for name, screener in named_screeners() if only is None else only:
        covered = screener_languages(screener)
        if context.language and covered is not None and context.language not in covered:
            flags.append(unscreened_flag(_concern(screener), context.language))
            continue
        started = time.perf_counter()
        try:
            found = screener(folded.text, replace(context, found=tuple(flags), reading=reading))
        except Exception:
            metrics.screener_failures.labels(name).inc()
            raise
        finally:
            metrics.screener_duration.labels(name).observe(time.perf_counter() - started)
        flags.extend(_on_original(flag, folded) for flag in found)
    flags.sort(key=lambda flag: (flag.start is None, flag.start or 0, flag.kind))
    return ScreeningResult(
        flags=flags,
        risk_score=risk_score(flags),
        action=decide(flags, reading.scores.get("spam") if reading.version else None),
        suggested_body=redact(text, flags),
        language=context.language,
        model_version=reading.version,
    )


def _on_original(flag: Flag, folded: Folded) -> Flag:
    if flag.start is None or flag.end is None or not folded.changed:
        return flag
    start, end = folded.original_span(flag.start, flag.end)
    return replace(flag, start=start, end=end)


def screener_languages(screener: Screener) -> frozenset[str] | None:
    """The languages a screener's rules are written for; None: any."""
    module = import_module(screener.__module__)
    languages = getattr(module, "LANGUAGES", None)
    return frozenset(languages) if languages is not None else None
