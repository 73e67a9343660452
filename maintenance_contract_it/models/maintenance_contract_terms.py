from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.dates import (
    BILLING_ALIGNMENTS,
    FREQUENCY_MONTHS,
    NOTICE_UNITS,
    TERM_UNITS,
    notice_fits_term,
)

BILLING_FREQUENCIES = [
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("semiannual", "Half-yearly"),
    ("yearly", "Yearly"),
]
INVOICE_AUTO_POST = [("company", "Company default"), ("draft", "Draft"), ("posted", "Posted")]
INVOICE_GROUPING = [
    ("contract", "One invoice per contract"),
    ("customer", "One invoice per customer"),
]
PERIODS_PER_YEAR = {frequency: 12 // months for frequency, months in FREQUENCY_MONTHS.items()}
# Longest term and notice period, in years, and units per year
MAX_TERM_YEARS = 99
MAX_TERM_UNITS = {"year": 1, "month": 12, "day": 366}


class MaintenanceContractTerms(models.AbstractModel):
    """The terms a template proposes and a contract agrees: object, duration, renewal,
    notice, billing, service level and extra rate. Both models inherit them from here, so
    that a term is defined, checked and copied from template to contract in one place;
    they only redefine the attributes that differ (tracking on the contract, translations
    on the template)."""

    _name = "maintenance.contract.terms"
    _description = "Maintenance Contract Terms"

    company_id = fields.Many2one("res.company")
    currency_id = fields.Many2one("res.currency")

    # Object
    include_preventive = fields.Boolean(string="Preventive maintenance")
    include_curative = fields.Boolean(string="Curative maintenance")
    include_evolutive = fields.Boolean(string="Evolutive maintenance")
    preventive_description = fields.Html()
    curative_description = fields.Html()
    evolutive_description = fields.Html()
    exclusions = fields.Html()
    specific_conditions = fields.Html()

    # Duration, renewal and notice
    initial_term = fields.Integer(default=12, required=True)
    initial_term_unit = fields.Selection(TERM_UNITS, default="month", required=True)
    tacit_renewal = fields.Boolean(default=True)
    renewal_term = fields.Integer(default=12, required=True)
    renewal_term_unit = fields.Selection(TERM_UNITS, default="month", required=True)
    notice_period = fields.Integer(default=3, required=True)
    notice_period_unit = fields.Selection(NOTICE_UNITS, default="month", required=True)

    # Billing
    billing_frequency = fields.Selection(BILLING_FREQUENCIES, default="monthly", required=True)
    billing_in_advance = fields.Boolean(
        string="Invoice in advance",
        default=True,
        help="Invoice each period at its start (in advance) rather than at its end "
        "(in arrears).",
    )
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    extra_hourly_rate = fields.Monetary(
        string="Hourly Rate for Extra Services", currency_field="currency_id"
    )

    # Service level
    sla_policy_id = fields.Many2one(
        "maintenance.sla.policy", string="SLA Policy", check_company=True
    )

    # Billing
    billing_alignment = fields.Selection(
        BILLING_ALIGNMENTS,
        default="anchored",
        required=True,
        help="Periods counted from the contract's start date, or calendar months, quarters, "
        "half-years or years (the first period then prorated by days).",
    )
    unit_count_method = fields.Selection(
        [
            ("prorated", "Prorated by the days covered"),
            ("first_day", "Covered on the period's first day"),
        ],
        string="Count Covered Equipment",
        default="prorated",
        required=True,
        help="How the fees billed per covered equipment count a period: each equipment for "
        "the days it was covered in the period, or the equipment covered on its first day. "
        "A period invoiced in advance is counted on its first day, and the next invoice "
        "adjusts what changed during it.",
    )
    invoice_date_offset = fields.Integer(
        string="Invoice Days Earlier",
        help="Invoice each period this many days before its normal invoice date.",
    )
    invoice_auto_post = fields.Selection(
        INVOICE_AUTO_POST,
        string="Invoices Created As",
        default="company",
        required=True,
    )
    invoice_grouping = fields.Selection(
        INVOICE_GROUPING,
        default="contract",
        required=True,
        help="One invoice per contract and period, or one invoice per customer for all the "
        "periods of its contracts due on the same day.",
    )

    @api.constrains(
        "initial_term",
        "initial_term_unit",
        "renewal_term",
        "renewal_term_unit",
        "notice_period",
        "notice_period_unit",
    )
    def _check_terms(self):
        for record in self:
            if record.initial_term <= 0:
                raise ValidationError(self.env._("The initial term must be positive."))
            if record.renewal_term <= 0:
                raise ValidationError(self.env._("The renewal term must be positive."))
            if record.notice_period < 0:
                raise ValidationError(self.env._("The notice period cannot be negative."))
            record._check_terms_bounds()
            start = record._get_terms_check_start()
            for term, unit in (
                (record.initial_term, record.initial_term_unit),
                (record.renewal_term, record.renewal_term_unit),
            ):
                if not notice_fits_term(
                    start, term, unit, record.notice_period, record.notice_period_unit
                ):
                    raise ValidationError(
                        self.env._(
                            "The notice period of %(name)s must be shorter than its initial "
                            "and renewal terms: else notice could never be given in time.",
                            name=record.display_name,
                        )
                    )

    def _get_terms_bounded(self):
        """(value, unit, label) of the terms bounded to 99 years."""
        self.ensure_one()
        return (
            (self.initial_term, self.initial_term_unit, self.env._("initial term")),
            (self.renewal_term, self.renewal_term_unit, self.env._("renewal term")),
            (self.notice_period, self.notice_period_unit, self.env._("notice period")),
        )

    def _terms_in_bounds(self):
        """Whether the terms and notice last at most 99 years (dates are computed from them
        only then: longer ones end after the last date a computer counts)."""
        self.ensure_one()
        return all(
            (value or 0) <= MAX_TERM_YEARS * MAX_TERM_UNITS.get(unit, 1)
            for value, unit, _label in self._get_terms_bounded()
        )

    def _check_terms_bounds(self):
        """Terms and notice of at most 99 years: longer ones make no sense."""
        self.ensure_one()
        for value, unit, label in self._get_terms_bounded():
            if value > MAX_TERM_YEARS * MAX_TERM_UNITS[unit]:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the %(term)s cannot exceed %(max)s years.",
                        term=label,
                        name=self.display_name,
                        max=MAX_TERM_YEARS,
                    )
                )

    def _get_terms_check_start(self):
        """The day from which the terms are checked: a template has no start date, its terms
        are checked from the start of a year (the contract counts from its start)."""
        self.ensure_one()
        return fields.Date.context_today(self).replace(month=1, day=1)

    @api.constrains("extra_hourly_rate")
    def _check_extra_hourly_rate(self):
        for record in self:
            if record.extra_hourly_rate < 0:
                raise ValidationError(
                    self.env._("The hourly rate for extra services cannot be negative.")
                )

    @api.model
    def _get_terms_fields(self):
        """Names of the terms a contract takes from its template: a new term is added to
        this model and to this list, nowhere else."""
        return [
            "include_preventive",
            "include_curative",
            "include_evolutive",
            "preventive_description",
            "curative_description",
            "evolutive_description",
            "exclusions",
            "specific_conditions",
            "initial_term",
            "initial_term_unit",
            "tacit_renewal",
            "renewal_term",
            "renewal_term_unit",
            "notice_period",
            "notice_period_unit",
            "billing_frequency",
            "billing_in_advance",
            "payment_term_id",
            "extra_hourly_rate",
            "sla_policy_id",
            "billing_alignment",
            "invoice_date_offset",
            "unit_count_method",
            "invoice_auto_post",
            "invoice_grouping",
        ]

    def _prepare_terms_values(self):
        """Values of the terms of this record, ready to be written on another record of
        the terms (texts read in the language of the context)."""
        self.ensure_one()
        return {
            fname: self._fields[fname].convert_to_write(self[fname], self)
            for fname in self._get_terms_fields()
        }
