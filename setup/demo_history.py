"""The invoice history of the demo database: the last months of the demo contracts invoiced
through the module's own billing code, as the daily invoicing job would have done them.

- every billing period of the demo contracts billed so far is invoiced on its own date, month
  after month, and posted (the invoice numbers follow the dates);
- the invoices due are paid twenty days after their date, except the last three invoices of the
  contract terminated for non-payment (Agence Immobilière Dumas): they stay unpaid, overdue;
- the prepaid-hours contract (Clinique vétérinaire des Monts d'Or, 20 hours a quarter) used 22
  hours in its first quarter: the next invoice bills the 2 hours beyond the balance at the
  hourly rate;
- a ticket of the servers contract (Transports Girard, 24x7 policy) was answered half an hour
  late in its first quarter: the next invoice carries the SLA service credit;
- the law firm's workstations (Cabinet Lefèvre) are billed per covered workstation, in
  advance: a fourth one covered from the 16th three months ago is adjusted for its days on the
  next invoice, on a line of its own;
- the expired contract (Cabinet Lefèvre's previous one) was invoiced to its end by the
  provider's former tool: it is billed until its end (set by the demo data; set here too on a
  database whose demo data predates it), so that nothing of it is to invoice.

Every event is placed relative to its contract's start date, so that the history fits the
demo data whatever the day the database was created. Running it again adds nothing: the
records it creates carry external ids, the periods invoiced are never invoiced again and
paid invoices are not paid twice.

Usage: ``create_demo_history(env)``; ``setup/run.sh`` runs it through ``odoo shell`` when it
creates the demo database, tests/test_demo_history.py on the test database."""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from pytz import timezone, utc

from odoo import fields

XMLID_MODULE = "__demo_history__"
DEMO = "maintenance_contract_it."
CONTRACTS = (
    "maintenance_contract_lefevre_workstations_demo",
    "maintenance_contract_girard_servers_demo",
    "maintenance_contract_clinique_hours_demo",
    "maintenance_contract_dumas_workstations_demo",
)
OVERDUE_CONTRACT = "maintenance_contract_dumas_workstations_demo"
TAKEN_OVER_CONTRACT = "maintenance_contract_lefevre_previous_demo"
UNPAID_INVOICES = 3
PAYMENT_DELAY = timedelta(days=20)

# Covered curative work of the prepaid-hours contract in its first quarter:
# (xml id, days after the start, local start hour, hours, equipment, subject)
PREPAID_WORK = (
    (
        "intervention_clinique_nas",
        14,
        8,
        8.0,
        "maintenance_contract_equipment_clinique_nas_demo",
        "Remplacement d’un disque du NAS et reconstruction du volume",
    ),
    (
        "intervention_clinique_network",
        40,
        9,
        7.5,
        "maintenance_contract_equipment_clinique_ws1_demo",
        "Panne du réseau des salles de consultation : remplacement du commutateur",
    ),
    (
        "intervention_clinique_printer",
        75,
        9,
        6.5,
        "maintenance_contract_equipment_clinique_printer_demo",
        "Réinstallation des postes et de l’imprimante après un rançongiciel bloqué",
    ),
)


def _ref(env, name):
    return env.ref(f"{XMLID_MODULE}.{name}", raise_if_not_found=False)


def _remember(env, name, record):
    env["ir.model.data"].create(
        {
            "module": XMLID_MODULE,
            "name": name,
            "model": record._name,
            "res_id": record.id,
            "noupdate": True,
        }
    )
    return record


def _local_to_utc(contract, day, hour):
    """UTC datetime of ``hour`` o'clock on ``day`` in the support calendar's time zone."""
    tz = timezone(contract.sla_policy_id.calendar_id.tz or "Europe/Paris")
    local = tz.localize(datetime.combine(day, time(hour)))
    return local.astimezone(utc).replace(tzinfo=None)


def _create_prepaid_work(env):
    """Covered work beyond the 20 prepaid hours of the first quarter: 22 hours."""
    contract = env.ref(DEMO + "maintenance_contract_clinique_hours_demo")
    for name, days, hour, hours, equipment, summary in PREPAID_WORK:
        if _ref(env, name):
            continue
        start = _local_to_utc(contract, contract.date_start + timedelta(days=days), hour)
        intervention = env["maintenance.intervention"].create(
            {
                "summary": summary,
                "contract_id": contract.id,
                "equipment_id": env.ref(DEMO + equipment).id,
                "kind": "curative",
                "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
                "scheduled_start": start,
                "scheduled_end": start + timedelta(hours=hours),
                "actual_start": start,
                "actual_end": start + timedelta(hours=hours),
            }
        )
        intervention.action_done()
        _remember(env, name, intervention)


