"""The clinic's days: `CLINIC_TIME_ZONE` turns a day count or a chosen day
into an instant. Stored times stay in UTC; a day is a calendar day where the
clinic is, 23 or 25 hours long across a daylight-saving change, so "until
March 8" ends at midnight there and "in 30 days" keeps the hour on the
clock."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


def clinic_today(now: datetime | None = None) -> date:
    """The date at the clinic at `now` (default: this moment)."""
    return (now or timezone.now()).astimezone(clinic_zone()).date()


def end_of_clinic_day(day: date) -> datetime:
    """The instant `day` ends at the clinic (the next day's midnight there), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=clinic_zone()).astimezone(UTC)


def clinic_days_later(instant: datetime, days: int) -> datetime:
    """`days` calendar days after `instant` at the same time on the
    clinic's clock, in UTC (negative `days`: before). Aware arithmetic in
    a ZoneInfo zone keeps the wall clock; the conversion back settles the
    offset of the day it lands on."""
    local = instant.astimezone(clinic_zone())
    return (local + timedelta(days=days)).astimezone(UTC)


def clinic_week_of(value: datetime | date) -> date:
    """The Monday of the clinic's week that `value` falls in (an instant is
    read on the clinic's clock)."""
    if isinstance(value, datetime):
        value = value.astimezone(clinic_zone()).date()
    return value - timedelta(days=value.weekday())
