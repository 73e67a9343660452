from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, formatLang

# Where the French Commercial Code applies: metropolitan France and the overseas departments
# and collectivities under it
FRENCH_COUNTRY_CODES = ("FR", "GF", "GP", "MQ", "RE", "YT", "BL", "MF", "PM")


class ResCompany(models.Model):
    _inherit = "res.company"

    maintenance_notice_reminder_days = fields.Integer(
        string="Notice Deadline Reminder (days)",
        default=60,
        help="Days before the notice deadline (or before the end of a contract without tacit "
        "renewal) at which the account manager gets a to-do.",
    )
    maintenance_end_reminder_days = fields.Integer(
        string="Contract End Reminder (days)",
        default=15,
        help="Days before the last day of an ending contract at which the account manager "
        "gets a to-do.",
    )
    maintenance_revision_reminder_days = fields.Integer(
        string="Price Revision Reminder (days)",
        default=30,
        help="Days before a price revision date at which the account manager gets a to-do.",
    )
    maintenance_auto_send_renewal_notice = fields.Boolean(
        string="Send Renewal Notices",
        help="Email the customer when the contract is renewed.",
    )
    maintenance_auto_send_revision_notice = fields.Boolean(
        string="Send Price Revision Notices",
        help="Email the customer the computation of the revised prices.",
    )
    maintenance_auto_send_termination_ack = fields.Boolean(
        string="Send Termination Acknowledgements",
        help="Email the customer an acknowledgement when notice of termination is recorded.",
    )
    maintenance_invoice_auto_post = fields.Boolean(
        string="Post Contract Invoices",
        help="Post the invoices of the contracts right away instead of leaving them as drafts "
        "(each contract can choose otherwise).",
    )
    maintenance_analytic_account = fields.Boolean(
        string="Analytic Account per Contract",
        help="Create an analytic account for each contract when it is activated and put it on "
        "every line it invoices.",
    )
    maintenance_extra_product_id = fields.Many2one(
        "product.product",
        string="Extra Work Product",
        domain=[("type", "=", "service")],
        help="Service product of the invoice lines of billable interventions and of the hours "
        "beyond the prepaid balance, unless the intervention names its own.",
    )
    maintenance_activate_on_signature = fields.Boolean(
        string="Activate on Signature",
        help="Activate a contract as soon as the customer signs it on the portal; otherwise "
        "its account manager gets a to-do to activate it.",
    )
    maintenance_overdue_activity_days = fields.Integer(
        string="Overdue Invoice To-do (days)",
        default=15,
        help="Days after the due date of an unpaid contract invoice at which the account "
        "manager gets a to-do (0: never).",
    )
    maintenance_hourly_cost = fields.Monetary(
        string="Default Technician Hourly Cost",
        currency_field="currency_id",
        groups="maintenance_contract_it.group_maintenance_contract_manager",
        help="Cost of one hour of work of a technician without an hourly cost of his own, for "
        "the profitability of the contracts.",
    )
    # French legal mentions of the contract invoices (Code de commerce L441-9, L441-10,
    # D441-5): printed on every invoice sent to customers, hence readable by everyone
    maintenance_invoice_legal_mentions = fields.Boolean(
        string="Legal Mentions on Contract Invoices",
        help="Print on every contract invoice and credit note, in the customer's language, the "
        "operation type, the late payment penalties and the fixed indemnity for recovery "
        "costs (French Commercial Code, art. L441-9, L441-10 and D441-5), also carried in "
        "the Factur-X XML. On by default for the companies in France.",
    )
    maintenance_late_penalty_basis = fields.Selection(
        [
            ("legal_x3", "Three times the legal interest rate"),
            ("ecb_10", "ECB refinancing rate plus 10 points"),
            ("rate", "Agreed yearly rate"),
        ],
        string="Late Payment Penalty Rate",
        default="legal_x3",
        required=True,
        help="Rate of the late payment penalties printed on the contract invoices. Without an "
        "agreed rate, French law applies the ECB refinancing rate plus 10 points; an agreed "
        "rate may not be lower than three times the legal interest rate.",
    )
    maintenance_late_penalty_rate = fields.Float(
        string="Agreed Penalty Rate (% per year)",
        digits=(16, 2),
        help="Yearly rate of the late payment penalties, when the rate is an agreed one.",
    )
    maintenance_recovery_indemnity = fields.Monetary(
        string="Fixed Recovery Indemnity",
        currency_field="currency_id",
        help="Fixed indemnity for recovery costs owed by a professional customer who pays late "
        "(40.00 € in France, art. D441-5 of the Commercial Code).",
    )
    maintenance_invoice_legal_note = fields.Text(
        string="Other Legal Mentions",
        translate=True,
        help="Printed after the legal mentions on every contract invoice, in the customer's "
        "language (for example the conditions of a discount for early payment).",
    )

    @api.constrains("maintenance_late_penalty_rate", "maintenance_recovery_indemnity")
    def _check_maintenance_legal_mentions(self):
        # an agreed rate of 0 is refused when an invoice prints it (the settings form
        # writes the rate and its basis one after the other)
        for company in self:
            if company.maintenance_late_penalty_rate < 0:
                raise ValidationError(
                    self.env._(
                        "The late payment penalty rate of the company %(company)s cannot be "
                        "negative.",
                        company=company.name,
                    )
                )
            if company.currency_id.compare_amounts(company.maintenance_recovery_indemnity, 0) < 0:
                raise ValidationError(
                    self.env._(
                        "The fixed recovery indemnity of the company %(company)s cannot be "
                        "negative.",
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company, vals in zip(companies, vals_list, strict=True):
            company._maintenance_apply_french_defaults(keep=vals)
        return companies

    def write(self, vals):
        if "country_id" not in vals:
            return super().write(vals)
        # the company's country is its contact's: the contact's write gives a company that
        # becomes French its defaults (res.partner._maintenance_apply_company_french_defaults),
        # keeping the values written here with the country
        return super(ResCompany, self.with_context(maintenance_french_keep=tuple(vals))).write(vals)

    def _maintenance_is_french(self):
        """Whether the French Commercial Code applies to the company (metropolitan France
        and the overseas departments and collectivities under it)."""
        self.ensure_one()
        return self.country_id.code in FRENCH_COUNTRY_CODES

    def _maintenance_get_french_defaults(self):
        """Values of the invoicing settings of a company in France."""
        return {
            "maintenance_invoice_legal_mentions": True,
            "maintenance_late_penalty_basis": "legal_x3",
            "maintenance_recovery_indemnity": 40.0,
        }

    def _maintenance_apply_french_defaults(self, keep=()):
        """Give the French companies of ``self`` the French defaults of the settings they have
        not set (empty, or not in ``keep``: the values being written): called when a company
        is installed, created or becomes French, never over a value the user chose."""
        for company in self.filtered(lambda company: company._maintenance_is_french()):
            values = {
                fname: value
                for fname, value in company._maintenance_get_french_defaults().items()
                if fname not in keep and not company[fname]
            }
            if values:
                company.write(values)

    @api.model
    def _maintenance_install_french_defaults(self):
        """At the module's installation: the French defaults of the existing companies."""
        self.search([])._maintenance_apply_french_defaults()

    def _maintenance_has_legal_mention_values(self):
        """Whether the user has set any of the company's legal mention settings (an empty
        company is one from before the module had them)."""
        self.ensure_one()
        return bool(
            self.maintenance_invoice_legal_mentions
            or self.maintenance_recovery_indemnity
            or self.maintenance_late_penalty_rate
            or self.maintenance_late_penalty_basis not in (False, "legal_x3")
            or self.maintenance_invoice_legal_note
        )

    @api.model
    def _maintenance_migrate_french_defaults(self):
        """On the update to 18.0.1.1.0: the French defaults of the existing companies in
        France that have none of the legal mention settings yet (a company where one is set
        was configured by its user and is left as it is). Returns the companies updated."""
        companies = self.search([]).filtered(
            lambda company: company._maintenance_is_french()
            and not company._maintenance_has_legal_mention_values()
        )
        companies._maintenance_apply_french_defaults()
        return companies

    def _maintenance_get_invoice_legal_mentions(self, lang, operation_type="services"):
        """The legal mentions of a contract invoice of the company, in the language ``lang``
        (the customer's): a list of plain texts, empty when the company prints none.

        :param operation_type: ``services``, ``goods`` or ``mixed``, what the invoice sells
        """
        self.ensure_one()
        if not self.maintenance_invoice_legal_mentions:
            return []
        company = self.with_context(lang=lang)
        env = company.env
        operation = {
            "services": env._("Operation type: services"),
            "goods": env._("Operation type: delivery of goods"),
            "mixed": env._("Operation type: mixed (delivery of goods and services)"),
        }[operation_type]
        mentions = [
            operation,
            env._(
                "Late payment penalties: %(rate)s, due from the day after the due date "
                "without a reminder (French Commercial Code, art. L441-10).",
                rate=company._maintenance_get_late_penalty_rate_text(),
            ),
        ]
        if self.maintenance_recovery_indemnity:
            mentions.append(
                env._(
                    "Fixed indemnity for recovery costs owed by a professional customer in "
                    "case of late payment: %(amount)s (French Commercial Code, art. L441-10 "
                    "and D441-5).",
                    amount=format_amount(
                        env, self.maintenance_recovery_indemnity, self.currency_id, lang
                    ),
                )
            )
        if company.maintenance_invoice_legal_note:
            mentions.append(company.maintenance_invoice_legal_note.strip())
        return mentions

    def _maintenance_get_late_penalty_rate_text(self):
        """The rate of the late payment penalties, in the context's language."""
        self.ensure_one()
        env = self.env
        if self.maintenance_late_penalty_basis == "ecb_10":
            return env._("the European Central Bank refinancing rate plus 10 points")
        if self.maintenance_late_penalty_basis == "rate":
            if not self.maintenance_late_penalty_rate:
                raise UserError(
                    env._(
                        "The company %(company)s prints an agreed late payment penalty rate "
                        "on its contract invoices but the rate is not set: set it in the "
                        "settings of the maintenance contracts.",
                        company=self.name,
                    )
                )
            return env._(
                "%(rate)s %% per year",
                rate=formatLang(env, self.maintenance_late_penalty_rate, digits=2),
            )
        return env._("three times the French legal interest rate")
