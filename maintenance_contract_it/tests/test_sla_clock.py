from freezegun import freeze_time

from odoo.tests import tagged

from .common import MaintenanceSlaCommon

# All times UTC. The 8x5 calendar works 9-13 and 14-18 Europe/Paris (UTC+1 in March).
# Priority "2": response 4 h, resolution 16 h; priority "3": 1 h and 4 h.


@tagged("post_install", "-at_install")
class TestSlaClock(MaintenanceSlaCommon):
    def _at(self, moment):
        """Travel to ``moment``; the non-stored statuses are read again."""
        frozen = freeze_time(moment)
        frozen.start()
        self.addCleanup(frozen.stop)
        self.env.invalidate_all()
        return frozen

    def _reply(self, ticket, user=None, **kwargs):
        kwargs.setdefault("message_type", "comment")
        kwargs.setdefault("subtype_xmlid", "mail.mt_comment")
        return ticket.with_user(user or self.agent).message_post(body="Looking into it", **kwargs)

    def test_deadlines_from_creation(self):
        with freeze_time("2026-03-02 09:00:00"):  # Monday 10:00 Paris
            ticket = self._create_ticket()
        self.assertEqual(ticket.sla_response_target, 4)
        # 10-13, lunch, 14-15 Paris
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-02 14:00:00")
        # 80 %: 3.2 h
        self.assertEqual(str(ticket.sla_response_risk_date), "2026-03-02 13:12:00")
        # 7 h on Monday, 8 on Tuesday, 1 on Wednesday
        self.assertEqual(str(ticket.sla_resolution_deadline), "2026-03-04 09:00:00")

    def test_created_friday_evening_deadline_after_weekend(self):
        with freeze_time("2026-03-06 16:30:00"):  # Friday 17:30 Paris
            ticket = self._create_ticket()
        # 0.5 h on Friday, 3.5 h on Monday morning: 12:30 Paris
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-09 11:30:00")

    def test_statuses_move_with_time(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self.assertEqual(ticket.sla_response_status, "running")
        self._at("2026-03-02 13:30:00")
        self.assertEqual(ticket.sla_response_status, "at_risk")
        self.assertEqual(ticket.sla_resolution_status, "running")
        self.assertAlmostEqual(ticket.sla_response_hours_used, 3.5)
        Ticket = self.env["helpdesk.ticket"]
        self.assertIn(ticket, Ticket.search([("sla_response_status", "=", "at_risk")]))
        # the deadline passed: breached at once, no job needed
        self._at("2026-03-02 14:00:01")
        self.assertEqual(ticket.sla_response_status, "breached")
        self.assertIn(ticket, Ticket.search([("sla_response_status", "=", "breached")]))
        self.assertNotIn(ticket, Ticket.search([("sla_response_status", "=", "at_risk")]))
        self.assertIn(ticket, Ticket.search([("sla_response_status", "!=", "running")]))

    def test_response_met_by_reply_not_by_stage_or_note(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-02 10:00:00")
        ticket.stage_id = self.stage_progress
        ticket.with_user(self.agent).message_post(body="internal", subtype_xmlid="mail.mt_note")
        ticket.message_post(
            body="Thanks",
            author_id=self.customer_contact.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(ticket.sla_response_reached)
        self._at("2026-03-02 11:00:00")
        self._reply(ticket, message_type="email")
        self.assertEqual(str(ticket.sla_response_reached), "2026-03-02 11:00:00")
        self.assertEqual(ticket.sla_response_result, "met")
        self.assertEqual(ticket.sla_response_status, "met")
        self.assertAlmostEqual(ticket.sla_response_work_hours, 2.0)
        # a later reply changes nothing
        self._at("2026-03-02 15:00:00")
        self._reply(ticket)
        self.assertEqual(str(ticket.sla_response_reached), "2026-03-02 11:00:00")
        self.assertEqual(ticket.sla_response_status, "met")

    def test_closing_does_not_answer(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-02 10:00:00")
        ticket.stage_id = self.stage_done
        self.assertFalse(ticket.sla_response_reached)
        self.assertEqual(ticket.sla_resolution_status, "met")
        self.assertEqual(str(ticket.sla_resolution_reached), "2026-03-02 10:00:00")

    def test_late_reply_is_breached(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-03 09:00:00")
        self._reply(ticket)
        self.assertEqual(ticket.sla_response_result, "breached")
        self.assertAlmostEqual(ticket.sla_response_work_hours, 8.0)

    def test_pause_moves_deadlines(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-02 11:00:00")  # 12:00 Paris, 2 h used
        ticket.stage_id = self.stage_awaiting
        self.assertEqual(ticket.sla_response_status, "paused")
        self.assertEqual(ticket.sla_resolution_status, "paused")
        self.assertEqual(str(ticket.sla_paused_since), "2026-03-02 11:00:00")
        # past the original deadline: still paused, not breached
        self._at("2026-03-03 08:00:00")
        self.assertEqual(ticket.sla_response_status, "paused")
        self.assertAlmostEqual(ticket.sla_response_hours_used, 2.0)
        self.assertNotIn(
            ticket, self.env["helpdesk.ticket"].search([("sla_response_status", "=", "breached")])
        )
        self._at("2026-03-03 09:00:00")  # Tuesday 10:00 Paris: 6 working hours paused
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.sla_response_status, "running")
        self.assertFalse(ticket.sla_paused_since)
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-03 11:00:00")
        self.assertEqual(str(ticket.sla_resolution_deadline), "2026-03-04 16:00:00")
        stop = ticket.sla_pause_ids
        self.assertEqual(len(stop), 1)
        self.assertEqual(stop.kind, "pause")
        self.assertEqual(str(stop.date_end), "2026-03-03 09:00:00")
        # a second pause adds up
        self._at("2026-03-03 10:00:00")
        ticket.stage_id = self.stage_awaiting
        self._at("2026-03-03 13:00:00")  # 11:00-14:00 Paris: 2 working hours
        ticket.stage_id = self.stage_progress
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-03 14:00:00")
        self.assertEqual(len(ticket.sla_pause_ids), 2)

    def test_pause_after_breach_stays_breached(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-02 16:00:00")
        ticket.stage_id = self.stage_awaiting
        self.assertEqual(ticket.sla_response_status, "breached")
        self.assertEqual(ticket.sla_resolution_status, "paused")

    def test_reopening_resumes_resolution(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-02 11:00:00")  # 2 h used
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.sla_resolution_status, "met")
        self.assertAlmostEqual(ticket.sla_resolution_work_hours, 2.0)
        self._at("2026-03-04 09:00:00")  # Wednesday 10:00 Paris
        ticket.stage_id = self.stage_progress
        self.assertFalse(ticket.sla_resolution_reached)
        self.assertEqual(ticket.sla_resolution_status, "running")
        # 14 h left from Wednesday 10:00 Paris: Thursday 17:00 Paris
        self.assertEqual(str(ticket.sla_resolution_deadline), "2026-03-05 16:00:00")
        self.assertEqual(ticket.sla_pause_ids.mapped("kind"), ["closed"])
        self._at("2026-03-05 10:00:00")
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.sla_resolution_status, "met")
        # 2 h, then Wednesday 10:00-18:00 and Thursday 9:00-11:00 Paris
        self.assertAlmostEqual(ticket.sla_resolution_work_hours, 2.0 + 7.0 + 2.0)

    def test_priority_change_recomputes_from_creation_keeping_pauses(self):
        self._at("2026-03-02 09:00:00")
        ticket = self._create_ticket()
        self._at("2026-03-02 09:30:00")
        ticket.stage_id = self.stage_awaiting
        self._at("2026-03-02 10:30:00")  # paused 10:30-11:30 Paris
        ticket.stage_id = self.stage_progress
        ticket.priority = "3"
        self.assertEqual(ticket.sla_response_target, 1)
        # 10:00-10:30 then 11:30-12:00 Paris
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-02 11:00:00")
        # 4 h: 10:00-10:30, 11:30-13:00, 14:00-16:00 Paris
        self.assertEqual(str(ticket.sla_resolution_deadline), "2026-03-02 15:00:00")

    def test_24x7_policy(self):
        self.sla_policy.calendar_id = self.calendar_24x7
        with freeze_time("2026-03-06 20:00:00"):  # Friday night
            ticket = self._create_ticket()
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-07 00:00:00")
        self.assertEqual(str(ticket.sla_resolution_deadline), "2026-03-07 12:00:00")

    def test_public_holiday_in_policy_calendar(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Labour Day",
                "calendar_id": self.calendar_8x5.id,
                "date_from": "2026-04-30 22:00:00",
                "date_to": "2026-05-01 21:59:59",
            }
        )
        with freeze_time("2026-04-30 14:00:00"):  # Thursday 16:00 Paris (UTC+2)
            ticket = self._create_ticket()
        # 2 h on Thursday, Friday off, weekend, 2 h on Monday: 11:00 Paris
        self.assertEqual(str(ticket.sla_response_deadline), "2026-05-04 09:00:00")

    def test_recompute_queries_do_not_grow_with_tickets(self):
        with freeze_time("2026-03-02 09:00:00"):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Ticket {index}",
                        "description": "<p>x</p>",
                        "partner_id": self.customer_contact.id,
                        "team_id": self.team.id,
                        "priority": str(index % 4),
                    }
                    for index in range(50)
                ]
            )
        self.assertEqual(len(tickets.sla_policy_id), 1)

        def count(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records._sla_recompute()
            return self.env.cr.sql_log_count - before

        few, many = count(tickets[:10]), count(tickets)
        self.assertEqual(few, many)
        self.assertLess(many, 15)
        self.assertEqual(str(tickets[2].sla_response_deadline), "2026-03-02 14:00:00")

        def count_status(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.mapped("sla_response_hours_used")
            records.mapped("sla_resolution_status")
            return self.env.cr.sql_log_count - before

        self.assertEqual(count_status(tickets[:10]), count_status(tickets))
