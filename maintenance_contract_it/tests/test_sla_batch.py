from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..tools.sla import WorkingTime, clock_end, delay_hours, target_result
from .common import MaintenanceSlaCommon, create_support_calendar

# Compared between a batch create and one create per ticket.
SLA_FIELDS = [
    "contract_id",
    "sla_policy_id",
    "sla_paused_since",
    "sla_resolution_reached",
    "sla_response_target",
    "sla_response_deadline",
    "sla_response_risk_date",
    "sla_response_result",
    "sla_resolution_target",
    "sla_resolution_deadline",
    "sla_resolution_risk_date",
    "sla_resolution_result",
]


@tagged("post_install", "-at_install")
class TestSlaBatch(MaintenanceSlaCommon):
    """Tickets created in batches get the same contract and SLA as one by one, at a cost per
    ticket that does not depend on the number of customers of the batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_fast = cls.env["maintenance.sla.policy"].create(
            {
                "name": "Round the clock (test)",
                "calendar_id": cls.calendar_24x7.id,
                "pause_stage_ids": [Command.set(cls.stage_awaiting.ids)],
                "line_ids": [
                    Command.create({"priority": str(p), "response_hours": 1, "resolution_hours": 8})
                    for p in range(4)
                ],
            }
        )
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Batch customer {i:02d} (test)", "is_company": True} for i in range(50)]
        )
        # 40 customers with one contract, alternating two policies; 5 with two contracts,
        # each covering one server; 5 without contract
        single = cls.customers[:40]
        cls.env["maintenance.contract"].create(
            [
                {
                    "partner_id": customer.id,
                    "sla_policy_id": (cls.sla_policy if index % 2 else cls.policy_fast).id,
                    "date_start": "2026-01-01",
                    "initial_term": 12,
                    "zero_fee_reason": "Test",
                }
                for index, customer in enumerate(single)
            ]
        ).action_activate()
        cls.servers = cls.env["maintenance.contract.equipment"]
        for customer in cls.customers[40:45]:
            servers = cls.env["maintenance.contract.equipment"].create(
                [
                    {"name": f"Server {n} of {customer.name}", "partner_id": customer.id}
                    for n in range(2)
                ]
            )
            cls.env["maintenance.contract"].create(
                [
                    {
                        "partner_id": customer.id,
                        "sla_policy_id": policy.id,
                        "date_start": "2026-01-01",
                        "initial_term": 12,
                        "zero_fee_reason": "Test",
                        "equipment_ids": [Command.set(server.ids)],
                    }
                    for server, policy in zip(
                        servers, cls.sla_policy | cls.policy_fast, strict=True
                    )
                ]
            ).action_activate()
            cls.servers |= servers

    def _at(self, moment):
        frozen = freeze_time(moment)
        frozen.start()
        self.addCleanup(frozen.stop)
        self.env.invalidate_all()

    def _values(self, count, customers):
        stages = [self.stage_new, self.stage_progress, self.stage_awaiting, self.stage_done]
        values = []
        for index in range(count):
            customer = customers[index % len(customers)]
            servers = self.servers.filtered(lambda s, c=customer: s.partner_id == c)
            vals = {
                "name": f"Batch ticket {index}",
                "description": "<p>Batch</p>",
                "partner_id": customer.id,
                "team_id": self.team.id,
                "priority": str(index % 4),
                "stage_id": stages[index // 7 % 4].id,
            }
            if servers and index % 3:
                vals["equipment_id"] = servers[index % 3 - 1].id
            values.append(vals)
        return values

    def _sla_values(self, tickets):
        return [[ticket[name] for name in SLA_FIELDS] for ticket in tickets]

    def test_batch_gives_each_ticket_its_contract_and_sla(self):
        Ticket = self.env["helpdesk.ticket"]
        values = self._values(200, self.customers)
        with freeze_time("2026-03-02 09:00:00"):
            batch = Ticket.create(values)
            one_by_one = Ticket.browse([Ticket.create(vals).id for vals in values])
        self.env.invalidate_all()
        self.assertEqual(self._sla_values(batch), self._sla_values(one_by_one))
        # the comparison covers every case: policies, equipment, no contract, stops
        self.assertEqual(batch.sla_policy_id, self.sla_policy | self.policy_fast)
        self.assertTrue(batch.filtered("equipment_id").contract_id)
        self.assertFalse(batch.filtered(lambda t: t.partner_id in self.customers[45:]).contract_id)
        # two contracts and no equipment: none chosen
        two = batch.filtered(lambda t: t.partner_id in self.customers[40:45])
        self.assertFalse(two.filtered(lambda t: not t.equipment_id).contract_id)
        self.assertEqual(set(batch.sla_pause_ids.mapped("kind")), {"pause", "closed"})
        for ticket in batch.filtered("equipment_id"):
            self.assertIn(ticket.equipment_id, ticket.contract_id.equipment_ids)
        for ticket in batch.filtered(lambda t: t.partner_id in self.customers[:40]):
            self.assertEqual(ticket.contract_id.partner_id, ticket.partner_id)
            self.assertEqual(ticket.sla_policy_id, ticket.contract_id.sla_policy_id)
        paused = batch.filtered(lambda t: t.stage_id == self.stage_awaiting and t.sla_policy_id)
        self.assertTrue(paused)
        self.assertEqual(set(paused.mapped("sla_response_result")), {"paused"})

    def test_queries_per_ticket_do_not_grow_with_customers(self):
        Ticket = self.env["helpdesk.ticket"]
        # warm the caches (stages, teams, sequences) once
        Ticket.create(self._values(10, self.customers))
        counts = {}
        # customers with one contract each, no equipment: only their number changes
        for customers in (self.customers[:2], self.customers[:40]):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            tickets = Ticket.create(self._values(100, customers))
            self.env.flush_all()
            counts[len(customers)] = self.env.cr.sql_log_count - before
            covered = tickets.filtered("contract_id")
            self.assertTrue(covered)
            self.assertEqual(covered, tickets.filtered("sla_policy_id"))
        # 100 tickets over 2 customers or over 40: the same queries, give or take the one
        # query that varies between runs whatever the customers (seen both ways); a query
        # per customer would add 38
        self.assertLessEqual(abs(counts[40] - counts[2]), 2)

    def test_policy_change_follows_tickets_hidden_from_the_user(self):
        """A contract manager who sees only his own tickets changes the contract's policy:
        all its open tickets follow it, the notes are his."""
        manager = new_test_user(
            self.env,
            login="mcit_batch_manager",
            groups="maintenance_contract_it.group_maintenance_contract_manager,"
            "helpdesk_mgmt.group_helpdesk_user_own",
            name="Own Tickets Manager",
        )
        with freeze_time("2026-03-02 09:00:00"):
            own = self._create_ticket(user_id=manager.id)
            other = self._create_ticket(user_id=self.agent.id)
        self.assertEqual((own | other).sla_policy_id, self.sla_policy)
        visible = self.env["helpdesk.ticket"].with_user(manager).search([])
        self.assertIn(own, visible)
        self.assertNotIn(other, visible)
        # two hours later: within the 4 h of the old policy, 1 h late under the new one
        self._at("2026-03-02 11:00:00")
        self.assertEqual((own | other).mapped("sla_response_status"), ["running"] * 2)
        self.contract.with_user(manager).sla_policy_id = self.policy_fast
        self.env.invalidate_all()
        for ticket in own | other:
            self.assertEqual(ticket.sla_policy_id, self.policy_fast)
            self.assertEqual(ticket.sla_resolution_target, 8)
            self.assertEqual(ticket.sla_response_status, "breached")
            note = ticket.message_ids.filtered(lambda m: "SLA policy of the contract" in m.body)
            self.assertEqual(note.author_id, manager.partner_id)
        # the penalties and the tickets use the same terms
        breaches = self.contract._get_sla_penalties(date(2026, 3, 1), date(2026, 3, 31))["breaches"]
        self.assertEqual(
            [(b["ticket"], b["target"]) for b in breaches], [(own, "response"), (other, "response")]
        )
        for breach in breaches:
            self.assertAlmostEqual(breach["delay_hours"], 1.0)

    def test_penalties_charge_the_hours_used_of_the_ticket(self):
        with freeze_time("2026-03-02 09:00:00"):  # Monday 10:00 Paris; priority 2: 4 h, 16 h
            ticket = self._create_ticket()
        with freeze_time("2026-03-05 09:00:00"):  # 24 working hours later, still open
            self.env.invalidate_all()
            penalties = self.contract._get_sla_penalties(date(2026, 3, 1), date(2026, 3, 31))
            breaches = {b["target"]: b for b in penalties["breaches"]}
            self.assertEqual(ticket.sla_resolution_hours_used, 24)
            self.assertEqual(breaches["resolution"]["delay_hours"], 24 - 16)
            self.assertEqual(breaches["response"]["delay_hours"], 24 - 4)
            # the same tickets as the contract's breached ones, in any period asked
            domain = self.contract._get_breached_ticket_domain(date(2026, 3, 1), date(2026, 3, 31))
            self.assertEqual(self.env["helpdesk.ticket"].search(domain), ticket)
            domain = self.contract._get_breached_ticket_domain(date(2026, 4, 1), date(2026, 4, 30))
            self.assertFalse(self.env["helpdesk.ticket"].search(domain))


@tagged("post_install", "-at_install")
class TestSlaCompany(MaintenanceSlaCommon):
    """A ticket of one company never gets the contract or SLA policy of another."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B (test)"})
        calendar_b = create_support_calendar(
            cls.env,
            "Support B (test)",
            "Europe/Paris",
            range(5),
            [("morning", 9, 17)],
            cls.company_b,
        )
        cls.policy_b = cls.env["maintenance.sla.policy"].create(
            {
                "name": "Policy B (test)",
                "company_id": cls.company_b.id,
                "calendar_id": calendar_b.id,
                "line_ids": [
                    Command.create({"priority": str(p), "response_hours": 2, "resolution_hours": 8})
                    for p in range(4)
                ],
            }
        )
        cls.contract_b = cls.env["maintenance.contract"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company_b.id,
                "sla_policy_id": cls.policy_b.id,
                "date_start": "2026-01-01",
                "initial_term": 12,
                "zero_fee_reason": "Test",
            }
        )
        cls.contract_b.action_activate()

    def _ticket_b(self, **values):
        return self.env["helpdesk.ticket"].create(
            dict(
                {
                    "name": "Ticket of B",
                    "description": "<p>B</p>",
                    "partner_id": self.customer.id,
                },
                company_id=self.company_b.id,
                **values,
            )
        )

    def test_contract_of_the_ticket_company_is_chosen(self):
        self.assertEqual(self._ticket_b().contract_id, self.contract_b)
        self.assertEqual(self._ticket_b().sla_policy_id, self.policy_b)
        ticket_a = self._create_ticket(equipment_id=False)
        self.assertEqual(ticket_a.contract_id, self.contract)

    def test_contract_of_another_company_refused(self):
        with self.assertRaises(UserError):
            self._ticket_b(contract_id=self.contract.id)
        ticket = self._ticket_b()
        with self.assertRaises(UserError):
            ticket.contract_id = self.contract

    def test_policy_of_another_company_refused(self):
        ticket = self._ticket_b()
        with self.assertRaises(UserError):
            ticket.sla_policy_id = self.sla_policy
        # the batched store of the SLA values checks it too: a policy of company A put on
        # the contract of B behind the ORM's back is not copied to B's tickets
        self.env.cr.execute(
            "UPDATE maintenance_contract SET sla_policy_id = %s WHERE id = %s",
            (self.sla_policy.id, self.contract_b.id),
        )
        self.env.invalidate_all()
        with self.assertRaises(UserError):
            ticket._sla_recompute()


