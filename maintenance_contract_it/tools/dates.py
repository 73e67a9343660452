"""Date arithmetic of contracts, in one place: terms, renewals, notice deadlines.

Pure functions on ``datetime.date`` so they can be tested directly.

Terms are computed from an anchor date and a number of months since that anchor, never by
chaining end dates: a contract starting on 31 January with monthly terms has its terms start
on 31 Jan, 28 Feb, 31 Mar, 30 Apr..., and one starting on 29 February 2024 with yearly terms
renews on 28 Feb 2025, 28 Feb 2026, 28 Feb 2027 and 29 Feb 2028.
"""

from dateutil.relativedelta import relativedelta

TERM_UNITS = [("month", "Months"), ("year", "Years")]
NOTICE_UNITS = [("day", "Days"), ("month", "Months")]

ONE_DAY = relativedelta(days=1)


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
    return add_duration(start, quantity, unit) - ONE_DAY


def to_months(quantity, unit):
    """Number of months of a term of ``quantity`` ``unit`` (month or year)."""
    if unit == "month":
        return quantity
    if unit == "year":
        return quantity * 12
    raise ValueError(f"unknown term unit {unit!r}")


def anchored_term_end(anchor, months):
    """Last day of the term ending ``months`` months after ``anchor`` (inclusive)."""
    return term_end(anchor, months, "month")


def notice_deadline(end, quantity, unit):
    """Last day to give notice for a term ending on ``end`` (inclusive) with a notice period of
    ``quantity`` ``unit`` (day or month).

    The period is counted back from the day after the end, so that a term ending on the last
    day of a month keeps a month-end deadline: term ending 28 Feb, one month of notice, deadline
    31 Jan; term ending 31 Dec, 3 months, deadline 30 Sep; 30 days, deadline 1 Dec.
    """
    return add_duration(end + ONE_DAY, -quantity, unit) - ONE_DAY


def months_between(start, end):
    """Months (with a fraction) from ``start`` to ``end`` (exclusive), 0 when ``end`` is not
    after ``start``. The remainder after the whole months is a fraction of the month in which
    it falls: 1 Jul to 1 Jan is 6.0, 16 Dec to 1 Jan is 16/31."""
    if end <= start:
        return 0.0
    delta = relativedelta(end, start)
    whole = delta.years * 12 + delta.months
    rest_start = start + relativedelta(months=whole)
    month_days = (rest_start + relativedelta(months=1) - rest_start).days
    return whole + (end - rest_start).days / month_days


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
    return start, add_duration(anchor, (index + 1) * months, "month") - ONE_DAY


def notice_fits_term(start, quantity, unit, notice, notice_unit):
    """Whether notice of ``notice`` ``notice_unit`` can be given during a term of ``quantity``
    ``unit`` starting on ``start``: its deadline must not fall before the term starts (a notice
    period as long as the term or longer leaves no day to give notice in time)."""
    end = term_end(start, quantity, unit)
    return notice_deadline(end, notice, notice_unit) >= start
