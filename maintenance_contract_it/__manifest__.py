# Copyright 2026 maintenance_contract_it contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "IT Maintenance Contracts",
    "summary": "Maintenance contracts for IT service providers: clauses, SLA, "
    "renewals, revisions, helpdesk and invoicing",
    "version": "18.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/maintenance-contract-it/maintenance_contract_it",
    "author": "maintenance_contract_it contributors",
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "base",
        "mail",
        "portal",
        "account",
        "resource",
        "base_automation",
        "helpdesk_mgmt",
    ],
    "data": [
        "security/maintenance_contract_it_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "views/maintenance_contract_views.xml",
        "views/maintenance_contract_equipment_views.xml",
        "views/maintenance_clause_views.xml",
        "views/maintenance_sla_policy_views.xml",
        "views/maintenance_contract_template_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
        "data/mail_sla_data.xml",
        "data/ir_cron_sla_data.xml",
        "data/base_automation_sla_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/maintenance_contract_sla_views.xml",
        "report/maintenance_sla_report_views.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "maintenance_contract_it/static/src/tours/maintenance_ticket_sla_tour.js",
        ],
    },
}
