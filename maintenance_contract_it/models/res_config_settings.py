from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    maintenance_notice_reminder_days = fields.Integer(
        related="company_id.maintenance_notice_reminder_days", readonly=False
    )
    maintenance_end_reminder_days = fields.Integer(
        related="company_id.maintenance_end_reminder_days", readonly=False
    )
    maintenance_revision_reminder_days = fields.Integer(
        related="company_id.maintenance_revision_reminder_days", readonly=False
    )
    maintenance_auto_send_renewal_notice = fields.Boolean(
        related="company_id.maintenance_auto_send_renewal_notice", readonly=False
    )
    maintenance_auto_send_revision_notice = fields.Boolean(
        related="company_id.maintenance_auto_send_revision_notice", readonly=False
    )
    maintenance_auto_send_termination_ack = fields.Boolean(
        related="company_id.maintenance_auto_send_termination_ack", readonly=False
    )
    maintenance_invoice_auto_post = fields.Boolean(
        related="company_id.maintenance_invoice_auto_post", readonly=False
    )
    maintenance_analytic_account = fields.Boolean(
        related="company_id.maintenance_analytic_account", readonly=False
    )
    maintenance_extra_product_id = fields.Many2one(
        related="company_id.maintenance_extra_product_id", readonly=False
    )
    maintenance_activate_on_signature = fields.Boolean(
        related="company_id.maintenance_activate_on_signature", readonly=False
    )
    maintenance_overdue_activity_days = fields.Integer(
        related="company_id.maintenance_overdue_activity_days", readonly=False
    )
    maintenance_hourly_cost = fields.Monetary(
        related="company_id.maintenance_hourly_cost", readonly=False
    )
    maintenance_invoice_legal_mentions = fields.Boolean(
        related="company_id.maintenance_invoice_legal_mentions", readonly=False
    )
    maintenance_late_penalty_basis = fields.Selection(
        related="company_id.maintenance_late_penalty_basis", readonly=False
    )
    maintenance_late_penalty_rate = fields.Float(
        related="company_id.maintenance_late_penalty_rate", readonly=False
    )
    maintenance_recovery_indemnity = fields.Monetary(
        related="company_id.maintenance_recovery_indemnity", readonly=False
    )
    maintenance_invoice_legal_note = fields.Text(
        related="company_id.maintenance_invoice_legal_note", readonly=False
    )
