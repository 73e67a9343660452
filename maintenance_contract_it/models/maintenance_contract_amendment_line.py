from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class MaintenanceContractAmendmentLine(models.Model):
    """A change of the recurring fees carried by an amendment."""

    _name = "maintenance.contract.amendment.line"
    _description = "Contract Amendment Fee Change"
    _inherit = ["maintenance.contract.fee.mixin"]
    _order = "amendment_id, sequence, id"

    amendment_id = fields.Many2one(
        "maintenance.contract.amendment", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(related="amendment_id.contract_id")
    company_id = fields.Many2one(related="amendment_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    operation = fields.Selection(
        [("add", "Add"), ("update", "Update"), ("remove", "Remove")],
        required=True,
        default="add",
    )
    contract_line_id = fields.Many2one(
        "maintenance.contract.line",
        string="Fee Line",
        domain="[('contract_id', '=', contract_id)]",
        help="The fee line of the contract to update or remove.",
    )
    product_id = fields.Many2one("product.product", domain=[("sale_ok", "=", True)])
    name = fields.Text(string="Description")
    quantity = fields.Float(string="New Quantity", default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(string="New Unit Price", digits="Product Price")
    # how the line added or updated counts its quantity (fixed, per covered equipment, per
    # usage count): applied to the fee line with the amendment, from its effective date
    equipment_category_ids = fields.Many2many(
        relation="maintenance_contract_amendment_line_category_rel"
    )
    fee_line_before = fields.Json(
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Recorded when the amendment is applied: the fee line before an update or a "
        "removal, the id of the line an addition made. The billing periods starting before "
        "the effective date are priced with it.",
    )

    @api.onchange("contract_line_id")
    def _onchange_contract_line_id(self):
        line = self.contract_line_id
        if line:
            self.update(
                {
                    "product_id": line.product_id,
                    "name": line.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    **line._get_quantity_mode_values(),
                }
            )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id and self.operation == "add":
            self.name = self.product_id.get_product_multiline_description_sale()
            self.price_unit = self.product_id.lst_price

    @api.constrains("operation", "contract_line_id", "name", "quantity", "price_unit")
    def _check_line(self):
        for line in self:
            if line.operation in ("update", "remove"):
                if not line.contract_line_id:
                    raise ValidationError(self.env._("Choose the fee line to update or remove."))
                if line.contract_line_id.contract_id != line.amendment_id.contract_id:
                    raise ValidationError(
                        self.env._(
                            "The fee line %(line)s is not a line of this contract.",
                            line=line.contract_line_id.name,
                        )
                    )
            elif not line.name:
                raise ValidationError(self.env._("Describe the fee line to add."))
            if line.quantity < 0 or line.price_unit < 0:
                raise ValidationError(
                    self.env._("The quantity and the price of a fee line cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        # what the customer signed is frozen (see maintenance.signed.document.mixin)
        self.env["maintenance.contract.amendment"].browse(
            {vals["amendment_id"] for vals in vals_list if vals.get("amendment_id")}
        )._check_signed_content_editable()
        return super().create([self._add_quantity_mode_of_line(vals) for vals in vals_list])

    def write(self, vals):
        # what the customer signed is frozen (see maintenance.signed.document.mixin); the
        # fee line before the change is recorded when the signed amendment is applied
        if set(vals) - {"fee_line_before"}:
            self.amendment_id._check_signed_content_editable()
        res = super().write(vals)
        if "amendment_id" in vals:
            self.amendment_id._check_signed_content_editable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self.amendment_id._check_signed_content_editable()

    def _add_quantity_mode_of_line(self, vals):
        """``vals`` of a change of a fee line given without its quantity mode (made by
        code, not the form's onchange): the fee line's mode is kept, never reset to a fixed
        quantity."""
        line_id = vals.get("contract_line_id")
        if not line_id or "quantity_mode" in vals or vals.get("operation", "add") == "add":
            return vals
        line = self.env["maintenance.contract.line"].browse(line_id)
        return {**line._get_quantity_mode_values(), **vals}

    @api.model
    def _migrate_quantity_mode_of_pending_changes(self):
        """Update to 18.0.1.1.0: the updates of fee lines carried by amendments not applied
        yet (drafts, confirmed, signed: their columns of the quantity mode were created
        "fixed") get the mode of their fee line, written in SQL (what the customer signed
        is otherwise frozen; the mode was not part of it). Return the changes updated."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE maintenance_contract_amendment_line change
                   SET quantity_mode = line.quantity_mode,
                       min_quantity = line.min_quantity,
                       uom_id = line.uom_id,
                       unit_label = line.unit_label
                  FROM maintenance_contract_line line, maintenance_contract_amendment amendment
                 WHERE change.contract_line_id = line.id
                   AND change.amendment_id = amendment.id
                   AND change.operation = 'update'
                   AND amendment.state IN ('draft', 'confirmed')
                   AND line.quantity_mode != 'fixed'
                   AND change.quantity_mode = 'fixed'
             RETURNING change.id
                """
            )
        )
        changes = self.browse([row[0] for row in self.env.cr.fetchall()])
        if changes:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO maintenance_contract_amendment_line_category_rel
                           (maintenance_contract_amendment_line_id,
                            maintenance_contract_equipment_category_id)
                    SELECT change.id, rel.maintenance_contract_equipment_category_id
                      FROM maintenance_contract_amendment_line change
                      JOIN maintenance_contract_line_category_rel rel
                        ON rel.maintenance_contract_line_id = change.contract_line_id
                     WHERE change.id IN %s
                    ON CONFLICT DO NOTHING
                    """,
                    tuple(changes.ids),
                )
            )
            self.invalidate_model()
        return changes

    def _describe(self):
        """First line of the description of the fee line this change is about."""
        self.ensure_one()
        text = self.name or self.contract_line_id.name or ""
        return text.splitlines()[0] if text else ""
