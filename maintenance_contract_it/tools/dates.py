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


# Billing periods

BILLING_ALIGNMENTS = [("anchored", "Contract start date"), ("calendar", "Calendar periods")]

# Months of a billing period, per billing frequency: the one table of the module.
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12}


def frequency_months(frequency):
    """Months of a billing period of ``frequency`` (monthly when not set)."""
    return FREQUENCY_MONTHS.get(frequency or "monthly", 1)


def calendar_period_bounds(day, months):
    """First and last day of the calendar period of ``months`` months (1, 3, 6 or 12: month,
    quarter, half-year, year) that contains ``day``: 10 Mar 2027 is in 1 Jan - 31 Mar 2027 for
    quarters, in 1 Jan - 30 Jun 2027 for half-years."""
    first_month = (day.month - 1) // months * months + 1
    start = day.replace(month=first_month, day=1)
    return start, add_duration(start, months, "month") - ONE_DAY


def billing_period_bounds(anchor, day, months, alignment="anchored"):
    """Full period (first and last day) of ``months`` months containing ``day``, counted from
    ``anchor`` (``anchored``) or from the calendar (``calendar``)."""
    if alignment == "calendar":
        return calendar_period_bounds(day, months)
    return period_bounds(anchor, day, months)


def period_of_date(start, day, months, alignment="anchored"):
    """The billing period of a contract starting on ``start`` that contains ``day``: its
    first and last day, the first day clipped to the contract's start. This is THE period
    of a date of the module: the period invoiced, the period of the SLA penalty and of the
    SLA credit, of the prepaid hours, of the consumption and of the portal's compliance.

    A day before the start is in no period: its period is empty (it ends the day before the
    start). Calendar-aligned, monthly, start 10 March 2027: 15 March is in 10-31 March,
    20 April in 1-30 April; anchored: 20 April is in 10 April - 9 May.
    """
    if day < start:
        return start, start - ONE_DAY
    first, last = billing_period_bounds(start, day, months, alignment)
    return max(first, start), last


def billing_periods(start, until, months, alignment="anchored", end=None, since=None):
    """The billing periods of a contract that starts on ``start`` and ends on ``end`` (inclusive,
    None when open-ended), from its start (or from ``since``, the day after the last period
    already made) up to the one that contains ``until``: a list of
    ``(first day, last day, prorata)`` where the first and last day are clipped to the contract
    (the first calendar period starts on the contract's start, the last one stops at its end)
    and ``prorata`` is the share of the full period they cover, counted in days.

    Calendar-aligned, monthly, start 10 March 2027: 10-31 March with prorata 22/31, then
    1-30 April with prorata 1.0...
    """
    periods = []
    last = until if end is None else min(until, end)
    day = max(start, since) if since else start
    while day <= last:
        full_start, full_end = billing_period_bounds(start, day, months, alignment)
        first, stop = max(full_start, day), full_end if end is None else min(full_end, end)
        periods.append((first, stop, prorata(first, stop, full_start, full_end)))
        day = full_end + ONE_DAY
    return periods


def prorata(start, end, full_start, full_end):
    """Share of the full period ``full_start``-``full_end`` covered by ``start``-``end``, in
    days (all bounds inclusive): 1.0 for the full period."""
    if start <= full_start and end >= full_end:
        return 1.0
    if end < start:
        return 0.0
    return ((end - start).days + 1) / ((full_end - full_start).days + 1)


def billing_invoice_date(start, end, in_advance=True, offset=0):
    """Day on which a period ``start``-``end`` is invoiced: its first day (in advance) or the
    day after its last day (in arrears), ``offset`` days earlier."""
    day = start if in_advance else end + ONE_DAY
    return day - relativedelta(days=offset or 0)
