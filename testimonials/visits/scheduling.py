"""When a visit's ask goes out: `INVITATION_DELAY_MINUTES` after the visit
was completed (or now, for a visit sent late), moved out of
`INVITATION_QUIET_HOURS` on the location's clock to the hour they end."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def quiet_hours() -> tuple[int, int] | None:
    """(start, end) in whole hours, or None when quiet hours are off. The
    setting's form is checked at startup (config/settings/invitations.py)."""
    text = settings.INVITATION_QUIET_HOURS.strip()
    if not text:
        return None
    start, end = (int(part) for part in text.split("-"))
    return None if start == end else (start, end)


def _is_quiet(hour: int, window: tuple[int, int]) -> bool:
    start, end = window
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def ask_due_at(*, completed_at: datetime, zone: ZoneInfo, now: datetime) -> datetime:
    """The instant (UTC) the ask of a visit completed at `completed_at`,
    at a location whose clock is `zone`, goes out."""
    due = max(completed_at + timedelta(minutes=settings.INVITATION_DELAY_MINUTES), now)
    window = quiet_hours()
    local = due.astimezone(zone)
    if window is None or not _is_quiet(local.hour, window):
        return due.astimezone(UTC)
    end = window[1]
    # The end of this quiet spell: today at `end` if that is still ahead,
    # else tomorrow at `end` (a calendar day, whatever its length).
    day = local.date() if local.hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=zone).astimezone(UTC)


def is_quiet_now(*, zone: ZoneInfo, now: datetime) -> bool:
    """Whether `now` falls in quiet hours on a clock of `zone`."""
    window = quiet_hours()
    return window is not None and _is_quiet(now.astimezone(zone).hour, window)
