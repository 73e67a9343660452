from odoo import fields, models


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
