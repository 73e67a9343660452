from datetime import date

from odoo.tests import BaseCase

from ..tools.dates import (
    billing_invoice_date,
    billing_period_bounds,
    billing_periods,
    calendar_period_bounds,
    frequency_months,
    period_of_date,
    prorata,
)


class TestBillingDates(BaseCase):
    def test_calendar_bounds(self):
        day = date(2027, 3, 10)
        self.assertEqual(calendar_period_bounds(day, 1), (date(2027, 3, 1), date(2027, 3, 31)))
        self.assertEqual(calendar_period_bounds(day, 3), (date(2027, 1, 1), date(2027, 3, 31)))
        self.assertEqual(calendar_period_bounds(day, 6), (date(2027, 1, 1), date(2027, 6, 30)))
        self.assertEqual(calendar_period_bounds(day, 12), (date(2027, 1, 1), date(2027, 12, 31)))
        self.assertEqual(
            calendar_period_bounds(date(2027, 11, 30), 3), (date(2027, 10, 1), date(2027, 12, 31))
        )
        self.assertEqual(
            calendar_period_bounds(date(2028, 2, 29), 1), (date(2028, 2, 1), date(2028, 2, 29))
        )

    def test_anchored_bounds_keep_month_ends(self):
        anchor = date(2027, 1, 31)
        self.assertEqual(
            billing_period_bounds(anchor, date(2027, 3, 5), 1),
            (date(2027, 2, 28), date(2027, 3, 30)),
        )
        self.assertEqual(
            billing_period_bounds(anchor, date(2027, 3, 31), 1),
            (date(2027, 3, 31), date(2027, 4, 29)),
        )

    def test_calendar_first_period_prorated(self):
        # 300.00 a month from 10 March 2027: 10-31 March is 22 of 31 days
        periods = billing_periods(date(2027, 3, 10), date(2027, 5, 1), 1, "calendar")
        self.assertEqual(
            periods,
            [
                (date(2027, 3, 10), date(2027, 3, 31), 22 / 31),
                (date(2027, 4, 1), date(2027, 4, 30), 1.0),
                (date(2027, 5, 1), date(2027, 5, 31), 1.0),
            ],
        )
        self.assertEqual(round(300.0 * periods[0][2], 2), 212.90)

    def test_calendar_quarter_prorated(self):
        # quarter Jan-Mar 2027 has 90 days; from 10 March: 22 days
        periods = billing_periods(date(2027, 3, 10), date(2027, 4, 1), 3, "calendar")
        self.assertEqual(periods[0], (date(2027, 3, 10), date(2027, 3, 31), 22 / 90))
        self.assertEqual(periods[1], (date(2027, 4, 1), date(2027, 6, 30), 1.0))

    def test_anchored_periods(self):
        periods = billing_periods(date(2027, 3, 10), date(2027, 5, 9), 1)
        self.assertEqual(
            periods,
            [
                (date(2027, 3, 10), date(2027, 4, 9), 1.0),
                (date(2027, 4, 10), date(2027, 5, 9), 1.0),
            ],
        )

    def test_end_prorates_last_period(self):
        # anchored monthly from 1 Jan, ends 15 March: March is 15 of 31 days
        periods = billing_periods(
            date(2027, 1, 1), date(2027, 12, 31), 1, "anchored", end=date(2027, 3, 15)
        )
        self.assertEqual(len(periods), 3)
        self.assertEqual(periods[-1], (date(2027, 3, 1), date(2027, 3, 15), 15 / 31))

    def test_since_skips_made_periods(self):
        periods = billing_periods(
            date(2027, 1, 1), date(2027, 3, 1), 1, "anchored", since=date(2027, 2, 1)
        )
        self.assertEqual(
            periods,
            [
                (date(2027, 2, 1), date(2027, 2, 28), 1.0),
                (date(2027, 3, 1), date(2027, 3, 31), 1.0),
            ],
        )
        # the day after a period shortened by hand: the rest of its full period, prorated
        periods = billing_periods(
            date(2027, 1, 1), date(2027, 1, 20), 1, "anchored", since=date(2027, 1, 16)
        )
        self.assertEqual(periods, [(date(2027, 1, 16), date(2027, 1, 31), 16 / 31)])

    def test_prorata(self):
        full = (date(2027, 3, 1), date(2027, 3, 31))
        self.assertEqual(prorata(*full, *full), 1.0)
        self.assertEqual(prorata(date(2027, 3, 10), date(2027, 3, 31), *full), 22 / 31)
        self.assertEqual(prorata(date(2027, 3, 10), date(2027, 3, 9), *full), 0.0)

    def test_invoice_date(self):
        start, end = date(2027, 3, 1), date(2027, 3, 31)
        self.assertEqual(billing_invoice_date(start, end, True), date(2027, 3, 1))
        self.assertEqual(billing_invoice_date(start, end, False), date(2027, 4, 1))
        self.assertEqual(billing_invoice_date(start, end, True, 5), date(2027, 2, 24))
        self.assertEqual(billing_invoice_date(start, end, False, 5), date(2027, 3, 27))

    def test_period_of_date(self):
        start = date(2027, 3, 10)
        # calendar-aligned: the first period starts on the contract's start, then months
        self.assertEqual(
            period_of_date(start, date(2027, 3, 15), 1, "calendar"),
            (date(2027, 3, 10), date(2027, 3, 31)),
        )
        self.assertEqual(
            period_of_date(start, date(2027, 4, 20), 1, "calendar"),
            (date(2027, 4, 1), date(2027, 4, 30)),
        )
        self.assertEqual(
            period_of_date(start, date(2027, 5, 5), 3, "calendar"),
            (date(2027, 4, 1), date(2027, 6, 30)),
        )
        # anchored on the start
        self.assertEqual(
            period_of_date(start, date(2027, 4, 20), 1),
            (date(2027, 4, 10), date(2027, 5, 9)),
        )
        # a day before the start is in no period, also in the start's calendar month
        for alignment in ("calendar", "anchored"):
            self.assertEqual(
                period_of_date(start, date(2027, 3, 9), 1, alignment),
                (date(2027, 3, 10), date(2027, 3, 9)),
            )

    def test_frequency_months(self):
        self.assertEqual(
            [frequency_months(f) for f in ("monthly", "quarterly", "semiannual", "yearly")],
            [1, 3, 6, 12],
        )
        self.assertEqual(frequency_months(False), 1)
