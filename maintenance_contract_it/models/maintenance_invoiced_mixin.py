from odoo import api, fields, models
from odoo.exceptions import UserError

from .maintenance_step_mixin import as_step, is_step

# Only invoicing users read the invoice links.
INVOICE_GROUPS = "account.group_account_invoice,account.group_account_readonly"


class MaintenanceInvoicedMixin(models.AbstractModel):
    """Work invoiced once (billable interventions and their parts): the invoice line that
    invoiced it. The line carries the record back (a technical field of the line, named by
    ``_invoice_line_link_field``), so that each record finds its own line whatever its label."""

    _name = "maintenance.invoiced.mixin"
    _description = "Work Invoiced Once"
    # field of account.move.line pointing back to the record it invoices
    _invoice_line_link_field = None

    invoice_line_id = fields.Many2one(
        "account.move.line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=INVOICE_GROUPS,
        help="The invoice line that invoiced this work; a cancelled invoice frees it.",
    )
    invoice_id = fields.Many2one(
        related="invoice_line_id.move_id", string="Invoice", groups=INVOICE_GROUPS
    )

    def write(self, vals):
        if "invoice_line_id" in vals and not (self.env.su or is_step(self.env)):
            if self.filtered(lambda r: r.invoice_line_id.id != (vals["invoice_line_id"] or False)):
                raise UserError(
                    self.env._(
                        "The invoice line of billed work is set by the contract's invoicing "
                        "and freed by cancelling its invoice only: it cannot be changed by "
                        "hand."
                    )
                )
        return super().write(vals)

    def _get_invoice_line_link(self):
        """Values that link an invoice line to this record (added to its line values)."""
        self.ensure_one()
        return {self._invoice_line_link_field: self.id}

    @api.model
    def _link_invoice_lines(self, lines):
        """Link each record to the line among ``lines`` that invoices it."""
        for line in lines.sudo():
            record = line[self._invoice_line_link_field]
            if record:
                as_step(self.browse(record.id)).invoice_line_id = line

    @api.model
    def _unlink_invoice_lines(self, moves):
        """Free the records invoiced by ``moves`` (cancelled or deleted)."""
        invoiced = self.search([("invoice_line_id.move_id", "in", moves.ids)])
        as_step(invoiced).invoice_line_id = False
