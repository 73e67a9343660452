from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Internal fields, that customers (portal users) must not read.
EMPLOYEE_GROUP = "base.group_user"
# What links a line to a contract's billing: set by the billing code only
MAINTENANCE_LINK_FIELDS = (
    "maintenance_period_id",
    "maintenance_line_kind",
    "maintenance_intervention_id",
    "maintenance_intervention_part_id",
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    maintenance_period_id = fields.Many2one(
        "maintenance.contract.period",
        string="Billing Period",
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
        groups=EMPLOYEE_GROUP,
    )
    maintenance_line_kind = fields.Selection(
        [
            ("fee", "Contract fee"),
            ("extra", "Extra work"),
            ("overage", "Hours beyond the prepaid balance"),
            ("sla_credit", "SLA service credit"),
        ],
        string="Contract Line Kind",
        copy=False,
        readonly=True,
        groups=EMPLOYEE_GROUP,
        help="What a line of a contract invoice bills: the credit note of the unused days of "
        "a contract ending early credits only its fees.",
    )
    # what a line of extra work invoices (see maintenance.invoiced.mixin): each intervention
    # and part finds its own line, whatever the labels
    maintenance_intervention_id = fields.Many2one(
        "maintenance.intervention",
        string="Intervention Invoiced",
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        groups=EMPLOYEE_GROUP,
    )
    maintenance_intervention_part_id = fields.Many2one(
        "maintenance.intervention.part",
        string="Part Invoiced",
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        groups=EMPLOYEE_GROUP,
    )

    maintenance_unit_list = fields.Text(
        string="Units Billed",
        copy=False,
        help="The units a contract fee billed per unit invoices (equipment, serial number, "
        "days covered when prorated), printed under the line.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env["account.move"]._maintenance_links_editable() and any(
            vals.get(fname) for vals in vals_list for fname in MAINTENANCE_LINK_FIELDS
        ):
            raise UserError(self.env["account.move"]._maintenance_link_message())
        return super().create(vals_list)

    def write(self, vals):
        links = [fname for fname in MAINTENANCE_LINK_FIELDS if fname in vals]
        if links and not self.env["account.move"]._maintenance_links_editable():
            for line in self.sudo():
                for fname in links:
                    current = line[fname]
                    current = current.id if isinstance(current, models.BaseModel) else current
                    if current != (vals[fname] or False):
                        raise UserError(self.env["account.move"]._maintenance_link_message())
        return super().write(vals)

    @api.constrains(
        "maintenance_period_id", "maintenance_intervention_id", "maintenance_intervention_part_id"
    )
    def _check_maintenance_contract_partner(self):
        """A line bills the work of its invoice's customer only: the contract of its billing
        period, intervention or part is of the invoice's customer."""
        for line in self.sudo():
            contracts = (
                line.maintenance_period_id.contract_id
                | line.maintenance_intervention_id.contract_id
                | line.maintenance_intervention_part_id.intervention_id.contract_id
            )
            customer = line.move_id.commercial_partner_id
            others = contracts.filtered(lambda c, p=customer: c.commercial_partner_id != p)
            if others:
                raise ValidationError(
                    self.env._(
                        "The invoice %(invoice)s of %(customer)s cannot bill the contract "
                        "%(contracts)s of another customer.",
                        invoice=line.move_id.display_name,
                        customer=customer.display_name,
                        contracts=", ".join(others.mapped("display_name")),
                    )
                )
