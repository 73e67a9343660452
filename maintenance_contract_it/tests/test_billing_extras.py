from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.maintenance_contract_prepaid_mixin import round_up_hours
from .common import InterventionCommon, MaintenanceSlaCommon

BILLING_LOGGER = "odoo.addons.maintenance_contract_it.models.maintenance_contract_billing_mixin"


class BillingExtrasMixin:
    """Invoicing of a contract's billing periods, as the billing job does it."""

    @classmethod
    def _create_period(cls, contract, date_start, date_end, invoice_date=None):
        return cls.env["maintenance.contract.period"].create(
            {
                "contract_id": contract.id,
                "date_start": date_start,
                "date_end": date_end,
                "invoice_date": invoice_date or date_start,
            }
        )

    def _invoice(self, period):
        """The invoice of ``period``, made by the invoicing job."""
        move = self.env["maintenance.contract"]._invoice_periods(period)
        self.assertEqual(period.move_id, move)
        return move

    def _cancel(self, period):
        """Cancel the invoice of ``period``, as a user does."""
        period.move_id.button_cancel()

    def _run_extras_job(self, day):
        """The daily job of the extras, run on ``day``."""
        with freeze_time(day):
            self.env["maintenance.contract"]._cron_invoice_billing_extras()

    def _contract_invoices(self):
        """The customer invoices of the test contract, but the cancelled ones."""
        return self.env["account.move"].search(
            [
                ("contract_id", "=", self.contract.id),
                ("move_type", "=", "out_invoice"),
                ("state", "!=", "cancel"),
            ]
        )

    def _extra_lines(self, move):
        """Lines of ``move`` other than the recurring fees."""
        fee_products = move.contract_id.line_ids.product_id
        return move.invoice_line_ids.filtered(lambda line: line.product_id not in fee_products)


