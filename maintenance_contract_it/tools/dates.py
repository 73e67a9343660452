"""Date arithmetic of contracts, in one place: terms, renewals, notice deadlines.

Pure functions on ``datetime.date`` so they can be tested directly.
"""

from dateutil.relativedelta import relativedelta

TERM_UNITS = [("month", "Months"), ("year", "Years")]
NOTICE_UNITS = [("day", "Days"), ("month", "Months")]


def add_duration(start, quantity, unit):
    """Return ``start`` moved by ``quantity`` ``unit`` (day, month or year).

    Month arithmetic clamps to the end of the month: 31 Jan + 1 month = 28/29 Feb.
    """
    if unit == "day":
        return start + relativedelta(days=quantity)
    if unit == "month":
        return start + relativedelta(months=quantity)
    if unit == "year":
        return start + relativedelta(years=quantity)
    raise ValueError(f"unknown duration unit {unit!r}")


def term_end(start, quantity, unit):
    """Last day of a term of ``quantity`` ``unit`` starting on ``start`` (inclusive)."""
    return add_duration(start, quantity, unit) - relativedelta(days=1)


def period_bounds(anchor, day, months):
    """First and last day of the period of ``months`` months that contains ``day``, periods
    being counted from ``anchor`` (a contract's start): each bound is computed from the anchor,
    never from the previous bound, so 31 Jan gives 31 Jan, 28 Feb, 31 Mar...
    """
    elapsed = (day.year - anchor.year) * 12 + day.month - anchor.month
    index = elapsed // months
    start = add_duration(anchor, index * months, "month")
    if start > day:
        index -= 1
        start = add_duration(anchor, index * months, "month")
    return start, add_duration(anchor, (index + 1) * months, "month") - relativedelta(days=1)
