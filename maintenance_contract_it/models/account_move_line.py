from odoo import fields, models

# Internal fields, that customers (portal users) must not read.
EMPLOYEE_GROUP = "base.group_user"


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
