"""The update to 18.0.1.1.0 (migrations/18.0.1.1.0/post-migrate.py): the coverage history of
the equipment linked before it existed, and the French defaults of the companies in France
that have no legal mention setting yet."""

import importlib.util
from datetime import date
from pathlib import Path

from odoo import Command
from odoo.modules.module import get_manifest
from odoo.tests import tagged

from .test_billing import BillingCommon

MODULE_DIR = Path(__file__).parent.parent


def load_migration(version):
    path = MODULE_DIR / "migrations" / version / "post-migrate.py"
    spec = importlib.util.spec_from_file_location(f"mcit_migration_{version}", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


@tagged("post_install", "-at_install")
class TestMigration(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_migration(get_manifest("maintenance_contract_it")["version"])

    def _equipment(self, name):
        return self.env["maintenance.contract.equipment"].create(
            {"name": name, "category": "workstation", "partner_id": self.customer.id}
        )

    def _coverage(self, contract):
        return sorted(
            contract.equipment_coverage_ids.mapped(
                lambda c: (c.equipment_id.name, c.date_from, c.date_to)
            )
        )

    def test_migration_of_the_manifest_version_runs(self):
        self.assertEqual(get_manifest("maintenance_contract_it")["version"], "18.0.1.1.0")
        contract = self._billing_contract("2027-03-01")
        pc = self._equipment("MIG-PC-0")
        contract.equipment_ids = [Command.link(pc.id)]
        contract.equipment_coverage_ids.unlink()
        # a fresh install does nothing, an update migrates
        self.migration.migrate(self.env.cr, False)
        self.assertFalse(contract.equipment_coverage_ids)
        self.migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(self._coverage(contract), [("MIG-PC-0", date(2027, 3, 1), False)])

    def test_linked_equipment_without_coverage_covered_from_the_start(self):
        contract = self._billing_contract("2027-03-01")
        pcs = self._equipment("MIG-PC-1") | self._equipment("MIG-PC-2")
        contract.equipment_ids = [Command.set(pcs.ids)]
        # as linked before the coverage history existed
        contract.equipment_coverage_ids.unlink()
        self.assertEqual(contract.equipment_ids, pcs)
        bounds = (date(2027, 3, 1), date(2027, 3, 31))
        fee = {"equipment_categories": []}
        counted_before = contract._get_covered_unit_days(fee, *bounds)
        self.assertEqual(counted_before, [(pcs[0].id, 31), (pcs[1].id, 31)])

        created = self.migration.cover_linked_equipment(self.env)
        self.assertEqual(created.contract_id, contract)
        self.assertEqual(
            self._coverage(contract),
            [("MIG-PC-1", date(2027, 3, 1), False), ("MIG-PC-2", date(2027, 3, 1), False)],
        )
        # the billing counts the same days as before
        self.assertEqual(contract._get_covered_unit_days(fee, *bounds), counted_before)
        # run twice: nothing more
        self.assertFalse(self.migration.cover_linked_equipment(self.env))

    def test_equipment_that_would_overlap_logged_and_left(self):
        pc_shared, pc_free = self._equipment("MIG-PC-3"), self._equipment("MIG-PC-4")
        old = self._billing_contract("2027-03-01")
        old.equipment_ids = [Command.set((pc_shared | pc_free).ids)]
        old.equipment_coverage_ids.unlink()
        old._write_step({"state": "expired"})
        # the shared one is covered since by another contract of the customer
        other = self._billing_contract("2027-03-01")
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": other.id, "equipment_id": pc_shared.id, "date_from": "2027-03-01"}
        )
        with self.assertLogs(
            "odoo.addons.maintenance_contract_it.models.maintenance_contract_equipment_coverage",
            level="WARNING",
        ) as logs:
            self.migration.cover_linked_equipment(self.env)
        self.assertIn("MIG-PC-3", logs.output[0])
        self.assertIn("covered twice", logs.output[0])
        # the other equipment is migrated, the shared one left linked without coverage
        self.assertEqual(self._coverage(old), [("MIG-PC-4", date(2027, 3, 1), False)])
        self.assertIn(pc_shared, old.equipment_ids)
        self.assertEqual(self._coverage(other), [("MIG-PC-3", date(2027, 3, 1), False)])

    def test_french_company_without_mentions_gets_the_defaults(self):
        french, chosen, belgian = self.env["res.company"].create(
            [
                {"name": "Migrated FR (test)", "country_id": self.env.ref("base.fr").id},
                {"name": "Chosen FR (test)", "country_id": self.env.ref("base.gp").id},
                {"name": "Migrated BE (test)", "country_id": self.env.ref("base.be").id},
            ]
        )
        empty = {
            "maintenance_invoice_legal_mentions": False,
            "maintenance_recovery_indemnity": 0.0,
            "maintenance_late_penalty_rate": 0.0,
        }
        # as before the module had the settings
        (french | belgian).write(empty)
        # a user turned the mentions off and chose another basis: left as it is
        chosen.write({**empty, "maintenance_late_penalty_basis": "ecb_10"})

        updated = self.migration.apply_french_defaults(self.env)
        self.assertIn(french, updated)
        self.assertNotIn(chosen, updated)
        self.assertNotIn(belgian, updated)
        self.assertTrue(french.maintenance_invoice_legal_mentions)
        self.assertEqual(french.maintenance_late_penalty_basis, "legal_x3")
        self.assertEqual(french.maintenance_recovery_indemnity, 40.0)
        self.assertFalse(chosen.maintenance_invoice_legal_mentions)
        self.assertEqual(chosen.maintenance_late_penalty_basis, "ecb_10")
        self.assertEqual(chosen.maintenance_recovery_indemnity, 0.0)
        self.assertFalse(belgian.maintenance_invoice_legal_mentions)

    # Fee lines billed per unit

    def _unit_contract(self, count):
        workstation = self.env.ref(
            "maintenance_contract_it.maintenance_contract_equipment_category_workstation"
        )
        contract = self._create_contract(
            date_start="2027-03-01",
            billing_alignment="calendar",
            equipment_ids=[
                Command.set(
                    (
                        self.env["maintenance.contract.equipment"].union(
                            *(self._equipment(f"MIG-UNIT-{i}") for i in range(count))
                        )
                    ).ids
                )
            ],
            line_ids=[
                Command.create(
                    {
                        "product_id": self.fee_product.id,
                        "name": "Workstation support",
                        "quantity_mode": "equipment",
                        "equipment_category_ids": [Command.set(workstation.ids)],
                        "min_quantity": 2.0,
                        "unit_label": "workstations",
                        "price_unit": 25.0,
                    }
                ),
                Command.create({"name": "Firewall", "quantity": 1.0, "price_unit": 45.0}),
            ],
        )
        contract.action_activate()
        return contract, workstation

    def test_pending_change_of_a_unit_line_keeps_its_mode(self):
        contract, workstation = self._unit_contract(3)
        line = contract.line_ids.filtered(lambda fee: fee.quantity_mode == "equipment")
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": contract.id,
                "date_effective": "2027-04-01",
                "reason": "New price",
                "line_ids": [
                    Command.create(
                        {"operation": "update", "contract_line_id": line.id, "price_unit": 30.0}
                    )
                ],
            }
        )
        change = amendment.line_ids
        # as the update made the column: every change fixed, without categories
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE maintenance_contract_amendment_line SET quantity_mode = 'fixed', "
            "min_quantity = 0, unit_label = NULL WHERE id = %s",
            [change.id],
        )
        self.env.cr.execute(
            "DELETE FROM maintenance_contract_amendment_line_category_rel "
            "WHERE maintenance_contract_amendment_line_id = %s",
            [change.id],
        )
        self.env.invalidate_all()
        self.assertEqual(change.quantity_mode, "fixed")

        self.assertEqual(self.migration.keep_quantity_mode_of_pending_changes(self.env), change)
        self.assertEqual(
            (change.quantity_mode, change.equipment_category_ids, change.min_quantity),
            ("equipment", workstation, 2.0),
        )
        self.assertEqual(change.unit_label, "workstations")
        # run twice: nothing more
        self.assertFalse(self.migration.keep_quantity_mode_of_pending_changes(self.env))

    def test_amounts_of_unit_lines_counted_from_their_units(self):
        contract, __ = self._unit_contract(3)
        # as stored before: quantity × price (1 × 25.00 + 45.00)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE maintenance_contract_line SET price_subtotal = quantity * price_unit, "
            "billed_quantity = quantity WHERE contract_id = %s",
            [contract.id],
        )
        self.env.cr.execute(
            "UPDATE maintenance_contract SET amount_period = 70.0 WHERE id = %s", [contract.id]
        )
        self.env.invalidate_all()
        self.assertEqual(contract.amount_period, 70.0)

        self.migration.refresh_amounts_of_unit_lines(self.env)
        self.env.invalidate_all()
        # 3 workstations × 25.00 + 45.00 = 120.00
        self.assertEqual(contract.amount_period, 120.0)
        self.assertEqual(sorted(contract.line_ids.mapped("price_subtotal")), [45.0, 75.0])
