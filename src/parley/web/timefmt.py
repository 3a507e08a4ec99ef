"""Normalised times (TIMEX3 values) as a reader wants them: a date, a period, "this week",
"present", and where on an axis they belong.

The ledger stores what the times stage emits (docs/times.md): ISO dates, partial ones (`2023`,
`2023-11`, `2023-W08`, `2022-SU`, `2021-Q1`, `2023-06-02TNI`), TimeML references
(`PRESENT_REF`, `PAST_REF`, `FUTURE_REF`), durations and sets (`P1Y`, `PT24H`, `PXDE`) and values
with unknown parts (`XXXX-01-02`, `XXXX-WXX-7`). The dashboard used to cut them to ten characters
("PRESENT_RE"); `read_time` turns each into a label and, when it names a point or period, the
day it starts on (for the timeline axis).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
PARTS = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "DE": "decade", "CE": "century",
         "H": "hour", "MIN": "minute", "S": "second", "Q": "quarter", "WE": "weekend"}
REFS = {"PRESENT_REF": "present", "PAST_REF": "past", "FUTURE_REF": "future"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(.*))?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-(WE|\d))?$")
_QUARTER = re.compile(r"^(\d{4})-Q(\d)$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_DECADE = re.compile(r"^(\d{3})$")
_CENTURY = re.compile(r"^(\d{2})$")
_DURATION = re.compile(r"^P(T?)([\dX.]+)(DE|CE|MIN|[YMWDHS])$")


def parse_day(value: str | None) -> dt.date | None:
    """`YYYY[-MM[-DD]]` (an article date, a filter bound) as a date; missing parts: the first."""
    if not value:
        return None
    parts = (value.split("-") + ["01", "01"])[:3]
    try:
        return dt.date(int(parts[0]), int(parts[1] or 1), int(parts[2][:2] or 1))
    except ValueError:
        return None


def _week_start(year: int, week: int) -> dt.date | None:
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def read_time(value: str | None, anchor: str | None = None) -> dict:
    """`{"label", "day", "precision", "raw"}` for a TIMEX3 value.

    `day` is the ISO date the value starts on when it names a point or a period (None for
    durations, sets and unresolved values); `anchor` is the article date, against which
    references ("present"), this week/month/year and year-less dates are read.
    """
    return dict(_read(value or "", anchor or ""))


@lru_cache(maxsize=65536)
def _read(value: str, anchor: str) -> tuple:
    result = _read_uncached(value, anchor)
    result.setdefault("raw", value)
    return tuple(result.items())


def _relative(day: dt.date, anchor: dt.date | None, unit: str) -> str | None:
    if anchor is None:
        return None
    if unit == "week":
        same = day.isocalendar()[:2] == anchor.isocalendar()[:2]
        previous = (anchor - dt.timedelta(days=7)).isocalendar()[:2] == day.isocalendar()[:2]
        following = (anchor + dt.timedelta(days=7)).isocalendar()[:2] == day.isocalendar()[:2]
    elif unit == "month":
        same = (day.year, day.month) == (anchor.year, anchor.month)
        previous = (day.year * 12 + day.month) == (anchor.year * 12 + anchor.month - 1)
        following = (day.year * 12 + day.month) == (anchor.year * 12 + anchor.month + 1)
    else:
        same, previous, following = (day.year == anchor.year, day.year == anchor.year - 1,
                                     day.year == anchor.year + 1)
    return (f"this {unit}" if same else f"last {unit}" if previous
            else f"next {unit}" if following else None)


def _read_uncached(value: str, anchor_text: str) -> dict:
    anchor = parse_day(anchor_text)
    if not value:
        return {"label": "", "day": None, "precision": None}
    if value in REFS:
        return {"label": REFS[value], "precision": "reference",
                "day": anchor.isoformat() if anchor and value == "PRESENT_REF" else None}
    if value.startswith("XXXX"):
        return _unknown_year(value, anchor)
    match = _DATE.match(value)
    if match:
        day = parse_day(value[:10])
        if day is None:
            return {"label": value, "day": None, "precision": None}
        label = day.isoformat()
        clock = match.group(4)
        if clock:
            label += " " + (PARTS.get(clock, clock.rstrip("Z")) if clock != "24:00" else "midnight")
        return {"label": label, "day": day.isoformat(), "precision": "day"}
    match = _MONTH.match(value)
    if match:
        day = parse_day(value)
        if day is None:
            return {"label": value, "day": None, "precision": None}
        label = f"{MONTHS[day.month - 1]} {day.year}"
        near = _relative(day, anchor, "month")
        return {"label": f"{near} ({label})" if near else label, "day": day.isoformat(),
                "precision": "month"}
    match = _YEAR.match(value)
    if match:
        day = dt.date(int(value), 1, 1) if int(value) >= 1 else None
        near = _relative(day, anchor, "year") if day else None
        return {"label": f"{near} ({value})" if near else value,
                "day": day.isoformat() if day else None, "precision": "year"}
    match = _WEEK.match(value)
    if match:
        start = _week_start(int(match.group(1)), int(match.group(2)))
        if start is None:
            return {"label": value, "day": None, "precision": None}
        tail = match.group(3)
        if tail and tail.isdigit():
            day = start + dt.timedelta(days=int(tail) - 1)
            return {"label": day.isoformat(), "day": day.isoformat(), "precision": "day"}
        near = _relative(start, anchor, "week")
        label = f"week of {start.isoformat()}"
        if tail == "WE":
            label = f"weekend of {(start + dt.timedelta(days=5)).isoformat()}"
            near = near and near.replace("week", "weekend")
        return {"label": f"{near} ({label})" if near else label, "day": start.isoformat(),
                "precision": "week"}
    match = _QUARTER.match(value)
    if match and 1 <= int(match.group(2)) <= 4:
        q = int(match.group(2))
        return {"label": f"Q{q} {match.group(1)}", "precision": "quarter",
                "day": dt.date(int(match.group(1)), 3 * q - 2, 1).isoformat()}
    match = _SEASON.match(value)
    if match:
        season = match.group(2)
        return {"label": f"{SEASONS[season]} {match.group(1)}", "precision": "season",
                "day": dt.date(int(match.group(1)), SEASON_MONTH[season], 1).isoformat()}
    match = _DECADE.match(value)
    if match:
        return {"label": f"the {value}0s", "precision": "decade",
                "day": dt.date(max(int(value) * 10, 1), 1, 1).isoformat()}
    match = _CENTURY.match(value)
    if match:
        n = int(value) + 1
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return {"label": f"the {n}{suffix} century", "precision": "century",
                "day": dt.date(max(int(value) * 100, 1), 1, 1).isoformat()}
    match = _DURATION.match(value)
    if match:
        amount, unit = match.group(2), match.group(3)
        if match.group(1) and unit == "M":
            unit = "MIN"
        name = UNITS.get(unit, unit)
        if amount == "X":
            return {"label": f"{name}s (unspecified)", "day": None, "precision": "duration"}
        plural = "" if amount in ("1", "1.0") else "s"
        return {"label": f"{amount} {name}{plural}", "day": None, "precision": "duration"}
    if value.startswith("P"):
        return {"label": f"a duration ({value})", "day": None, "precision": "duration"}
    return {"label": value, "day": None, "precision": None}


def _unknown_year(value: str, anchor: dt.date | None) -> dict:
    """`XXXX-01-02`: a day named without its year; read in the article's year when known."""
    parts = value.split("-")
    if len(parts) >= 2 and parts[1].startswith("W"):
        if len(parts) == 3 and parts[2].isdigit() and 1 <= int(parts[2]) <= 7:
            return {"label": f"{WEEKDAYS[int(parts[2]) - 1]}s" if parts[1] == "WXX"
                    else WEEKDAYS[int(parts[2]) - 1], "day": None, "precision": "set"}
        return {"label": "a week (year not stated)", "day": None, "precision": None}
    month = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
    day = int(parts[2][:2]) if len(parts) >= 3 and parts[2][:2].isdigit() else None
    if month is None or not 1 <= month <= 12:
        return {"label": "a date (year not stated)", "day": None, "precision": None}
    name = f"{day} {MONTHS[month - 1]}" if day else MONTHS[month - 1]
    if anchor is None:
        return {"label": f"{name} (year not stated)", "day": None, "precision": None}
    try:
        resolved = dt.date(anchor.year, month, day or 1)
    except ValueError:
        return {"label": f"{name} (year not stated)", "day": None, "precision": None}
    return {"label": f"{name} {anchor.year} (year assumed)", "day": resolved.isoformat(),
            "precision": "day" if day else "month"}
