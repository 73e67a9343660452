import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from ..tools.dates import ONE_DAY
from .maintenance_step_mixin import as_step

_logger = logging.getLogger(__name__)

# the contracts whose coverage counts (a draft is still being written, a cancelled one never
# ran)
COUNTED_STATES = ("active", "expired", "terminated")


class MaintenanceContractEquipmentCoverage(models.Model):
    """From which day to which day a contract covered a piece of equipment: the history of
    its covered equipment, kept when the equipment is added, removed or moved to another
    contract, from which a fee billed per covered equipment counts each period.

    Linking or unlinking equipment on the contract (its *Covered Equipment*) records it
    here from the day of the change; a coverage entered here with its own dates (a
    workstation installed last week) links the equipment while it is covered. Neither needs
    an amendment: the change is logged on the contract."""

    _name = "maintenance.contract.equipment.coverage"
    _description = "Covered Equipment History"
    _order = "contract_id, date_from, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True, check_company=True
    )
    equipment_id = fields.Many2one(
        "maintenance.contract.equipment",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="contract_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    category = fields.Selection(related="equipment_id.category")
    serial_number = fields.Char(related="equipment_id.serial_number")
    date_from = fields.Date(string="Covered From", required=True)
    date_to = fields.Date(string="Covered Until", help="Last day covered; empty: still covered.")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for coverage in self:
            if coverage.date_to and coverage.date_to < coverage.date_from:
                raise ValidationError(
                    self.env._(
                        "The coverage of %(equipment)s cannot end (%(end)s) before it starts "
                        "(%(start)s).",
                        equipment=coverage.equipment_id.display_name,
                        end=format_date(self.env, coverage.date_to),
                        start=format_date(self.env, coverage.date_from),
                    )
                )

    @api.constrains("equipment_id", "contract_id", "date_from", "date_to")
    def _check_overlap(self):
        """An equipment is covered once a day: by one contract of its customer (a contract
        in force, or the same contract twice)."""
        for coverage in self:
            domain = [
                ("id", "!=", coverage.id),
                ("equipment_id", "=", coverage.equipment_id.id),
                ("partner_id", "=", coverage.partner_id.id),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", coverage.date_from),
            ]
            if coverage.date_to:
                domain.append(("date_from", "<=", coverage.date_to))
            others = (
                self.sudo()
                .search(domain)
                .filtered(
                    lambda other, c=coverage: other.contract_id == c.contract_id
                    or (
                        other.contract_id.state in COUNTED_STATES
                        and c.contract_id.state in COUNTED_STATES
                    )
                )
            )
            if others:
                other = others[0]
                raise ValidationError(
                    self.env._(
                        "The equipment %(equipment)s is already covered by the contract "
                        "%(contract)s from %(start)s to %(end)s: it cannot be covered twice "
                        "on the same days.",
                        equipment=coverage.equipment_id.display_name,
                        contract=other.contract_id.name,
                        start=format_date(self.env, other.date_from),
                        end=format_date(self.env, other.date_to)
                        if other.date_to
                        else self.env._("today"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        coverages = super().create(vals_list)
        if not self.env.context.get("coverage_sync"):
            coverages._sync_links()
        coverages._log_change("added")
        coverages._flag_invoiced_periods(coverages._get_spans())
        return coverages

    def write(self, vals):
        changed = {"date_from", "date_to", "contract_id", "equipment_id"} & set(vals)
        spans = self._get_spans() if changed else []
        res = super().write(vals)
        if changed:
            if not self.env.context.get("coverage_sync"):
                self._sync_links()
            self._log_change("changed")
            self._flag_invoiced_periods(spans + self._get_spans())
        return res

    def unlink(self):
        self._log_change("deleted")
        spans = self._get_spans()
        res = super().unlink()
        self._flag_invoiced_periods(spans)
        return res

    # Periods already invoiced that a change of coverage touches

    def _get_spans(self):
        """``[(contract id, first day, last day or None)]`` of the coverages."""
        return [(c.contract_id.id, c.date_from, c.date_to) for c in self if c.date_from]

    @api.model
    def _flag_invoiced_periods(self, spans):
        """Flag the periods already invoiced with their units that the coverage ``spans``
        (of :meth:`_get_spans`, before and after a change) touch: the next invoice of their
        contract adjusts them (see
        :meth:`maintenance.contract.billing.mixin._get_unit_adjustments`). One search."""
        if not spans:
            return
        domain = []
        for contract_id, date_from, date_to in spans:
            span = [("contract_id", "=", contract_id), ("date_end", ">=", date_from)]
            if date_to:
                span.append(("date_start", "<=", date_to))
            domain = expression.OR([domain, span]) if domain else span
        Period = self.env["maintenance.contract.period"].sudo()
        periods = Period.search(
            expression.AND(
                [
                    domain,
                    [
                        ("state", "=", "invoiced"),
                        ("unit_snapshot", "!=", False),
                        ("units_changed", "=", False),
                    ],
                ]
            )
        )
        if periods:
            as_step(periods).write({"units_changed": True})

    # Covered equipment of the contract (its many2many) and coverage

    def _is_current(self, day=None):
        """Whether the coverage is in force on ``day`` (default today) or later."""
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        return not self.date_to or self.date_to >= day

    def _sync_links(self):
        """The contract's covered equipment follows its coverage entered here: linked while a
        coverage is current, unlinked when none is."""
        for coverage in self.with_context(coverage_sync=True):
            contract, equipment = coverage.contract_id, coverage.equipment_id
            current = contract.equipment_coverage_ids.filtered(
                lambda c, e=equipment: c.equipment_id == e and c._is_current()
            )
            if current and equipment not in contract.equipment_ids:
                contract.equipment_ids = [fields.Command.link(equipment.id)]
            elif not current and equipment in contract.equipment_ids:
                contract.equipment_ids = [fields.Command.unlink(equipment.id)]

    @api.model
    def _sync_from_links(self, before, after):
        """Record the coverage of the covered equipment linked or unlinked on contracts:
        ``before`` and ``after`` are sets of (contract id, equipment id). An equipment added
        is covered from the day of the change (context ``coverage_date``, default today; a
        draft's or a contract not started yet's from its start), one removed until the day
        before (a coverage not started yet is deleted)."""
        if self.env.context.get("coverage_sync"):
            return
        Coverage = self.sudo().with_context(coverage_sync=True)
        day = self.env.context.get("coverage_date") or fields.Date.context_today(self)
        day = fields.Date.to_date(day)
        Contract = Coverage.env["maintenance.contract"]
        for contract_id, equipment_id in sorted(after - before):
            contract = Contract.browse(contract_id)
            start = contract._coverage_start(day)
            if not start:
                continue
            if contract.equipment_coverage_ids.filtered(
                lambda c, e=equipment_id, s=start: c.equipment_id.id == e
                and (not c.date_to or c.date_to >= s)
            ):
                continue
            Coverage.create(
                {"contract_id": contract_id, "equipment_id": equipment_id, "date_from": start}
            )
        for contract_id, equipment_id in sorted(before - after):
            contract = Contract.browse(contract_id)
            start = contract._coverage_start(day) or day
            for coverage in contract.equipment_coverage_ids.filtered(
                lambda c, e=equipment_id, s=start: c.equipment_id.id == e
                and (not c.date_to or c.date_to >= s)
            ):
                if coverage.date_from >= start:
                    coverage.unlink()
                else:
                    coverage.date_to = start - ONE_DAY

    @api.model
    def _migrate_cover_linked_equipment(self):
        """On the update to 18.0.1.1.0: the equipment linked to a contract without any
        coverage on it (linked before the history existed) gets a coverage from the
        contract's start, open while it is linked, what the billing counts for it
        (``_get_covered_unit_days``). An equipment that would be covered twice is logged and
        left as it is, the others go on. Returns the coverage created."""
        created = self.browse()
        contracts = (
            self.env["maintenance.contract"]
            .with_context(active_test=False)
            .search([("equipment_ids", "!=", False), ("date_start", "!=", False)])
        )
        for contract in contracts:
            covered = contract.equipment_coverage_ids.equipment_id
            for equipment in contract.equipment_ids - covered:
                created |= self._migrate_cover_one(contract, equipment)
        return created

    @api.model
    def _migrate_cover_one(self, contract, equipment):
        """The coverage of ``equipment`` on ``contract`` from its start (empty when it
        would overlap another coverage: logged)."""
        try:
            with self.env.cr.savepoint():
                return (
                    self.sudo()
                    .with_context(coverage_sync=True)
                    .create(
                        {
                            "contract_id": contract.id,
                            "equipment_id": equipment.id,
                            "date_from": contract.date_start,
                        }
                    )
                )
        except ValidationError as error:
            _logger.warning(
                "Coverage of the equipment %s (id %s) on the contract %s (id %s) not "
                "recorded: %s",
                equipment.display_name,
                equipment.id,
                contract.name,
                contract.id,
                error,
            )
            return self.browse()

    def _log_change(self, change):
        """Log the change of the coverage of a contract in force on its chatter (who and
        when: the message's author and date)."""
        for coverage in self:
            contract = coverage.contract_id
            if contract.state not in COUNTED_STATES:
                continue
            dates = self.env._(
                "from %(start)s to %(end)s",
                start=format_date(self.env, coverage.date_from),
                end=format_date(self.env, coverage.date_to)
                if coverage.date_to
                else self.env._("today"),
            )
            equipment = coverage.equipment_id.display_name
            if change == "added":
                body = self.env._(
                    "Covered equipment added: %(equipment)s, %(dates)s.",
                    equipment=equipment,
                    dates=dates,
                )
            elif change == "changed":
                body = self.env._(
                    "Coverage of %(equipment)s changed: %(dates)s.",
                    equipment=equipment,
                    dates=dates,
                )
            else:
                body = self.env._(
                    "Coverage of %(equipment)s deleted (it was %(dates)s).",
                    equipment=equipment,
                    dates=dates,
                )
            contract.sudo().message_post(
                body=body,
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