@tagged("post_install", "-at_install")
class TestBillingExtraWork(BillingExtrasMixin, InterventionCommon):
    """Contract from the test template: monthly from 1 January 2026, invoiced in advance,
    hourly rate 80.00, curative work covered, evolutive work billable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.extra_rounding_minutes = 15
        cls.part_product = cls.env["product.product"].create(
            {"name": "Power supply (test)", "type": "consu", "list_price": 15.0, "taxes_id": False}
        )
        cls.april = cls._create_period(cls.contract, "2026-04-01", "2026-04-30")
        cls.may = cls._create_period(cls.contract, "2026-05-01", "2026-05-31")

    def _billable_work(self, day="2026-03-10", end="08:50:00", quantities=(2,)):
        """Evolutive (billable) work on ``day`` from 08:00 UTC to ``end`` (50 minutes by
        default) with power supplies (two by default)."""
        intervention = self._create_intervention(
            kind="evolutive",
            actual_start=f"{day} 08:00:00",
            actual_end=f"{day} {end}",
            part_ids=[
                Command.create({"product_id": self.part_product.id, "quantity": quantity})
                for quantity in quantities
            ],
        )
        intervention.action_done()
        return intervention

    def test_rounding(self):
        self.assertEqual(round_up_hours(50 / 60, 15), 1.0)
        self.assertEqual(round_up_hours(61 / 60, 15), 1.25)
        self.assertEqual(round_up_hours(0.75, 15), 0.75)
        self.assertEqual(round_up_hours(50 / 60, 0), 50 / 60)
        self.assertEqual(round_up_hours(7 / 60, 10), 10 / 60)

    def test_extra_work_billed_once(self):
        intervention = self._billable_work()
        part = intervention.part_ids
        self.assertEqual(intervention.coverage, "billable")
        self.assertEqual(intervention.invoice_status, "to_invoice")
        self.assertEqual(intervention.hours_rounded, 1.0)
        self.assertEqual(intervention.amount_billable, 80.0)
        move = self._invoice(self.april)
        self.assertEqual(self.april.amount_extra, 110.0)  # 1 h × 80.00 + 2 × 15.00
        line = intervention.invoice_line_id
        self.assertEqual(line.move_id, move)
        # in the customer's language (English)
        self.assertEqual(line.name, f"Intervention {intervention.name} – 03/10/2026 – 1.00 h")
        self.assertEqual((line.quantity, line.price_unit, line.price_subtotal), (1.0, 80.0, 80.0))
        self.assertEqual(line.maintenance_period_id, self.april)
        self.assertEqual(part.invoice_line_id.move_id, move)
        self.assertEqual(part.invoice_line_id.product_id, self.part_product)
        self.assertEqual(part.invoice_line_id.quantity, 2.0)
        self.assertEqual(part.invoice_line_id.price_subtotal, 30.0)
        self.assertEqual(move.amount_untaxed, 250.0 + 110.0)  # fees + extra work
        self.assertEqual(intervention.invoice_status, "invoiced")
        self.assertEqual(intervention.invoice_id, move)
        # the next invoice does not bill it again
        next_move = self._invoice(self.may)
        self.assertEqual(self.may.amount_extra, 0.0)
        self.assertFalse(self._extra_lines(next_move))
        self.assertEqual(next_move.amount_untaxed, 250.0)
        with self.assertRaisesRegex(UserError, "is invoiced"):
            intervention.action_reset_to_planned()

    def test_unused_days_credit_only_the_fees(self):
        tax = self.env["account.tax"].create(
            {"name": "VAT 20 (test)", "amount": 20.0, "type_tax_use": "sale"}
        )
        self.contract.line_ids.tax_ids = [Command.set(tax.ids)]
        intervention = self._billable_work()
        move = self._invoice(self.april)
        line = intervention.invoice_line_id
        # work without product keeps the contract's VAT
        self.assertFalse(line.product_id)
        self.assertEqual(line.tax_ids, tax)
        self.assertEqual(line.maintenance_line_kind, "extra")
        self.assertEqual(
            sorted(move.invoice_line_ids.mapped("maintenance_line_kind")),
            ["extra", "extra", "fee"],
        )
        self.contract._record_notice(
            {
                "notice_date": date(2026, 4, 1),
                "notice_given_by": "customer",
                "notice_channel": "email",
                "termination_date": date(2026, 4, 15),
                "early_termination": True,
            }
        )
        credit = self.april.credit_move_id
        # 15 unused days of 30, of the fees only (the work done is owed): 250.00 × 15/30
        self.assertEqual(credit.amount_untaxed, 125.0)
        self.assertEqual(credit.invoice_line_ids.mapped("maintenance_line_kind"), ["fee"])
        self.assertFalse(credit.invoice_line_ids.maintenance_intervention_id)

    def test_cancelled_invoice_frees_the_work(self):
        intervention = self._billable_work()
        self._invoice(self.april)
        self._cancel(self.april)
        self.assertFalse(intervention.invoice_line_id)
        self.assertFalse(intervention.part_ids.invoice_line_id)
        self.assertEqual(intervention.invoice_status, "to_invoice")
        self.assertEqual(self.april.state, "to_invoice")
        move = self._invoice(self.april)
        self.assertEqual(self.april.amount_extra, 110.0)
        self.assertEqual(intervention.invoice_id, move)
        # May's invoice does not take it while April is still to invoice
        self._cancel(self.april)
        self.may._compute_extra_amounts()
        self.assertEqual(self.may.amount_extra, 0.0)
        move = self._invoice(self.april)
        # a deleted invoice frees it too
        move.unlink()
        self.assertFalse(intervention.invoice_line_id)
        self.assertFalse(intervention.part_ids.invoice_line_id)
        self.assertEqual(intervention.invoice_status, "to_invoice")

    def test_work_after_the_invoice_date_waits(self):
        intervention = self._create_intervention(
            kind="evolutive",
            actual_start="2026-04-10 08:00:00",
            actual_end="2026-04-10 09:00:00",
        )
        intervention.action_done()
        self._invoice(self.april)
        self.assertEqual(self.april.amount_extra, 0.0)
        self._invoice(self.may)
        self.assertEqual(self.may.amount_extra, 80.0)
        self.assertEqual(intervention.invoice_line_id.maintenance_period_id, self.may)

    def test_covered_or_planned_work_is_not_billed(self):
        covered = self._create_intervention(
            kind="curative", actual_start="2026-03-10 08:00:00", actual_end="2026-03-10 09:00:00"
        )
        covered.action_done()
        self._create_intervention(
            kind="evolutive", actual_start="2026-03-11 08:00:00", actual_end="2026-03-11 09:00:00"
        )
        self.assertEqual(covered.invoice_status, "none")
        self._invoice(self.april)
        self.assertEqual(self.april.amount_extra, 0.0)
        self.assertFalse(self._extra_lines(self.april.move_id))

    def test_service_product_from_the_company_or_the_intervention(self):
        service = self.env["product.product"].create(
            {"name": "Extra work (test)", "type": "service", "taxes_id": False}
        )
        own = self.env["product.product"].create(
            {"name": "On-site work (test)", "type": "service", "taxes_id": False}
        )
        self.company.maintenance_extra_product_id = service
        first = self._billable_work()
        second = self._billable_work()
        second.product_id = own
        self._invoice(self.april)
        self.assertEqual(first.invoice_line_id.product_id, service)
        self.assertEqual(second.invoice_line_id.product_id, own)
        # the product does not change the label, the hours or the rate
        self.assertEqual(second.invoice_line_id.price_subtotal, 80.0)
        self.assertEqual(self.april.amount_extra, 220.0)

    def test_monthly_invoice_of_extra_work(self):
        self.contract.extra_invoicing = "monthly"
        intervention = self._billable_work()
        self._invoice(self.april)
        self.assertEqual(self.april.amount_extra, 0.0)
        self.assertFalse(intervention.invoice_line_id)
        Contract = self.env["maintenance.contract"]
        with freeze_time("2026-04-02"):
            Contract._cron_invoice_billing_extras()
            Contract._cron_invoice_billing_extras()
        invoices = self.env["account.move"].search(
            [("contract_id", "=", self.contract.id), ("id", "!=", self.april.move_id.id)]
        )
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices.amount_untaxed, 110.0)
        self.assertEqual(invoices.partner_id, self.customer)
        self.assertEqual(intervention.invoice_id, invoices)
        self.assertEqual(intervention.part_ids.invoice_id, invoices)

    def test_monthly_invoice_of_extra_work_in_a_locked_period(self):
        """The monthly invoice of extra work is dated the day the job issues it; inside a
        locked accounting period it is not made, the contract says why, and the next run
        after the lock makes it."""
        self.contract.extra_invoicing = "monthly"
        work = self._billable_work()  # 10 March: 1 h × 80.00 + 2 × 15.00 = 110.00
        self.contract.company_id.sale_lock_date = date(2026, 4, 2)
        with mute_logger(BILLING_LOGGER):
            self._run_extras_job("2026-04-02")
        self.assertFalse(self._contract_invoices())
        failed = self.contract.activity_ids.filtered(lambda a: a.summary == "Invoicing failed")
        self.assertEqual(len(failed), 1)
        self.assertIn("locked", str(failed.note))
        self._run_extras_job("2026-04-03")
        invoice = self._contract_invoices()
        self.assertEqual(invoice.invoice_date, date(2026, 4, 3))
        self.assertEqual(invoice.amount_untaxed, 110.0)
        self.assertEqual(work.invoice_id, invoice)

    def test_monthly_invoice_of_extra_work_once_a_month(self):
        """One invoice of extra work per month, whatever the days the job runs; work of a
        past month recorded late waits for the next month's invoice."""
        self.contract.extra_invoicing = "monthly"
        first = self._billable_work()  # 10 March: 1 h × 80.00 + 2 × 15.00 = 110.00
        self._run_extras_job("2026-03-20")
        self.assertFalse(self._contract_invoices())  # March is not over
        self._run_extras_job("2026-04-01")
        self._run_extras_job("2026-04-02")
        april = self._contract_invoices()
        self.assertEqual(len(april), 1)
        self.assertEqual(april.invoice_date, date(2026, 4, 1))
        self.assertEqual(april.amount_untaxed, 110.0)
        self.assertEqual(first.invoice_id, april)
        # work of 25 March done on 3 April, work of April: no second invoice in April
        late = self._billable_work("2026-03-25", "09:00:00", quantities=())  # 80.00
        current = self._billable_work("2026-04-10", "09:10:00", quantities=())  # 1.25 h: 100.00
        for day in ("2026-04-03", "2026-04-15", "2026-04-30"):
            self._run_extras_job(day)
        self.assertEqual(self._contract_invoices(), april)
        self.assertFalse(late.invoice_line_id)
        self._run_extras_job("2026-05-01")
        self._run_extras_job("2026-05-02")
        may = self._contract_invoices() - april
        self.assertEqual(len(may), 1)
        self.assertEqual(may.invoice_date, date(2026, 5, 1))
        self.assertEqual(may.amount_untaxed, 80.0 + 100.0)
        self.assertEqual((late | current).invoice_id, may)
        # a cancelled invoice is made again by the next run, once
        may.button_cancel()
        self._run_extras_job("2026-05-03")
        self._run_extras_job("2026-05-04")
        again = self._contract_invoices() - april
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, may)
        self.assertEqual(again.amount_untaxed, 180.0)
        self.assertEqual((late | current).invoice_id, again)
        self.assertEqual(self.contract.extra_move_id, again)
        self.assertEqual(self.contract.extra_invoiced_until, date(2026, 4, 30))

    def test_extra_work_of_an_ended_contract_on_a_final_invoice(self):
        """Invoiced in advance, the last period's invoice comes before the work of that
        period: a final invoice carries it once the contract ended."""
        self._invoice(self.april)
        self._invoice(self.may)
        work = self._billable_work("2026-05-10")  # after May's invoice: 110.00
        self.contract._write_step({"date_end": date(2026, 5, 31), "state": "expired"})
        periods = self.april.move_id | self.may.move_id
        self._run_extras_job("2026-05-31")  # the last day is not over
        self.assertEqual(self._contract_invoices(), periods)
        self._run_extras_job("2026-06-01")
        self._run_extras_job("2026-06-02")
        final = self._contract_invoices() - periods
        self.assertEqual(len(final), 1)
        self.assertEqual(self.contract.final_move_id, final)
        self.assertEqual(final.invoice_date, date(2026, 6, 1))
        self.assertEqual(final.amount_untaxed, 110.0)
        self.assertEqual(work.invoice_id, final)
        self.assertEqual(work.part_ids.invoice_id, final)
        self.assertFalse(final.invoice_line_ids.maintenance_period_id)
        # work recorded after the final invoice goes on an invoice of its own, once
        late = self._billable_work("2026-05-20", "09:00:00", quantities=())  # 80.00
        self._run_extras_job("2026-06-10")
        self._run_extras_job("2026-06-11")
        extra = self._contract_invoices() - periods - final
        self.assertEqual(len(extra), 1)
        self.assertEqual(extra.amount_untaxed, 80.0)
        self.assertEqual(late.invoice_id, extra)
        self.assertEqual(self.contract.final_move_id, final)

    def test_final_invoice_waits_for_the_periods(self):
        """A period still to invoice carries the extra work: no final invoice before it."""
        self._invoice(self.april)
        work = self._billable_work("2026-04-10")
        self.contract._write_step({"date_end": date(2026, 5, 31), "state": "expired"})
        self._run_extras_job("2026-06-01")
        self.assertFalse(self.contract.final_move_id)
        self.assertFalse(work.invoice_line_id)
        self._invoice(self.may)
        self.assertEqual(work.invoice_id, self.may.move_id)
        self._run_extras_job("2026-06-02")
        self.assertFalse(self.contract.final_move_id)
        self.assertEqual(self._contract_invoices(), self.april.move_id | self.may.move_id)

    def test_each_record_linked_to_its_own_line(self):
        """Each line carries the intervention or part it invoices: two interventions and
        parts with the same label (an override renaming the lines) keep their own line."""
        first = self._billable_work(quantities=(2, 1))  # 1 h; parts 30.00 and 15.00
        second = self._billable_work("2026-03-11", "10:00:00", quantities=(3,))  # 2 h; 45.00
        Contract = type(self.env["maintenance.contract"])
        finalize = Contract._billing_finalize_line_values

        def same_label(contract, values, *args):
            values = finalize(contract, values, *args)
            if "Intervention" in values["name"] or "Power supply" in values["name"]:
                values["name"] = "Extra work"
            return values

        with patch.object(Contract, "_billing_finalize_line_values", same_label):
            move = self._invoice(self.april)
        self.assertEqual(self.april.amount_extra, 80.0 + 45.0 + 160.0 + 45.0)
        lines = first.invoice_line_id | second.invoice_line_id
        lines |= (first.part_ids | second.part_ids).invoice_line_id
        self.assertEqual(len(lines), 5)
        self.assertEqual(set(lines.mapped("name")), {"Extra work"})
        self.assertEqual(lines.move_id, move)
        self.assertEqual(first.invoice_line_id.maintenance_intervention_id, first)
        self.assertEqual(first.invoice_line_id.price_subtotal, 80.0)
        self.assertEqual(second.invoice_line_id.price_subtotal, 160.0)
        for part in first.part_ids | second.part_ids:
            self.assertEqual(part.invoice_line_id.maintenance_intervention_part_id, part)
            self.assertEqual(part.invoice_line_id.quantity, part.quantity)
        # the next invoice bills none of them again
        self.assertFalse(self._extra_lines(self._invoice(self.may)))


