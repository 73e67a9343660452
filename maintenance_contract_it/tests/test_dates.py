from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.dates import anchored_term_end, months_between, notice_deadline, term_end, to_months


@tagged("post_install", "-at_install")
class TestDates(BaseCase):
    def test_term_end(self):
        self.assertEqual(term_end(date(2026, 1, 1), 12, "month"), date(2026, 12, 31))
        self.assertEqual(term_end(date(2026, 1, 1), 2, "year"), date(2027, 12, 31))
        self.assertEqual(term_end(date(2026, 1, 31), 1, "month"), date(2026, 2, 27))

    def test_anchored_terms_keep_month_ends(self):
        anchor = date(2026, 1, 31)
        ends = [anchored_term_end(anchor, months) for months in range(1, 5)]
        self.assertEqual(
            ends, [date(2026, 2, 27), date(2026, 3, 30), date(2026, 4, 29), date(2026, 5, 30)]
        )

    def test_anchored_terms_leap_year(self):
        anchor = date(2024, 2, 29)
        self.assertEqual(anchored_term_end(anchor, 12), date(2025, 2, 27))
        self.assertEqual(anchored_term_end(anchor, 24), date(2026, 2, 27))
        self.assertEqual(anchored_term_end(anchor, 48), date(2028, 2, 28))

    def test_to_months(self):
        self.assertEqual(to_months(3, "month"), 3)
        self.assertEqual(to_months(2, "year"), 24)
        with self.assertRaises(ValueError):
            to_months(1, "day")

    def test_notice_deadline_months(self):
        self.assertEqual(notice_deadline(date(2026, 12, 31), 3, "month"), date(2026, 9, 30))
        # a term ending at the end of February keeps a month-end deadline
        self.assertEqual(notice_deadline(date(2027, 2, 28), 1, "month"), date(2027, 1, 31))
        self.assertEqual(notice_deadline(date(2028, 2, 29), 1, "month"), date(2028, 1, 31))
        self.assertEqual(notice_deadline(date(2026, 6, 14), 2, "month"), date(2026, 4, 14))

    def test_notice_deadline_days(self):
        self.assertEqual(notice_deadline(date(2026, 12, 31), 30, "day"), date(2026, 12, 1))
        self.assertEqual(notice_deadline(date(2028, 3, 1), 1, "day"), date(2028, 2, 29))
        self.assertEqual(notice_deadline(date(2026, 12, 31), 0, "day"), date(2026, 12, 31))

    def test_months_between(self):
        self.assertEqual(months_between(date(2026, 7, 1), date(2027, 1, 1)), 6.0)
        self.assertAlmostEqual(months_between(date(2026, 12, 16), date(2027, 1, 1)), 16 / 31)
        self.assertEqual(months_between(date(2026, 1, 31), date(2026, 2, 28)), 1.0)
        self.assertEqual(months_between(date(2027, 1, 1), date(2026, 7, 1)), 0.0)
