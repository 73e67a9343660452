from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    contract_id = fields.Many2one(
        "maintenance.contract",
        string="Maintenance Contract",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )

    def _get_maintenance_periods(self):
        """Billing periods invoiced on these invoices."""
        return self.env["maintenance.contract.period"].search([("move_id", "in", self.ids)])

    def write(self, vals):
        # button_cancel and the other ways to cancel an invoice all write its state
        res = super().write(vals)
        if vals.get("state") == "cancel":
            self._get_maintenance_periods()._on_invoice_cancelled()
        return res

    def unlink(self):
        # before the deletion: an invoiced period always has its invoice
        self._get_maintenance_periods()._on_invoice_cancelled()
        return super().unlink()