def _late_ticket_of_march(cls):
    """The priority "3" ticket of 2 March, answered 0.5 h and resolved 1 h late."""
    with freeze_time("2026-03-02 09:00:00"):  # Monday 10:00 Paris
        ticket = cls._create_ticket(priority="3")
    with freeze_time("2026-03-02 10:30:00"):  # response 0.5 h late
        ticket.with_user(cls.agent).message_post(
            body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
    with freeze_time("2026-03-02 15:00:00"):  # resolution 1 h late
        ticket.stage_id = cls.stage_done
    return ticket


@tagged("post_install", "-at_install")
class TestBillingSlaCredit(BillingExtrasMixin, MaintenanceSlaCommon):
    """Priority "3" ticket of March (see test_sla_penalty): 75.00 of penalty, capped at 10 %
    of the monthly fee of 250.00: 25.00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = _late_ticket_of_march(cls)
        cls.march = cls._create_period(cls.contract, "2026-03-01", "2026-03-31")
        cls.april = cls._create_period(cls.contract, "2026-04-01", "2026-04-30")
        cls.may = cls._create_period(cls.contract, "2026-05-01", "2026-05-31")

    def _credit_line(self, move):
        return move.invoice_line_ids.filtered(lambda line: line.price_unit < 0)

    def test_credit_on_the_next_invoice_once(self):
        # invoiced in advance, March's own invoice comes before its breaches count
        self._invoice(self.march)
        self.assertEqual(self.march.amount_sla_credit, 0.0)
        move = self._invoice(self.april)
        self.assertEqual(self.april.amount_sla_credit, 25.0)
        line = self._credit_line(move)
        self.assertEqual(line.price_subtotal, -25.0)
        start, end = "03/01/2026", "03/31/2026"
        self.assertTrue(line.name.startswith(f"SLA service credit – period {start} – {end}"))
        self.assertIn(self.ticket.display_name, line.name)
        self.assertEqual(move.amount_untaxed, 250.0 - 25.0)
        # May's invoice carries April's credit: none
        move = self._invoice(self.may)
        self.assertFalse(self._credit_line(move))
        self.assertEqual(self.may.amount_sla_credit, 0.0)

    def test_tickets_searched_only_for_a_contract_with_a_breach(self):
        """The contracts of a batch with a breach in the service periods credited are read
        at once: the penalties of the others are not searched, one contract at a time."""
        Ticket = type(self.env["helpdesk.ticket"])
        search = Ticket.search
        searched = []

        def counting(records, domain, *args, **kwargs):
            searched.append(domain)
            return search(records, domain, *args, **kwargs)

        self._invoice(self.march)
        with patch.object(Ticket, "search", counting):
            # April's invoice credits March's breaches (25.00): searched
            self._invoice(self.april)
            self.assertEqual(self.april.amount_sla_credit, 25.0)
            self.assertTrue(searched)
            searched.clear()
            # May's invoice credits April: no breach, no search
            self._invoice(self.may)
        self.assertEqual(self.may.amount_sla_credit, 0.0)
        self.assertEqual(searched, [])

    def test_credit_in_the_customer_language(self):
        self.customer.lang = "fr_FR"
        move = self._invoice(self.april)
        self.assertTrue(
            self._credit_line(move).name.startswith(
                "Crédit de service SLA – période du 01/03/2026 au 31/03/2026\n"
            )
        )

    def test_credit_frozen(self):
        self._invoice(self.april)
        self.sla_policy.penalty_cap_percent = 50  # the penalty is now 75.00
        self.april._compute_extra_amounts()
        self.assertEqual(self.april.amount_sla_credit, 25.0)
        self._cancel(self.april)
        move = self._invoice(self.april)
        self.assertEqual(self.april.amount_sla_credit, 25.0)
        self.assertEqual(self._credit_line(move).price_subtotal, -25.0)
        # before any invoice, the amount follows the policy
        self.sla_policy.penalty_cap_percent = 0
        other = self._create_active_contract()
        period = self._create_period(other, "2026-04-01", "2026-04-30")
        period._compute_extra_amounts()
        self.assertEqual(period.amount_sla_credit, 0.0)  # no breach on that contract

    def test_credit_in_arrears(self):
        self.contract.billing_in_advance = False
        self.march.invoice_date = date(2026, 4, 1)
        move = self._invoice(self.march)
        self.assertEqual(self.march.amount_sla_credit, 25.0)
        self.assertEqual(self._credit_line(move).price_subtotal, -25.0)

    def test_credit_of_a_last_period_cut_short_in_arrears(self):
        self.contract.write({"billing_in_advance": False, "tacit_renewal": False})
        self.contract._write_step({"date_end": date(2026, 3, 20)})  # as an amendment does
        self.march.write({"date_end": date(2026, 3, 20), "invoice_date": date(2026, 3, 21)})
        move = self._invoice(self.march)
        self.assertEqual(self.march.amount_sla_credit, 25.0)
        self.assertEqual(self._credit_line(move).price_subtotal, -25.0)

    def test_credit_note_when_no_invoice_comes(self):
        self._invoice(self.march)
        self.contract._write_step({"date_end": date(2026, 3, 31), "state": "expired"})
        with freeze_time("2026-04-02"):
            self.env["maintenance.contract"]._cron_invoice_billing_extras()
            self.env["maintenance.contract"]._cron_invoice_billing_extras()
        credit_note = self.march.credit_move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "draft")
        self.assertEqual(credit_note.amount_untaxed, 25.0)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("contract_id", "=", self.contract.id), ("move_type", "=", "out_refund")]
            ),
            1,
        )


@tagged("post_install", "-at_install")
class TestSlaCreditOnTheCreditNote(BillingExtrasMixin, MaintenanceSlaCommon):
    """The SLA credit of the last period of a contract ended early joins the draft credit note
    of its unused days: its line is finalized as every line of the header (taxes mapped by
    the fiscal position, income account, analytic account)."""

    @classmethod
    def _create_active_contract(cls, **values):
        if not hasattr(cls, "fiscal_position"):
            cls.company.maintenance_analytic_account = True
            cls.tax_domestic = cls.env["account.tax"].create(
                {"name": "VAT 20% (SLA test)", "amount": 20.0, "type_tax_use": "sale"}
            )
            cls.tax_export = cls.env["account.tax"].create(
                {"name": "VAT 0% export (SLA test)", "amount": 0.0, "type_tax_use": "sale"}
            )
            cls.product.taxes_id = cls.tax_domestic
            cls.fiscal_position = cls.env["account.fiscal.position"].create(
                {
                    "name": "Export (SLA test)",
                    "tax_ids": [
                        Command.create(
                            {
                                "tax_src_id": cls.tax_domestic.id,
                                "tax_dest_id": cls.tax_export.id,
                            }
                        )
                    ],
                }
            )
            cls.customer.property_account_position_id = cls.fiscal_position
        return super()._create_active_contract(**values)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = _late_ticket_of_march(cls)
        cls.march = cls._create_period(cls.contract, "2026-03-01", "2026-03-31")

    def test_sla_credit_line_on_the_credit_note_of_unused_days(self):
        move = self._invoice(self.march)
        self.assertEqual(move.fiscal_position_id, self.fiscal_position)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_export)
        with freeze_time("2026-03-10"):
            self.contract._record_notice(
                {
                    "notice_date": date(2026, 3, 1),
                    "notice_given_by": "customer",
                    "notice_channel": "email",
                    "termination_date": date(2026, 3, 20),
                    "early_termination": True,
                }
            )
        credit_note = self.march.credit_move_id
        self.assertEqual(credit_note.state, "draft")
        self.contract._write_step({"state": "terminated"})
        self._run_extras_job("2026-04-02")
        line = credit_note.invoice_line_ids.filtered(
            lambda line: line.maintenance_line_kind == "sla_credit"
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(self.march.credit_move_id, credit_note)
        self.assertEqual(line.tax_ids, self.tax_export)
        self.assertEqual(line.account_id, credit_note.journal_id.default_account_id)
        analytic = self.contract.analytic_account_id
        self.assertTrue(analytic)
        self.assertEqual(line.analytic_distribution, {str(analytic.id): 100})
