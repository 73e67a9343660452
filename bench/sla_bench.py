"""Benchmark of the SLA clocks of maintenance_contract_it.

Creates N tickets under contracts (SLA deadlines computed at creation), then runs the SLA
warning job once over them (every ticket created three days earlier, so each one is at risk or
breached and gets its warnings). Reports tickets per second for both. When OCA
helpdesk_mgmt_sla is installed in the same database, the same workload runs with it (team SLA,
its ``helpdesk.sla.check_sla`` job) for comparison.

The data stays in the database (the job commits by batches): use a throw-away database.
See bench/README.md.
"""

import argparse
import os
from datetime import datetime, timedelta

from freezegun import freeze_time

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import config

REPO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))


def wall_clock():
    """Elapsed real time in seconds: os.times() is not frozen by freezegun."""
    return os.times().elapsed


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database with maintenance_contract_it")
    parser.add_argument("-n", type=int, default=10000, help="number of tickets (10000)")
    parser.add_argument("--batch", type=int, default=500, help="tickets per create() call")
    parser.add_argument(
        "--addons-path",
        default=f"{ODOO_DIR}/addons,{REPO_DIR}",
        help="Odoo addons path (default: Odoo's addons and this repository)",
    )
    return parser.parse_args()


def make_calendar(env):
    return env["resource.calendar"].create(
        {
            "name": "Bench 8x5",
            "tz": "Europe/Paris",
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
                for day in range(5)
                for part, start, end in (("morning", 9, 13), ("afternoon", 14, 18))
            ],
        }
    )


def ticket_values(customers, team, count, label):
    return [
        {
            "name": f"{label} ticket {index}",
            "description": "<p>Benchmark</p>",
            "partner_id": customers[index % len(customers)].id,
            "team_id": team.id,
            "priority": str(index % 4),
        }
        for index in range(count)
    ]


def create_tickets(env, values, batch):
    start = wall_clock()
    tickets = env["helpdesk.ticket"]
    for offset in range(0, len(values), batch):
        tickets |= env["helpdesk.ticket"].create(values[offset : offset + batch])
        env.cr.commit()
    return tickets, wall_clock() - start


def bench_maintenance(env, args, calendar, created_at):
    team = env["helpdesk.ticket.team"].create(
        {"name": "Bench contracts", "user_id": env.user.id, "user_ids": [Command.set(env.user.ids)]}
    )
    policy = env["maintenance.sla.policy"].create(
        {
            "name": "Bench 8x5",
            "calendar_id": calendar.id,
            "line_ids": [
                Command.create(
                    {
                        "priority": str(p),
                        "response_hours": 2 * (4 - p),
                        "resolution_hours": 8 * (4 - p),
                    }
                )
                for p in range(4)
            ],
        }
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench customer {i}", "is_company": True} for i in range(20)]
    )
    env["maintenance.contract"].create(
        [
            {
                "partner_id": customer.id,
                "sla_policy_id": policy.id,
                "date_start": "2020-01-01",
                "initial_term": 240,
                "state": "active",
            }
            for customer in customers
        ]
    )
    env.cr.commit()
    with freeze_time(created_at):
        tickets, create_time = create_tickets(
            env, ticket_values(customers, team, args.n, "Contract"), args.batch
        )
    assert all(tickets.mapped("sla_resolution_deadline")), "SLA deadlines missing"
    env.invalidate_all()
    start = wall_clock()
    tickets._sla_recompute()
    recompute_time = wall_clock() - start
    env.cr.commit()
    start = wall_clock()
    env["helpdesk.ticket"]._cron_sla_warnings()
    env.cr.commit()
    job_time = wall_clock() - start
    warned = env["maintenance.sla.notification"].search_count([("ticket_id", "in", tickets.ids)])
    return create_time, job_time, warned, recompute_time


def bench_oca(env, args, calendar, created_at):
    team = env["helpdesk.ticket.team"].create(
        {
            "name": "Bench OCA SLA",
            "user_id": env.user.id,
            "user_ids": [Command.set(env.user.ids)],
            "use_sla": True,
            "resource_calendar_id": calendar.id,
        }
    )
    env["helpdesk.sla"].create(
        {"name": "Bench OCA SLA", "team_ids": [Command.set(team.ids)], "hours": 16}
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench OCA customer {i}", "is_company": True} for i in range(20)]
    )
    env.cr.commit()
    with freeze_time(created_at):
        _tickets, create_time = create_tickets(
            env, ticket_values(customers, team, args.n, "OCA"), args.batch
        )
    env.invalidate_all()
    # helpdesk_mgmt_sla 18.0 has no warning job: the nearest work is finding the expired
    # tickets (its "SLA expired" filter), which is what a user's automation would run.
    start = wall_clock()
    env["helpdesk.ticket"].search_count([("sla_expired", "=", True)])
    return create_time, wall_clock() - start


def report(label, count, create_time, job_time, extra=""):
    print(
        f"{label:<32} create {count} tickets: {create_time:7.1f} s = {count / create_time:7.1f} "
        f"tickets/s | warning job: {job_time:7.1f} s = {count / job_time:7.1f} tickets/s{extra}"
    )


def main():
    args = parse_args()
    config.parse_config(["-d", args.db, "--addons-path", args.addons_path, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    # Three days ago: every ticket is at risk or breached by now.
    created_at = datetime.now() - timedelta(days=3)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})
        calendar = make_calendar(env)
        create_time, job_time, warned, recompute_time = bench_maintenance(
            env, args, calendar, created_at
        )
        report("maintenance_contract_it", args.n, create_time, job_time, f" ({warned} warnings)")
        print(
            f"{'':<32} SLA recomputation alone of the {args.n} tickets: {recompute_time:.2f} s "
            f"= {args.n / recompute_time:.0f} tickets/s"
        )
        installed = env["ir.module.module"].search_count(
            [("name", "=", "helpdesk_mgmt_sla"), ("state", "=", "installed")]
        )
        if installed:
            create_time, job_time = bench_oca(env, args, calendar, created_at)
            print(
                f"{'OCA helpdesk_mgmt_sla':<32} create {args.n} tickets: {create_time:7.1f} s = "
                f"{args.n / create_time:7.1f} tickets/s | no warning job (finding the expired "
                f"tickets: {job_time:.2f} s, no activity, note or email)"
            )
        else:
            print(
                "OCA helpdesk_mgmt_sla is not installed in this database: no comparison "
                "(see bench/README.md)."
            )


if __name__ == "__main__":
    main()
