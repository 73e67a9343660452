from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from ..tools.sla import WorkingTime, subtract_stops
from .common import MaintenanceSlaCommon


@tagged("post_install", "-at_install")
class TestSlaDates(MaintenanceSlaCommon):
    """Working-time arithmetic of tools/sla.py, on real calendars. Times in UTC; the 8x5
    calendar works 9-13 and 14-18 Europe/Paris (UTC+1 in winter, UTC+2 in summer)."""

    def _plan(self, calendar, start, hours, stops=()):
        return WorkingTime(calendar, start).plan(start, hours, stops)

    def test_same_day_and_lunch(self):
        # Monday 2 March 2026, 10:00 Paris = 09:00 UTC
        start = datetime(2026, 3, 2, 9, 0)
        self.assertEqual(self._plan(self.calendar_8x5, start, 2), datetime(2026, 3, 2, 11, 0))
        # 3 hours: 10-13, then lunch, then 14-15 Paris
        self.assertEqual(self._plan(self.calendar_8x5, start, 4), datetime(2026, 3, 2, 14, 0))

    def test_across_night(self):
        # Monday 17:00 Paris + 2 h = Tuesday 10:00 Paris
        start = datetime(2026, 3, 2, 16, 0)
        self.assertEqual(self._plan(self.calendar_8x5, start, 2), datetime(2026, 3, 3, 9, 0))

    def test_outside_hours_starts_next_morning(self):
        # Monday 22:00 Paris + 1 h = Tuesday 10:00 Paris
        start = datetime(2026, 3, 2, 21, 0)
        self.assertEqual(self._plan(self.calendar_8x5, start, 1), datetime(2026, 3, 3, 9, 0))

    def test_across_weekend(self):
        # Friday 6 March 17:00 Paris + 2 h = Monday 9 March 10:00 Paris
        start = datetime(2026, 3, 6, 16, 0)
        self.assertEqual(self._plan(self.calendar_8x5, start, 2), datetime(2026, 3, 9, 9, 0))

    def test_public_holiday(self):
        # Friday 1 May 2026 is a public holiday (a leave without resource), summer time
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Labour Day",
                "calendar_id": False,
                "date_from": datetime(2026, 4, 30, 22, 0),
                "date_to": datetime(2026, 5, 1, 21, 59, 59),
            }
        )
        # Thursday 30 April 17:00 Paris (15:00 UTC) + 2 h = Monday 4 May 10:00 Paris
        start = datetime(2026, 4, 30, 15, 0)
        self.assertEqual(self._plan(self.calendar_8x5, start, 2), datetime(2026, 5, 4, 8, 0))

    def test_calendar_timezone(self):
        new_york = self.calendar_8x5.copy({"name": "8x5 New York", "tz": "America/New_York"})
        # Monday 2 March 2026 09:00 UTC is 04:00 in New York: the day starts at 9:00 EST
        # (14:00 UTC), so 2 h later is 16:00 UTC; in Paris it is 11:00 UTC.
        start = datetime(2026, 3, 2, 9, 0)
        self.assertEqual(self._plan(new_york, start, 2), datetime(2026, 3, 2, 16, 0))
        self.assertEqual(self._plan(self.calendar_8x5, start, 2), datetime(2026, 3, 2, 11, 0))

    def test_24x7_against_8x5(self):
        # Friday 6 March 17:00 Paris + 8 h
        start = datetime(2026, 3, 6, 16, 0)
        self.assertEqual(self._plan(self.calendar_24x7, start, 8), datetime(2026, 3, 7, 0, 0))
        self.assertEqual(self._plan(self.calendar_8x5, start, 8), datetime(2026, 3, 9, 16, 0))

    def test_hours_between(self):
        working_time = WorkingTime(self.calendar_8x5, datetime(2026, 3, 2, 0, 0))
        # Monday 10:00 to Tuesday 10:00 Paris: 7 h on Monday, 1 h on Tuesday
        self.assertAlmostEqual(
            working_time.hours(datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 3, 9, 0)), 8.0
        )
        # a whole week
        self.assertAlmostEqual(
            working_time.hours(datetime(2026, 3, 2, 0, 0), datetime(2026, 3, 9, 0, 0)), 40.0
        )

    def test_stops(self):
        start = datetime(2026, 3, 2, 9, 0)  # Monday 10:00 Paris
        # paused from 11:00 to 15:00 Paris: 3 working hours don't count
        stops = [(datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 2, 14, 0))]
        working_time = WorkingTime(self.calendar_8x5, start)
        self.assertEqual(working_time.plan(start, 2, stops), datetime(2026, 3, 2, 15, 0))
        self.assertAlmostEqual(working_time.hours(start, datetime(2026, 3, 2, 17, 0), stops), 4.0)
        # a running stop stops the clock for good
        running = [(datetime(2026, 3, 2, 10, 0), None)]
        self.assertAlmostEqual(working_time.hours(start, datetime(2026, 3, 9, 0), running), 1.0)
        self.assertIsNone(working_time.plan(start, 2, running))

    def test_subtract_stops(self):
        day = datetime(2026, 3, 2)
        intervals = [(day.replace(hour=8), day.replace(hour=12))]
        stops = [(day.replace(hour=9), day.replace(hour=10)), (day.replace(hour=11), None)]
        self.assertEqual(
            subtract_stops(intervals, stops),
            [
                (day.replace(hour=8), day.replace(hour=9)),
                (day.replace(hour=10), day.replace(hour=11)),
            ],
        )

    def test_window_extends(self):
        # 400 working hours (10 weeks) go beyond the first 60-day window
        start = datetime(2026, 3, 2, 8, 0)  # Monday 09:00 Paris
        self.assertEqual(self._plan(self.calendar_8x5, start, 400), datetime(2026, 5, 8, 16, 0))

    def test_queries_do_not_depend_on_the_number_of_plans(self):
        start = datetime(2026, 3, 2, 8, 0)
        working_time = WorkingTime(self.calendar_8x5, start)
        with self.assertQueryCount(0):
            for hour in range(200):
                working_time.plan(start.replace(minute=hour % 60), hour % 40)

    def test_calendar_change_of_attendance(self):
        half_days = self.env["resource.calendar"].create(
            {
                "name": "Mornings (test)",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {"name": "Morning", "dayofweek": str(day), "hour_from": 8, "hour_to": 12}
                    )
                    for day in range(5)
                ],
            }
        )
        start = datetime(2026, 3, 2, 11, 0)
        self.assertEqual(self._plan(half_days, start, 2), datetime(2026, 3, 3, 9, 0))
