from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import MaintenanceContractCommon


class BillingCommon(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.maintenance_invoice_auto_post = False
        cls.company.maintenance_analytic_account = False
        cls.accountant = new_test_user(
            cls.env,
            login="mcit_accountant",
            groups="maintenance_contract_it.group_maintenance_contract_user,"
            "account.group_account_invoice",
            name="Accountant",
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "VAT 20% (test)", "amount": 20.0, "type_tax_use": "sale"}
        )
        cls.fee_product = cls.env["product.product"].create(
            {
                "name": "Maintenance fee (billing test)",
                "type": "service",
                "list_price": 300.0,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [*cls.env["account.journal"]._check_company_domain(cls.company), ("type", "=", "sale")],
            limit=1,
        )

    @classmethod
    def _billing_contract(cls, date_start, price=300.0, activate=True, partner=None, **values):
        """An active monthly contract with one fee line of ``price``."""
        contract = cls._create_contract(
            date_start=date_start,
            partner_id=(partner or cls.customer).id,
            line_ids=[
                Command.create(
                    {
                        "product_id": cls.fee_product.id,
                        "name": "Monthly maintenance",
                        "quantity": 1.0,
                        "price_unit": price,
                    }
                )
            ],
            **values,
        )
        if activate:
            contract.action_activate()
        return contract

    def _invoice(self, contracts, day):
        return contracts._billing_run(day)

    def _count_run_queries(self, count, tag):
        """(queries, invoices) of the invoicing job over ``count`` new contracts of new
        customers (names from ``tag``), their first period due on 1 January 2027."""
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {tag} {i}", "is_company": True} for i in range(count)]
        )
        contracts = self.env["maintenance.contract"]
        for partner in partners:
            contracts |= self._billing_contract("2027-01-01", partner=partner)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        moves = contracts._billing_run(date(2027, 1, 1))
        self.env.flush_all()
        self.assertEqual(len(moves), count)
        return self.cr.sql_log_count - start, moves


