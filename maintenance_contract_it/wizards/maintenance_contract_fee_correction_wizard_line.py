from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount, formatLang

# what a correction changes on a fee line, in the order of its log
CORRECTED_FIELDS = ("price_unit", "quantity", "min_quantity", "tax_ids")


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
    quantity_mode = fields.Selection(related="contract_line_id.quantity_mode")
    quantity = fields.Float(digits="Product Unit of Measure")
    min_quantity = fields.Float(
        string="Minimum Quantity",
        digits="Product Unit of Measure",
        help="A line billed per unit invoices at least this quantity (0: no minimum).",
    )
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
            if line.quantity_mode != "fixed":
                raise UserError(
                    self.env._(
                        "The quantity of %(line)s is counted from its units (covered "
                        "equipment or usage counts): correct its minimum quantity instead.",
                        line=line.name,
                    )
                )
            values["quantity"] = self.quantity
        if line.quantity_mode != "fixed" and float_compare(
            self.min_quantity, line.min_quantity, precision_digits=quantity_digits
        ):
            values["min_quantity"] = self.min_quantity
        if self.tax_ids != line.tax_ids:
            values["tax_ids"] = [fields.Command.set(self.tax_ids.ids)]
        return values

    def _describe_changes(self, values):
        """One log entry per changed field: 'line, field: old → new', in the language of the
        context (the chatter's): amounts in the contract's currency, quantities at the
        precision of the units of measure, taxes by name."""
        self.ensure_one()
        line = self.contract_line_id
        entries = []
        for fname in CORRECTED_FIELDS:
            if fname not in values:
                continue
            entries.append(
                self.env._(
                    "%(line)s, %(field)s: %(old)s → %(new)s",
                    line=line.name,
                    field=line._fields[fname]._description_string(self.env),
                    old=self._format_value(fname, line[fname]),
                    new=self._format_value(fname, self[fname]),
                )
            )
        return entries

    def _format_value(self, fname, value):
        """A value of the corrected field ``fname`` as the log prints it."""
        env = self.env
        line = self.contract_line_id
        if fname == "tax_ids":
            return ", ".join(value.with_env(env).mapped("name")) or "-"
        if fname == "price_unit":
            currency = line.currency_id
            if currency.is_zero(currency.round(value) - value):
                return format_amount(env, value, currency)
            # a unit price more precise than the currency keeps its digits
            return formatLang(env, value, dp="Product Price", currency_obj=currency)
        quantity = formatLang(env, value, dp="Product Unit of Measure")
        if line.uom_id:
            return f"{quantity} {line.uom_id.with_env(env).name}"
        return quantity