@tagged("post_install", "-at_install")
class TestSlaArithmetic(MaintenanceSlaCommon):
    """The clock rules of tools/sla.py shared by the tickets and the penalties."""

    def test_clock_end(self):
        now = datetime(2026, 3, 5, 9, 0)
        reached = datetime(2026, 3, 3, 9, 0)
        paused = datetime(2026, 3, 4, 9, 0)
        self.assertEqual(clock_end(reached, paused, now), reached)
        self.assertEqual(clock_end(None, paused, now), paused)
        self.assertEqual(clock_end(None, None, now), now)
        # a date in the future (clock drift) never counts beyond now
        self.assertEqual(clock_end(datetime(2026, 3, 6), None, now), now)

    def test_target_result(self):
        self.assertIsNone(target_result(None, 4, None))
        self.assertEqual(target_result(4, 4, datetime(2026, 3, 2)), "met")
        # one second of tolerance: datetimes are stored to the second
        self.assertEqual(target_result(4 + 0.5 / 3600, 4, datetime(2026, 3, 2)), "met")
        self.assertEqual(target_result(4 + 2 / 3600, 4, datetime(2026, 3, 2)), "breached")
        self.assertEqual(target_result(3, 4, None), "paused")
        self.assertEqual(target_result(5, 4, None), "breached")

    def test_delay_hours(self):
        self.assertEqual(delay_hours(5.5, 4), 1.5)
        self.assertEqual(delay_hours(3, 4), 0.0)

    def test_plan_shared_by_a_batch_equals_plan_alone(self):
        start = datetime(2026, 3, 2, 9, 0)  # Monday 10:00 Paris
        shared = WorkingTime(self.calendar_8x5, start)
        first = shared.plan(start, 16)
        self.assertEqual(first, datetime(2026, 3, 4, 9, 0))
        # asked again (next ticket of the batch): the same answer, also after other plans
        shared.plan(start, 4)
        self.assertEqual(shared.plan(start, 16), first)
        self.assertEqual(WorkingTime(self.calendar_8x5, start).plan(start, 16), first)
        # with stops the result moves: a one-hour stop on Monday morning
        stop = (datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 10, 0))
        self.assertEqual(shared.plan(start, 16, [stop]), datetime(2026, 3, 4, 10, 0))
        self.assertEqual(shared.plan(start, 16), first)
