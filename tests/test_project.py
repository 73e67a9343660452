"""The project's own promises: CI runs the README's test command, and the module's manifest
is what the community expects."""

import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged

ROOT = Path(__file__).resolve().parents[1]


@tagged("post_install", "-at_install")
class TestProject(BaseCase):
    def test_ci_runs_the_readme_test_command(self):
        readme = (ROOT / "README.rst").read_text()
        ci = (ROOT / ".ci" / "run").read_text()
        self.assertIn("bash setup/test.sh", readme)
        self.assertIn("exec bash setup/test.sh\n", ci)

    def test_manifest(self):
        manifest = ast.literal_eval(
            (ROOT / "maintenance_contract_it" / "__manifest__.py").read_text()
        )
        # Odoo's series, then the module's own x.y.z; an update to it has its migration
        version = manifest["version"]
        self.assertRegex(version, r"^18\.0\.\d+\.\d+\.\d+$")
        if version != "18.0.1.0.0":
            migration = ROOT / "maintenance_contract_it" / "migrations" / version
            self.assertTrue(migration.is_dir(), f"no migration for {version}")
        self.assertEqual(manifest["license"], "AGPL-3")
        for dependency in (
            "base",
            "mail",
            "portal",
            "account",
            "resource",
            "base_automation",
            "helpdesk_mgmt",
        ):
            self.assertIn(dependency, manifest["depends"])
        for kind in ("data", "demo"):
            for path in manifest.get(kind, []):
                self.assertTrue((ROOT / "maintenance_contract_it" / path).is_file(), path)
