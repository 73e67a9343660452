"""Shared fixtures of the module's tests: a company with French-style support hours, a
customer, an SLA policy, a template and users of every kind."""

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

CONTRACT_LOGGER = "odoo.addons.maintenance_contract_it.tools.jobs"


def create_support_calendar(env, name, tz, days, periods, company=None):
    """A support calendar open on ``days`` (0 = Monday) during ``periods``, a list of
    ``(day_period, hour_from, hour_to)``."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": tz,
            "company_id": company.id if company else False,
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"Day {day} {part}",
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": end,
                        "day_period": part,
                    }
                )
                for day in days
                for part, start, end in periods
            ],
        }
    )


class MaintenanceContractCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="mcit_manager",
            groups="maintenance_contract_it.group_maintenance_contract_manager,"
            "helpdesk_mgmt.group_helpdesk_manager,account.group_account_invoice",
            name="Contract Manager",
        )
        cls.user = new_test_user(
            cls.env,
            login="mcit_user",
            groups="maintenance_contract_it.group_maintenance_contract_user,"
            "helpdesk_mgmt.group_helpdesk_user",
            name="Contract User",
        )
        cls.calendar_8x5 = create_support_calendar(
            cls.env,
            "Support 8x5 (test)",
            "Europe/Paris",
            range(5),
            [("morning", 9, 13), ("afternoon", 14, 18)],
            cls.company,
        )
        cls.sla_policy = cls.env["maintenance.sla.policy"].create(
            {
                "name": "Business hours (test)",
                "calendar_id": cls.calendar_8x5.id,
                "penalty_per_hour": 50.0,
                "penalty_cap_percent": 10.0,
                "line_ids": [
                    Command.create({"priority": "0", "response_hours": 16, "resolution_hours": 40}),
                    Command.create({"priority": "1", "response_hours": 8, "resolution_hours": 24}),
                    Command.create({"priority": "2", "response_hours": 4, "resolution_hours": 16}),
                    Command.create({"priority": "3", "response_hours": 1, "resolution_hours": 4}),
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Durand Industries (test)", "is_company": True, "lang": "en_US"}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Claire Durand",
                "parent_id": cls.customer.id,
                "email": "claire@durand.example",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Monthly maintenance fee (test)", "type": "service", "list_price": 100.0}
        )
        cls.clause_confidentiality = cls.env["maintenance.clause"].create(
            {
                "name": "Confidentiality (test)",
                "category": "security",
                "mandatory": True,
                "body": "<p>Both parties keep confidential what they learn.</p>",
            }
        )
        cls.clause_optional = cls.env["maintenance.clause"].create(
            {
                "name": "On-site visits (test)",
                "category": "specific",
                "body": "<p>Visits on site are planned together.</p>",
            }
        )
        cls.template = cls.env["maintenance.contract.template"].create(
            {
                "name": "Workstation maintenance (test)",
                "initial_term": 12,
                "renewal_term": 12,
                "notice_period": 3,
                "billing_frequency": "monthly",
                "sla_policy_id": cls.sla_policy.id,
                "extra_hourly_rate": 80.0,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "name": "Workstation maintenance",
                            "quantity": 10,
                            "price_unit": 25.0,
                        }
                    )
                ],
                "clause_ids": [Command.set((cls.clause_confidentiality | cls.clause_optional).ids)],
            }
        )
        # values of the tickets of _create_ticket (a support team in MaintenanceSlaCommon)
        cls.ticket_defaults = {}

    @classmethod
    def _create_contract(cls, **values):
        """A draft contract for the test customer, from the test template."""
        vals = cls.template._prepare_contract_values(cls.customer)
        vals.update({"date_start": "2026-01-01"}, **values)
        return cls.env["maintenance.contract"].create(vals)

    @classmethod
    def _activate(cls, contract):
        """Activate ``contract`` the way users do (its status only changes through actions)."""
        contract.action_activate()
        return contract

    @classmethod
    def _create_active_contract(cls, **values):
        """A contract for the test customer, activated as a user does (its first term
        recorded)."""
        contract = cls._create_contract(**values)
        contract.action_activate()
        return contract

    @classmethod
    def _create_ticket(cls, partner=None, **values):
        """A helpdesk ticket of ``partner`` (the test customer's contact by default)."""
        vals = {
            "name": "The file server does not answer",
            "description": "<p>Nobody can open the shared folders.</p>",
            "partner_id": (partner or cls.customer_contact).id,
            **cls.ticket_defaults,
        }
        vals.update(values)
        return cls.env["helpdesk.ticket"].create(vals)


class LifecycleCommon(MaintenanceContractCommon):
    """Contracts followed through their life by the scheduled jobs, their account manager
    being the test manager."""

    @classmethod
    def _create_active_contract(cls, **values):
        values.setdefault("user_id", cls.manager.id)
        return super()._create_active_contract(**values)

    def _run_term_job(self):
        self.env["maintenance.contract"]._cron_process_term_ends()

    def _messages(self, contract, text):
        return contract.message_ids.filtered(lambda m, t=text: t in (m.body or ""))


class InterventionCommon(MaintenanceContractCommon):
    """An active contract covering one server, and a helpdesk ticket of its customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.env["maintenance.contract.equipment"].create(
            {"name": "File server (test)", "partner_id": cls.customer.id, "category": "server"}
        )
        cls.contract = cls._create_active_contract(equipment_ids=[Command.set(cls.server.ids)])
        cls.technician = new_test_user(
            cls.env,
            login="mcit_technician",
            groups="maintenance_contract_it.group_maintenance_contract_user,"
            "helpdesk_mgmt.group_helpdesk_user",
            name="Technician",
            tz="Europe/Paris",
        )

    @classmethod
    def _create_intervention(cls, **values):
        vals = {
            "contract_id": cls.contract.id,
            "kind": "curative",
            "user_ids": [Command.set(cls.technician.ids)],
        }
        vals.update(values)
        return cls.env["maintenance.intervention"].create(vals)


class MaintenanceSlaCommon(MaintenanceContractCommon):
    """Tickets under an active contract: a helpdesk team with a leader, an agent, the pause
    stage "Awaiting" in the SLA policy, and a 24x7 calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.sla_policy.pause_stage_ids = cls.stage_awaiting
        cls.leader = new_test_user(
            cls.env,
            login="mcit_leader",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            name="Team Leader",
        )
        cls.agent = new_test_user(
            cls.env,
            login="mcit_agent",
            groups="helpdesk_mgmt.group_helpdesk_user,"
            "maintenance_contract_it.group_maintenance_contract_user",
            name="Support Agent",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Support (test)",
                "user_id": cls.leader.id,
                "user_ids": [Command.set((cls.leader | cls.agent).ids)],
            }
        )
        cls.calendar_24x7 = create_support_calendar(
            cls.env,
            "Support 24x7 (test)",
            "Europe/Paris",
            range(7),
            [("morning", 0, 12), ("afternoon", 12, 24)],
            cls.company,
        )
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {"name": "File server (test)", "partner_id": cls.customer.id, "category": "server"}
        )
        cls.contract = cls._create_active_contract(equipment_ids=[Command.set(cls.equipment.ids)])
        cls.ticket_defaults = {"team_id": cls.team.id, "user_id": cls.agent.id, "priority": "2"}