@tagged("post_install", "-at_install")
class TestBilling(BillingCommon):
    def test_calendar_first_period_prorated(self):
        contract = self._billing_contract("2027-03-10", billing_alignment="calendar")
        move = self._invoice(contract, date(2027, 3, 10))
        period = contract.period_ids
        self.assertEqual(len(period), 1)
        self.assertEqual(period.date_start, date(2027, 3, 10))
        self.assertEqual(period.date_end, date(2027, 3, 31))
        self.assertAlmostEqual(period.prorata, 22 / 31)
        # 300.00 x 22/31 = 212.90
        self.assertEqual(period.amount_fee, 212.90)
        self.assertEqual(move.amount_untaxed, 212.90)
        self.assertEqual(
            move.invoice_line_ids.name, "Monthly maintenance – 03/10/2027 to 03/31/2027"
        )
        # the next period is the full month of April, on 1 April
        self.assertEqual(contract.next_invoice_date, date(2027, 4, 1))
        self.assertEqual(contract.next_invoice_amount, 300.0)

    def test_anchored_in_advance(self):
        contract = self._billing_contract("2027-01-15")
        moves = self._invoice(contract, date(2027, 2, 20))
        periods = contract.period_ids.sorted("date_start")
        self.assertEqual(
            [(p.date_start, p.date_end, p.invoice_date) for p in periods],
            [
                (date(2027, 1, 15), date(2027, 2, 14), date(2027, 1, 15)),
                (date(2027, 2, 15), date(2027, 3, 14), date(2027, 2, 15)),
            ],
        )
        self.assertEqual(len(moves), 2)
        self.assertEqual(moves.mapped("amount_untaxed"), [300.0, 300.0])
        self.assertEqual(set(periods.mapped("state")), {"invoiced"})

    def test_in_arrears(self):
        contract = self._billing_contract("2027-01-15", billing_in_advance=False)
        moves = self._invoice(contract, date(2027, 2, 20))
        # only January-February is over: due on 15 February, invoiced the day the job
        # runs (an invoice carries its date of issue)
        self.assertEqual(len(contract.period_ids), 1)
        self.assertEqual(contract.period_ids.invoice_date, date(2027, 2, 15))
        self.assertEqual(moves.invoice_date, date(2027, 2, 20))
        self.assertEqual(moves.amount_untaxed, 300.0)

    def test_invoice_date_offset(self):
        contract = self._billing_contract("2027-01-01", invoice_date_offset=5)
        self._invoice(contract, date(2027, 1, 27))
        # February's period is invoiced 5 days before 1 February
        self.assertEqual(
            contract.period_ids.sorted("date_start").mapped("invoice_date"),
            [date(2026, 12, 27), date(2027, 1, 27)],
        )

    def test_catch_up_three_missed_months(self):
        contract = self._billing_contract("2027-01-01")
        moves = self._invoice(contract, date(2027, 3, 5))
        self.assertEqual(len(contract.period_ids), 3)
        self.assertEqual(len(moves), 3)
        labels = moves.invoice_line_ids.sorted(lambda line: line.maintenance_period_id.date_start)
        self.assertEqual(
            labels.mapped("name"),
            [
                "Monthly maintenance – 01/01/2027 to 01/31/2027",
                "Monthly maintenance – 02/01/2027 to 02/28/2027",
                "Monthly maintenance – 03/01/2027 to 03/31/2027",
            ],
        )
        self.assertEqual(labels.maintenance_period_id, contract.period_ids)
        # running again invoices nothing more
        self.assertFalse(self._invoice(contract, date(2027, 3, 5)))
        self.assertEqual(len(contract.period_ids), 3)

    def test_label_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        contract = self._billing_contract("2027-01-01")
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertRegex(move.invoice_line_ids.name, "du 01/01/2027 au 31/01/2027$")

    def test_invoice_values(self):
        invoice_address = self.env["res.partner"].create(
            {"name": "Accounts payable", "type": "invoice", "parent_id": self.customer.id}
        )
        tax_export = self.env["account.tax"].create(
            {"name": "Export 0% (test)", "amount": 0.0, "type_tax_use": "sale"}
        )
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "Export (test)",
                "tax_ids": [
                    Command.create({"tax_src_id": self.tax.id, "tax_dest_id": tax_export.id})
                ],
            }
        )
        self.customer.property_account_position_id = fiscal_position
        payment_term = self.env.ref("account.account_payment_term_30days")
        contract = self._billing_contract("2027-01-01", payment_term_id=payment_term.id)
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.partner_id, invoice_address)
        self.assertEqual(move.fiscal_position_id, fiscal_position)
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.invoice_payment_term_id, payment_term)
        self.assertEqual(move.invoice_origin, contract.name)
        self.assertEqual(move.contract_id, contract)
        self.assertEqual(move.invoice_line_ids.product_id, self.fee_product)
        self.assertEqual(move.invoice_line_ids.tax_ids, tax_export)
        self.assertEqual(move.invoice_line_ids.maintenance_period_id, contract.period_ids)
        self.assertEqual(move.amount_total, 300.0)
        self.assertEqual(contract.invoice_count, 1)

    def test_posted_per_company_setting_and_contract(self):
        self.company.maintenance_invoice_auto_post = True
        contract = self._billing_contract("2027-01-01")
        self.assertEqual(self._invoice(contract, date(2027, 1, 1)).state, "posted")
        contract.invoice_auto_post = "draft"
        self.assertEqual(self._invoice(contract, date(2027, 2, 1)).state, "draft")

    def test_fee_change_never_alters_past_period(self):
        contract = self._billing_contract("2027-01-01")
        self._invoice(contract, date(2027, 1, 1))
        contract.line_ids.price_unit = 360.0
        self._invoice(contract, date(2027, 2, 1))
        periods = contract.period_ids.sorted("date_start")
        self.assertEqual(periods.mapped("amount_fee"), [300.0, 360.0])
        self.assertEqual(periods.move_id.mapped("amount_untaxed"), [300.0, 360.0])

    def test_end_mid_period_in_arrears(self):
        contract = self._billing_contract("2027-01-01", billing_in_advance=False)
        contract._record_notice(
            {
                "notice_date": date(2027, 2, 1),
                "notice_given_by": "customer",
                "notice_channel": "email",
                "termination_date": date(2027, 3, 15),
                "early_termination": True,
            }
        )
        moves = self._invoice(contract, date(2027, 5, 1))
        periods = contract.period_ids.sorted("date_start")
        self.assertEqual(len(periods), 3)
        self.assertEqual(periods[-1].date_end, date(2027, 3, 15))
        self.assertEqual(periods[-1].invoice_date, date(2027, 3, 16))
        # 300.00 x 15/31 = 145.16
        self.assertEqual(periods[-1].amount_fee, 145.16)
        self.assertEqual(sorted(moves.mapped("amount_untaxed")), [145.16, 300.0, 300.0])

    def test_end_shortens_period_to_invoice(self):
        contract = self._billing_contract("2027-01-01", billing_in_advance=False)
        contract._generate_periods(date(2027, 3, 31))
        period = contract.period_ids.filtered(lambda p: p.date_start == date(2027, 3, 1))
        self.assertFalse(period, "March is not due yet in arrears")
        contract._generate_periods(date(2027, 4, 1))
        march = contract.period_ids.filtered(lambda p: p.date_start == date(2027, 3, 1))
        contract._record_notice(
            {
                "notice_date": date(2027, 2, 1),
                "notice_given_by": "customer",
                "notice_channel": "email",
                "termination_date": date(2027, 3, 10),
                "early_termination": True,
            }
        )
        self.assertEqual(march.date_end, date(2027, 3, 10))
        self.assertAlmostEqual(march.prorata, 10 / 31)
        move = contract._invoice_periods(march)
        # 300.00 x 10/31 = 96.77
        self.assertEqual(move.amount_untaxed, 96.77)

    def test_end_mid_period_in_advance_credit_note(self):
        contract = self._billing_contract("2027-01-01")
        self._invoice(contract, date(2027, 3, 1))
        march = contract.period_ids.filtered(lambda p: p.date_start == date(2027, 3, 1))
        march_invoice = march.move_id
        contract._record_notice(
            {
                "notice_date": date(2027, 2, 1),
                "notice_given_by": "customer",
                "notice_channel": "email",
                "termination_date": date(2027, 3, 15),
                "early_termination": True,
            }
        )
        credit = march.credit_move_id
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.state, "draft")
        self.assertEqual(credit.contract_id, contract)
        # 16 unused days of 31: 300.00 x 16/31 = 154.84
        self.assertEqual(credit.amount_untaxed, 154.84)
        self.assertEqual(credit.invoice_line_ids.tax_ids, self.tax)
        self.assertIn("03/16/2027 to 03/31/2027", credit.invoice_line_ids.name)
        self.assertEqual(march.date_end, date(2027, 3, 15))
        self.assertEqual(march.move_id, march_invoice)
        self.assertEqual(march.amount_fee, 145.16)
        # nothing more after the end
        self.assertFalse(self._invoice(contract, date(2027, 6, 1)))

    def test_expiry_stops_billing(self):
        contract = self._billing_contract(
            "2027-01-01",
            tacit_renewal=False,
            initial_term=2,
            initial_term_unit="month",
            notice_period=15,
            notice_period_unit="day",
        )
        self._invoice(contract, date(2027, 6, 1))
        self.assertEqual(len(contract.period_ids), 2)
        self.assertEqual(max(contract.period_ids.mapped("date_end")), date(2027, 2, 28))

    def test_terminated_without_effective_date_stops_at_end_of_term(self):
        """A contract terminated by a step that recorded no effective date (an import, an
        older version) is billed up to the end of its term, never on."""
        contract = self._billing_contract(
            "2027-01-01",
            tacit_renewal=True,
            initial_term=2,
            initial_term_unit="month",
            notice_period=15,
            notice_period_unit="day",
        )
        contract._write_step({"state": "terminated"})
        self.assertFalse(contract.termination_date)
        self._invoice(contract, date(2027, 6, 1))
        self.assertEqual(len(contract.period_ids), 2)
        self.assertEqual(max(contract.period_ids.mapped("date_end")), date(2027, 2, 28))

    def test_grouping_per_customer(self):
        first = self._billing_contract("2027-01-01", invoice_grouping="customer")
        second = self._billing_contract("2027-01-01", price=120.0, invoice_grouping="customer")
        move = self._invoice(first | second, date(2027, 1, 1))
        self.assertEqual(len(move), 1)
        self.assertEqual(move.amount_untaxed, 420.0)
        self.assertEqual(
            move.invoice_line_ids.maintenance_period_id, first.period_ids | second.period_ids
        )
        self.assertEqual(move.invoice_origin, f"{first.name}, {second.name}")
        self.assertEqual((first.period_ids | second.period_ids).move_id, move)

    def test_catch_up_prices_in_force(self):
        """Periods caught up at once are priced with the fee lines in force on their first
        day: a fee change applies from the first period starting on or after its effective
        date."""
        # 80 maintenance + 50 backup a month from January 2027
        contract = self._billing_contract("2027-01-01", price=80.0)
        maintenance = contract.line_ids
        backup = contract.line_ids.create(
            {"contract_id": contract.id, "name": "Backup", "price_unit": 50.0, "sequence": 20}
        )
        # price revision of 1 February: maintenance 80 -> 100 (as _apply_revision logs it)
        index = self.env["maintenance.price.index"].create(
            {"name": "Index (billing test)", "code": "IDX-BILLING-TEST"}
        )
        maintenance.price_unit = 100.0
        self.env["maintenance.contract.revision"].create(
            {
                "contract_id": contract.id,
                "revision_date": date(2027, 2, 1),
                "index_id": index.id,
                "line_ids": [
                    Command.create(
                        {
                            "contract_line_id": maintenance.id,
                            "quantity": 1.0,
                            "price_before": 80.0,
                            "price_after": 100.0,
                        }
                    )
                ],
            }
        )
        # amendment effective 1 March, applied on 15 March: maintenance 150, backup removed,
        # monitoring 20 added
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": contract.id,
                "date_effective": date(2027, 3, 1),
                "reason": "New scope",
                "line_ids": [
                    Command.create(
                        {
                            "operation": "update",
                            "contract_line_id": maintenance.id,
                            "name": "Monthly maintenance",
                            "quantity": 1.0,
                            "price_unit": 150.0,
                        }
                    ),
                    Command.create({"operation": "remove", "contract_line_id": backup.id}),
                    Command.create({"operation": "add", "name": "Monitoring", "price_unit": 20.0}),
                ],
            }
        )
        with freeze_time("2027-03-15"):
            amendment.action_confirm()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(contract.line_ids.mapped("price_unit"), [150.0, 20.0])
        # nothing invoiced before 1 April: January to April caught up at once
        moves = self._invoice(contract, date(2027, 4, 1))
        periods = contract.period_ids.sorted("date_start")
        # January 80 + 50, February 100 + 50, March and April 150 + 20
        self.assertEqual(periods.mapped("amount_fee"), [130.0, 150.0, 170.0, 170.0])
        self.assertEqual(periods.mapped("amount_fee_full"), [130.0, 150.0, 170.0, 170.0])
        self.assertEqual(moves.mapped("amount_untaxed"), [130.0, 150.0, 170.0, 170.0])
        january = periods[0].move_id.invoice_line_ids
        self.assertEqual(
            [(line.name, line.price_unit) for line in january],
            [
                ("Monthly maintenance – 01/01/2027 to 01/31/2027", 80.0),
                ("Backup – 01/01/2027 to 01/31/2027", 50.0),
            ],
        )
        # the backup line, without product, has the company's default sales tax
        self.assertEqual(
            [line.tax_ids for line in january], [self.tax, self.company.account_sale_tax_id]
        )
        self.assertTrue(self.company.account_sale_tax_id)
        self.assertEqual(
            periods[2].move_id.invoice_line_ids.mapped("name"),
            [
                "Monthly maintenance – 03/01/2027 to 03/31/2027",
                "Monitoring – 03/01/2027 to 03/31/2027",
            ],
        )

    def test_cancelled_draft_frees_period(self):
        contract = self._billing_contract("2027-01-01")
        move = self._invoice(contract, date(2027, 1, 1))
        period = contract.period_ids
        move.button_cancel()
        self.assertEqual(period.state, "to_invoice")
        self.assertFalse(period.move_id)
        again = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(period.move_id, again)
        again.unlink()
        self.assertEqual(period.state, "to_invoice")
        self.assertFalse(period.move_id)

    def test_posted_never_twice(self):
        contract = self._billing_contract("2027-01-01", invoice_auto_post="posted")
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.state, "posted")
        period = contract.period_ids
        self.assertFalse(contract._invoice_periods(period))
        self.assertFalse(self._invoice(contract, date(2027, 1, 1)))
        self.assertEqual(contract.invoice_count, 1)
        # the database refuses a second period for the same days...
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.env["maintenance.contract.period"].create(
                    {
                        "contract_id": contract.id,
                        "date_start": period.date_start,
                        "date_end": period.date_end,
                        "invoice_date": period.invoice_date,
                    }
                )
        # ... and an invoiced period without its invoice
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                period.write({"move_id": False})
                period.flush_recordset()

    def test_analytic_distribution(self):
        self.company.maintenance_analytic_account = True
        contract = self._billing_contract("2027-01-01")
        account = contract.analytic_account_id
        self.assertTrue(account)
        self.assertEqual(account.partner_id, self.customer)
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.invoice_line_ids.analytic_distribution, {str(account.id): 100})
        move.action_post()
        analytic_lines = self.env["account.analytic.line"].search(
            [("account_id", "=", account.id), ("move_line_id", "in", move.invoice_line_ids.ids)]
        )
        self.assertEqual(sum(analytic_lines.mapped("amount")), 300.0)

    def test_penalty_invoice_conventions(self):
        self.company.maintenance_analytic_account = True
        invoice_address = self.env["res.partner"].create(
            {"name": "Accounts payable", "type": "invoice", "parent_id": self.customer.id}
        )
        contract = self._billing_contract("2027-01-01")
        move = contract._create_penalty_invoice(500.0)
        self.assertEqual(move.partner_id, invoice_address)
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.contract_id, contract)
        self.assertEqual(
            move.invoice_line_ids.analytic_distribution,
            {str(contract.analytic_account_id.id): 100},
        )

    def test_bad_contract_does_not_block_the_batch(self):
        category = self.env["product.category"].create({"name": "No income account (test)"})
        category.property_account_income_categ_id = False
        product = self.env["product.product"].create(
            {"name": "Fee without account (test)", "categ_id": category.id}
        )
        product.property_account_income_id = False
        bad = self._billing_contract("2027-01-01")
        bad.line_ids.product_id = product
        good = self._billing_contract("2027-01-01")
        with mute_logger(
            "odoo.addons.maintenance_contract_it.models.maintenance_contract_billing_mixin"
        ):
            moves = self._invoice(bad | good, date(2027, 1, 1))
            self._invoice(bad | good, date(2027, 1, 1))
        self.assertEqual(moves.contract_id, good)
        self.assertEqual(bad.period_ids.state, "to_invoice")
        activity = bad.activity_ids.filtered(lambda a: a.summary == "Invoicing failed")
        self.assertEqual(len(activity), 1, "reported once")
        self.assertIn("no income account", str(activity.note))
        # the button says so
        with self.assertRaisesRegex(UserError, "no income account"):
            bad.action_invoice_now()

    def test_bad_input_errors(self):
        draft = self._billing_contract("2027-01-01", activate=False)
        with self.assertRaisesRegex(UserError, "only an active, expired or terminated"):
            draft.action_invoice_now()
        draft.action_cancel()
        with self.assertRaisesRegex(UserError, "only an active, expired or terminated"):
            draft.action_invoice_now()
        currency = self.env["res.currency"].create({"name": "XBT", "symbol": "B", "rounding": 0.01})
        foreign = self._billing_contract("2027-01-01", currency_id=currency.id)
        with self.assertRaisesRegex(UserError, "no exchange rate"):
            foreign._invoice_periods(foreign._get_periods_due(date(2027, 1, 1)))
        no_journal = self._billing_contract("2027-01-01")
        self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)]
        ).action_archive()
        with self.assertRaisesRegex(UserError, "No sales journal"):
            no_journal._invoice_periods(no_journal._get_periods_due(date(2027, 1, 1)))

    def test_invoice_now_button(self):
        contract = self._billing_contract("2026-01-01")
        action = contract.with_user(self.accountant).action_invoice_now()
        self.assertEqual(action["res_model"], "account.move")
        self.assertTrue(contract.period_ids)
        self.assertEqual(set(contract.period_ids.mapped("state")), {"invoiced"})

    def test_access(self):
        contract = self._billing_contract("2027-01-01")
        self._invoice(contract, date(2027, 1, 1))
        # a contract user sees the billing tab (periods) but cannot invoice
        user_contract = contract.with_user(self.user)
        self.assertEqual(user_contract.period_ids.amount_fee, 300.0)
        self.assertFalse(
            "move_id" in user_contract.period_ids._fields
            and user_contract.period_ids._fields["move_id"].is_accessible(user_contract.env)
        )
        with self.assertRaisesRegex(AccessError, "not allowed to create invoices"):
            user_contract.action_invoice_now()
        with self.assertRaises(AccessError):
            user_contract.period_ids.write({"amount_fee": 1.0})
        with self.assertRaises(AccessError):
            self.env["maintenance.contract.period"].with_user(self.user).create(
                {
                    "contract_id": contract.id,
                    "date_start": "2027-02-01",
                    "date_end": "2027-02-28",
                    "invoice_date": "2027-02-01",
                }
            )
        # the accountant can, and reads the invoice of the period
        contract.with_user(self.accountant)._invoice_periods(
            contract.with_user(self.accountant)._get_periods_due(date(2027, 2, 1))
        )
        self.assertEqual(len(contract.period_ids), 2)

    def test_cron_invoices_today(self):
        contract = self._billing_contract(date.today())
        self.env["maintenance.contract"]._cron_invoice()
        self.assertEqual(contract.period_ids.state, "invoiced")
        self.assertEqual(contract.period_ids.move_id.amount_untaxed, 300.0)

    def test_query_count_constant_per_invoice(self):
        small, __ = self._count_run_queries(5, "a")
        large, __ = self._count_run_queries(20, "b")
        message = f"{small} queries for 5 contracts, {large} for 20"
        # at most 20 queries per invoice, and no more per invoice with more contracts; what
        # the extras need (billable work, SLA credits), the fee lines and the customers'
        # addresses and fiscal fields are read once per batch, the contract links of the
        # invoices written at once: each more contract costs about 1 query (Odoo's own: the
        # invoice's sequence; 6 when the invoice headers were read per invoice, 11 when the
        # extras were read per period)
        self.assertLessEqual(large / 20, 20, message)
        self.assertLessEqual((large - small) / 15, 3, message)
        self.assertLessEqual(large / 20, small / 5, message)

    def test_template_billing_terms(self):
        self.template.write(
            {
                "billing_alignment": "calendar",
                "invoice_date_offset": 3,
                "invoice_auto_post": "posted",
                "invoice_grouping": "customer",
            }
        )
        contract = self._create_contract()
        self.assertEqual(contract.billing_alignment, "calendar")
        self.assertEqual(contract.invoice_date_offset, 3)
        self.assertEqual(contract.invoice_auto_post, "posted")
        self.assertEqual(contract.invoice_grouping, "customer")
