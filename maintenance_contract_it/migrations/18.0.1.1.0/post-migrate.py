"""18.0.1.1.0: the coverage history of the equipment linked before it existed, the French
defaults of the invoice legal mentions of the companies in France that have none yet, the
quantity mode of the fee changes of amendments not applied yet, and the amounts of the fee
lines billed per unit (their subtotal now follows their units)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cover_linked_equipment(env)
    apply_french_defaults(env)
    keep_quantity_mode_of_pending_changes(env)
    refresh_amounts_of_unit_lines(env)


def cover_linked_equipment(env):
    """Equipment linked to a contract without coverage: covered from the contract's start."""
    return env["maintenance.contract.equipment.coverage"]._migrate_cover_linked_equipment()


def apply_french_defaults(env):
    """Companies in France without any legal mention setting: the French defaults."""
    return env["res.company"]._maintenance_migrate_french_defaults()


def keep_quantity_mode_of_pending_changes(env):
    """Fee changes of amendments not applied yet: the quantity mode of their fee line (the
    column was created "fixed"), so that applying them does not turn a line billed per unit
    into a fixed quantity."""
    return env["maintenance.contract.amendment.line"]._migrate_quantity_mode_of_pending_changes()


def refresh_amounts_of_unit_lines(env):
    """Fee lines billed per unit: their billed quantity, subtotal and the recurring amounts
    of their contracts, counted from their units (the stored subtotals were quantity ×
    price)."""
    return env["maintenance.contract.line"]._cron_refresh_billed_quantity()
