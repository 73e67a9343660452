"""18.0.1.1.0: the coverage history of the equipment linked before it existed, and the French
defaults of the invoice legal mentions of the companies in France that have none yet."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cover_linked_equipment(env)
    apply_french_defaults(env)


def cover_linked_equipment(env):
    """Equipment linked to a contract without coverage: covered from the contract's start."""
    return env["maintenance.contract.equipment.coverage"]._migrate_cover_linked_equipment()


def apply_french_defaults(env):
    """Companies in France without any legal mention setting: the French defaults."""
    return env["res.company"]._maintenance_migrate_french_defaults()
