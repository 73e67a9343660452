"""Working-time arithmetic of the SLA clocks, over ``resource.calendar``.

A :class:`WorkingTime` fetches the work intervals of one calendar (its attendances in its own
timezone, minus its leaves and the public holidays, i.e. the leaves without resource) ONCE for a
window covering a whole batch of tickets, and extends the window only when a deadline falls
beyond it. Every ticket sharing the calendar is then computed in memory, so the number of
queries does not depend on the number of tickets.

All datetimes given to and returned by this module are naive UTC, like ``fields.Datetime``.
Stops (pauses, closed periods) are ``(start, end)`` pairs, ``end`` being ``None`` while the
stop is still running.
"""

from bisect import bisect_right
from datetime import timedelta

from pytz import timezone, utc

WINDOW = timedelta(days=60)
MAX_WINDOW = timedelta(days=3660)
# Tolerance when comparing working hours (datetimes are stored to the second).
EPSILON_HOURS = 1 / 3600


def _aware(dt):
    return utc.localize(dt)


def _naive(dt):
    return dt.astimezone(utc).replace(tzinfo=None)


def _round(dt):
    """Round to the second: calendars end days at 23:59:59.999999."""
    return (dt + timedelta(microseconds=500000)).replace(microsecond=0)


def clock_end(reached, paused_since, now):
    """The moment up to which the clock of a target has run at ``now``: when the target was
    reached, else when the running stop began, else ``now`` (never later than ``now``)."""
    return min(reached or paused_since or now, now)


def target_result(used, allowed, reached):
    """The result of a target after ``used`` working hours of the ``allowed`` ones:
    ``None`` while its clock runs (``used`` is ``None``), ``breached`` beyond the allowed
    hours (one second of tolerance), else ``met`` if ``reached``, else ``paused``."""
    if used is None:
        return None
    if used > allowed + EPSILON_HOURS:
        return "breached"
    return "met" if reached else "paused"


def delay_hours(used, allowed):
    """The working hours of delay beyond the ``allowed`` ones (0 when on time)."""
    return max(used - allowed, 0.0)


def subtract_stops(intervals, stops):
    """Return the ``(start, end)`` intervals minus the stop periods (a running stop, whose end
    is ``None``, removes everything after its start)."""
    result = list(intervals)
    for stop_start, stop_end in stops:
        remaining = []
        for start, end in result:
            if stop_end is not None and stop_end <= start or end <= stop_start:
                remaining.append((start, end))
                continue
            if start < stop_start:
                remaining.append((start, stop_start))
            if stop_end is not None and stop_end < end:
                remaining.append((stop_end, end))
        result = remaining
    return result


class WorkingTime:
    """The working time of one calendar from ``start`` on, fetched by windows."""

    def __init__(self, calendar, start, end=None):
        self.calendar = calendar
        self.tz = timezone(calendar.tz or "UTC")
        self.start = start
        self.end = start
        self.starts = []
        self.intervals = []
        # deadlines without stops, shared by the tickets of a batch created together
        self._plans = {}
        self._extend(max(end or start, start) + WINDOW)

    def _extend(self, end):
        """Fetch the work intervals from the current end of the window to ``end``."""
        found = self.calendar._work_intervals_batch(
            _aware(self.end), _aware(end), tz=self.tz, compute_leaves=True
        )[False]
        for start, stop, _meta in found:
            start, stop = _naive(start), _naive(stop)
            if stop > start:
                self.intervals.append((start, stop))
                self.starts.append(start)
        self.end = end

    def _walk(self, start):
        """Yield the work intervals clipped to begin at ``start`` or later, extending the
        window as needed (up to ten years)."""
        if start < self.start:
            raise ValueError(f"{start} is before the working time window {self.start}")
        index = max(bisect_right(self.starts, start) - 1, 0)
        while True:
            while index < len(self.intervals):
                begin, stop = self.intervals[index]
                index += 1
                if stop > start:
                    yield max(begin, start), stop
            if self.end - self.start >= MAX_WINDOW:
                return
            self._extend(self.end + WINDOW)

    def plan(self, start, hours, stops=()):
        """The moment when ``hours`` of working time have elapsed from ``start``, the stop
        periods not counting. ``None`` if it is more than ten years away."""
        if not stops:
            key = (start, hours)
            if key not in self._plans:
                self._plans[key] = self._plan(start, hours, ())
            return self._plans[key]
        return self._plan(start, hours, stops)

    def _plan(self, start, hours, stops):
        remaining = timedelta(hours=hours)
        if remaining <= timedelta(0):
            return start
        for interval in self._walk(start):
            for begin, stop in subtract_stops([interval], stops):
                if stop - begin >= remaining:
                    return _round(begin + remaining)
                remaining -= stop - begin
        return None

    def hours(self, start, end, stops=()):
        """Working hours between ``start`` and ``end``, the stop periods not counting."""
        total = timedelta(0)
        if end <= start:
            return 0.0
        for begin, stop in self._walk(start):
            if begin >= end:
                break
            for part_start, part_end in subtract_stops([(begin, min(stop, end))], stops):
                total += part_end - part_start
            if stop >= end:
                break
        return total.total_seconds() / 3600
