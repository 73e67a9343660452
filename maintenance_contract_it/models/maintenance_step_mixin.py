from odoo import api, models
from odoo.exceptions import UserError

# Context key of the writes made by a record's own steps (buttons, wizards, scheduled jobs).
# Its value is an object, which JSON-RPC cannot send: no client can pass it.
STEP_CONTEXT_KEY = "maintenance_step"
_STEP = object()


def is_step(env):
    """Whether ``env`` is the environment of a module's step (see ``as_step``)."""
    return env.context.get(STEP_CONTEXT_KEY) is _STEP


def as_step(records):
    """``records`` in the environment of the module's steps: what only the module's code
    writes (a record's status, the invoice links of the billing code) is accepted there."""
    return records.with_context(**{STEP_CONTEXT_KEY: _STEP})


class MaintenanceStepMixin(models.AbstractModel):
    """A status that only the record's own steps change (its buttons, wizards and scheduled
    jobs, through ``_write_step``), never a direct write (RPC, import)."""

    _name = "maintenance.step.mixin"
    _description = "Status Changed by Steps Only"
    _step_initial_state = "draft"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if not self._is_step() and records.filtered(lambda r: r.state != self._step_initial_state):
            raise UserError(records._state_change_message())
        return records

    def write(self, vals):
        if "state" in vals and not self._is_step():
            if self.filtered(lambda r: r.state != vals["state"]):
                raise UserError(self._state_change_message())
        return super().write(vals)

    def _is_step(self):
        """Whether the current write is made by one of the record's own steps."""
        return is_step(self.env)

    def _write_step(self, vals):
        """Write ``vals`` as a step of the record (its status included)."""
        return self._as_step().write(vals)

    def _as_step(self):
        """The records in the environment of their steps: what the step writes through it
        (the records, or the step-only records of other models, as renewal terms) is
        accepted."""
        return as_step(self)

    def _state_change_message(self):
        """The error shown when the status is written directly."""
        return self.env._("This status only changes through the record's buttons.")
