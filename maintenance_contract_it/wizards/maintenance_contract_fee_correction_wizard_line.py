from odoo import fields, models
from odoo.tools import float_compare


class MaintenanceContractFeeCorrectionWizardLine(models.TransientModel):
    _name = "maintenance.contract.fee.correction.wizard.line"
    _description = "Correct Contract Fees: Line"

    wizard_id = fields.Many2one(
        "maintenance.contract.fee.correction.wizard", required=True, ondelete="cascade"
    )
    contract_line_id = fields.Many2one(
        "maintenance.contract.line", string="Fee Line", required=True, readonly=True
    )
    name = fields.Text(related="contract_line_id.name", string="Description")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    quantity = fields.Float(digits="Product Unit of Measure")
    tax_ids = fields.Many2many("account.tax", string="Taxes")

    def _get_changed_values(self):
        """The values of the fee line that the correction changes."""
        self.ensure_one()
        line = self.contract_line_id
        values = {}
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        quantity_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        if float_compare(self.price_unit, line.price_unit, precision_digits=price_digits):
            values["price_unit"] = self.price_unit
        if float_compare(self.quantity, line.quantity, precision_digits=quantity_digits):
            values["quantity"] = self.quantity
        if self.tax_ids != line.tax_ids:
            values["tax_ids"] = [fields.Command.set(self.tax_ids.ids)]
        return values

    def _describe_changes(self, values):
        """One log entry per changed field: 'line, field: old → new'."""
        self.ensure_one()
        line = self.contract_line_id
        entries = []
        for fname in ("price_unit", "quantity", "tax_ids"):
            if fname not in values:
                continue
            if fname == "tax_ids":
                old = ", ".join(line.tax_ids.mapped("name")) or "-"
                new = ", ".join(self.tax_ids.mapped("name")) or "-"
            else:
                old, new = line[fname], self[fname]
            entries.append(
                self.env._(
                    "%(line)s, %(field)s: %(old)s → %(new)s",
                    line=line.name,
                    field=line._fields[fname]._description_string(self.env),
                    old=old,
                    new=new,
                )
            )
        return entries
