"""Authorization rules that need no database.

- `content_sha256`: the fingerprint of what a patient authorizes, the exact
  text and the name shown with it. The gate (`selectors.shown_sha256`)
  computes the same in SQL from what a story would show.
- `is_redaction`: whether a moderator's edit stays inside what the patient
  authorized. A redaction only takes words out and marks every place it
  did with a placeholder such as `[name]` or `[…]`, so a reader always sees
  that something was removed and the text never says something the patient
  did not. Anything else (a word added, words reordered, words removed
  without a marker, which could drop a "not" or an "at first") changes the
  meaning, and the patient must approve the new text.
- `word_diff`: how the patient and moderators see an edit.
- `discloser_named`: who discloses a story, with its organisation and location.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

# The placeholders a redaction may leave, compared case-insensitively:
# screening's suggestions (`moderation.screening`) plus a few generic ones.
# Any other bracketed text counts as ordinary words, so "[it cured me]" is
# an addition, not a placeholder.
PLACEHOLDERS = frozenset(
    {
        "name",
        "phone",
        "email",
        "address",
        "date of birth",
        "record number",
        "ssn",
        "link",
        "date",
        "place",
        "redacted",
        "removed",
        "…",
        "...",
    }
)
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,20})\]")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# Markup such as <b> is formatting, not words (what a page shows is escaped).
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,30}>")


def expiry_day(months: str, *, today: date) -> date | None:
    """The forms' "until" choice ("12", "24", "36" months) as a last day;
    None when no choice was made."""
    if not months.isdigit():
        return None
    return today + timedelta(days=365 * int(months) // 12)


def content_sha256(*, text: str, display_name: str) -> str:
    """SHA-256 (hex) of the text and the name it is shown under.

    Length-prefixed, so that no other text and name give the same bytes."""
    payload = f"{len(display_name)}:{display_name}\n{text}"
    return hashlib.sha256(payload.encode()).hexdigest()


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(_TAG.sub(" ", text))]


def _edited_tokens(text: str) -> list[str | None]:
    """Words, casefolded, with None where a placeholder stands."""
    tokens: list[str | None] = []
    position = 0
    for match in _BRACKETED.finditer(text):
        if match.group(1).strip().casefold() not in PLACEHOLDERS:
            continue
        tokens.extend(_words(text[position : match.start()]))
        if not tokens or tokens[-1] is not None:
            tokens.append(None)
        position = match.end()
    tokens.extend(_words(text[position:]))
    return tokens


def _find(haystack: list[str], needle: list[str], start: int) -> int:
    for index in range(start, len(haystack) - len(needle) + 1):
        if haystack[index : index + len(needle)] == needle:
            return index
    return -1


def is_redaction(original: str, edited: str) -> bool:
    """True when `edited` is `original` with some runs of words replaced by
    placeholders, and otherwise changed at most in case, spacing and
    punctuation.

    Precisely: split `edited` at its placeholders into runs of words; each
    run must appear in `original`'s words, in order, without overlapping;
    two runs may be apart (words removed) only where a placeholder stands
    between them, and the first run must start the original (the last end
    it) unless a placeholder stands before it (after it).
    """
    source = _words(original)
    tokens = _edited_tokens(edited)
    runs: list[tuple[list[str], bool]] = []  # (words, a placeholder stands before them)
    current: list[str] = []
    gap = False
    for token in tokens:
        if token is None:
            if current:
                runs.append((current, gap))
                current = []
            gap = True
        else:
            current.append(token)
    if current:
        runs.append((current, gap))
        gap = False
    trailing_gap = gap

    position = 0
    for index, (words, gap_before) in enumerate(runs):
        last = index == len(runs) - 1
        if not gap_before:
            start = position
            if source[start : start + len(words)] != words:
                return False
        elif last and not trailing_gap:
            start = len(source) - len(words)  # the last run must end the text
            if start < position or source[start:] != words:
                return False
        else:
            start = _find(source, words, position)  # the earliest leaves most room
            if start < 0:
                return False
        position = start + len(words)
    return trailing_gap or position == len(source)


@dataclass(frozen=True)
class DiffPart:
    """A run of words an edit kept (`equal`), took out or put in."""

    op: str  # "equal", "removed" or "added"
    text: str


def word_diff(original: str, edited: str) -> list[DiffPart]:
    """The word diff of an edit, the one every page shows (the patient's
    approval page, the moderators' review page): runs kept, removed, added."""
    before, after = original.split(), edited.split()
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("equal", " ".join(before[a0:a1])))
            continue
        if a1 > a0:
            parts.append(DiffPart("removed", " ".join(before[a0:a1])))
        if b1 > b0:
            parts.append(DiffPart("added", " ".join(after[b0:b1])))
    return parts


def discloser_named(discloser: str, *, organisation: str, location: str = "") -> str:
    """Who uses and discloses a story, as its authorization must name them
    (45 CFR 164.508(c)(1)(ii)): the organisation, the location where the
    patient was treated (when it has a name of its own), then the consent
    version's words. A name the version's words already say is not said
    again (an organisation's own consent text names it)."""
    said = discloser.casefold()
    location = "" if location == organisation or location.casefold() in said else location
    if organisation and organisation.casefold() in said:
        organisation = ""
    names = (
        f"{organisation} ({location})" if organisation and location else organisation or location
    )
    return f"{names}: {discloser}" if names else discloser