def _create_sla_breach(env):
    """A priority "2" ticket (1 hour to answer under the 24x7 policy) answered after 1.5 hours,
    in the first quarter of the servers contract: 0.5 hour late."""
    if _ref(env, "ticket_girard_vpn_outage"):
        return
    contract = env.ref(DEMO + "maintenance_contract_girard_servers_demo")
    start = datetime.combine(contract.date_start + timedelta(days=44), time(6, 30))
    Ticket = env["helpdesk.ticket"]
    with freeze_time(start):
        ticket = Ticket.create(
            {
                "name": "Lien VPN entre l’entrepôt et le siège coupé",
                "description": "<p>Plus aucun accès à l’ERP transport depuis l’entrepôt de "
                "Corbas depuis 8h15.</p>",
                "partner_id": env.ref(DEMO + "res_partner_transports_girard_nadia_demo").id,
                "equipment_id": env.ref(DEMO + "maintenance_contract_equipment_girard_fw_demo").id,
                "priority": "2",
                "user_id": env.ref("base.user_admin").id,
            }
        )
    with freeze_time(start + timedelta(hours=1, minutes=30)):
        ticket.sla_response_reached = fields.Datetime.now()
        ticket._sla_recompute()
    with freeze_time(start + timedelta(hours=5)):
        ticket.stage_id = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    _remember(env, "ticket_girard_vpn_outage", ticket)


def _take_over_expired(env):
    """The expired contract was invoiced to its end by the former tool."""
    contract = env.ref(DEMO + TAKEN_OVER_CONTRACT)
    if not contract.billed_until:
        contract.billed_until = contract.date_end


def _add_workstation_mid_month(env):
    """A workstation of the law firm covered from the 16th three months ago: the next
    invoice (in advance) adjusts its days in that month, on a line of its own."""
    contract = env.ref(DEMO + "maintenance_contract_lefevre_workstations_demo")
    workstation = env.ref(DEMO + "maintenance_contract_equipment_lefevre_ws4_demo")
    if workstation in contract.equipment_coverage_ids.equipment_id:
        return
    env["maintenance.contract.equipment.coverage"].create(
        {
            "contract_id": contract.id,
            "equipment_id": workstation.id,
            "date_from": fields.Date.context_today(contract) - relativedelta(months=3, day=16),
        }
    )


def history_start(env):
    """First day of the demo's invoice history: the earliest start of its contracts."""
    return min(env.ref(DEMO + name).date_start for name in CONTRACTS)


def _invoice_months(env, contracts):
    """Invoice the periods due, month after month, as the daily job would have, and post the
    invoices in date order."""
    today = fields.Date.context_today(contracts)
    day = min(contracts.mapped("date_start"))
    days = []
    while day < today:
        days.append(day)
        day += relativedelta(months=1)
    days.append(today)
    for day in days:
        moves = contracts._billing_run(day)
        for move in moves.filtered(lambda m: m.state == "draft").sorted(
            lambda m: (m.invoice_date, m.id)
        ):
            move.action_post()
    left = env["maintenance.contract.period"].search(
        [
            ("contract_id", "in", contracts.ids),
            ("state", "=", "to_invoice"),
            ("invoice_date", "<=", today),
        ]
    )
    if left:
        raise RuntimeError(
            f"periods not invoiced: {left.mapped('display_name')} (see the contracts' activities)"
        )


def _pay_invoices(env, contracts):
    """Pay the invoices due, twenty days after their date; the last ones of the contract
    terminated for non-payment stay unpaid."""
    today = fields.Date.context_today(contracts)
    moves = env["account.move"].search(
        [
            ("contract_id", "in", contracts.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ],
        order="invoice_date, id",
    )
    overdue_contract = env.ref(DEMO + OVERDUE_CONTRACT)
    unpaid = moves.filtered(lambda m: m.contract_id == overdue_contract)[-UNPAID_INVOICES:]
    for move in moves - unpaid:
        if move.invoice_date_due >= today or move.payment_state in ("paid", "in_payment"):
            continue
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": min(move.invoice_date + PAYMENT_DELAY, today)})._create_payments()


def create_demo_history(env):
    """Invoice the last months of the demo contracts (see the module docstring)."""
    company = env.ref("base.main_company")
    if not company.maintenance_extra_product_id:
        company.maintenance_extra_product_id = env.ref(DEMO + "product_extra_work_demo")
    contracts = env["maintenance.contract"].union(*(env.ref(DEMO + name) for name in CONTRACTS))
    # contracts put in force without activation (expired, terminated) or activated before
    # the company's analytic setting was on get their analytic account before invoicing
    env["maintenance.contract"].search(
        [("state", "not in", ("draft", "cancelled"))]
    )._billing_on_activate()
    _take_over_expired(env)
    _create_prepaid_work(env)
    _create_sla_breach(env)
    _add_workstation_mid_month(env)
    _invoice_months(env, contracts)
    _pay_invoices(env, contracts)
