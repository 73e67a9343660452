from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    maintenance_revision_reminder_days = fields.Integer(
        string="Price Revision Reminder (days)",
        default=30,
        help="Days before a contract's price revision date when its account manager gets "
        "a reminder activity.",
    )
    maintenance_auto_send_revision_notice = fields.Boolean(
        string="Send Revision Notices Automatically",
        help="Email the revision notice to the customer as soon as a contract's prices "
        "are revised.",
    )
