"""Benchmark of ticket creation with the SLA of maintenance_contract_it.

Three setups, each in a database of its own (see bench/README.md and bench/run_all.sh):

- ``plain``: OCA helpdesk_mgmt alone (no SLA, no contract): the reference;
- ``module``: maintenance_contract_it (contract selected and SLA clocks computed at creation);
- ``oca``: OCA helpdesk_mgmt_sla 18.0 (team SLA computed at creation).

``prepare`` creates the customers (and for ``module`` one active contract each, under an SLA
policy on an 8x5 calendar) once in a template database; ``run`` creates N tickets spread over
the first C customers in batches (one ``create()`` per batch, committed), and prints one line
of JSON: tickets per second, queries per ticket, machine load. ``--profile`` writes a cProfile
of the creation. ``--job`` (module only) also runs the SLA warning job once (tickets created
three days in the past so that each one is at risk or breached). ``summary`` turns the JSON
lines into the medians of bench/README.md.

The data stays in the database: use throw-away databases (``mcit_bench_*``).
"""

import argparse
import cProfile
import json
import os
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timedelta

SETUPS = ("plain", "module", "oca")
MODULES = {
    "plain": "helpdesk_mgmt",
    "module": "maintenance_contract_it",
    "oca": "helpdesk_mgmt_sla",
}


def wall_clock():
    """Elapsed real time in seconds: os.times() is not frozen by freezegun."""
    return os.times().elapsed


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("prepare", "run"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--db", required=True)
        cmd.add_argument("--setup", choices=SETUPS, required=True)
        cmd.add_argument("--customers", type=int, default=1000, help="customers (1000)")
        cmd.add_argument("--addons-path", default=None)
    run = sub.choices["run"]
    run.add_argument("-n", type=int, default=10000, help="number of tickets (10000)")
    run.add_argument("--batch", type=int, default=500, help="tickets per create() (500)")
    run.add_argument("--round", type=int, default=0, help="label of the run")
    run.add_argument("--profile", help="write a cProfile of the creation to this file")
    run.add_argument("--job", action="store_true", help="module: also run the warning job")
    store = sub.add_parser("store")
    store.add_argument("--db", required=True)
    store.add_argument("-n", type=int, default=500, help="tickets (500)")
    store.add_argument("--addons-path", default=None)
    summary = sub.add_parser("summary")
    summary.add_argument("results", help="file of JSON lines written by run")
    return parser.parse_args()


def registry_for(args):
    import odoo
    from odoo.tools import config

    odoo_dir = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
    repo_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    addons_path = args.addons_path or f"{odoo_dir}/addons,{repo_dir}"
    config.parse_config(["-d", args.db, "--addons-path", addons_path, "--log-level=warn"])
    return odoo.modules.registry.Registry(args.db)


def make_calendar(env):
    from odoo import Command

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


def prepare(env, args):
    """The team, calendar and customers (with their contracts) of the setup."""
    from odoo import Command

    calendar = make_calendar(env) if args.setup != "plain" else None
    team_values = {
        "name": "Bench",
        "user_id": env.user.id,
        "user_ids": [Command.set(env.user.ids)],
    }
    if args.setup == "oca":
        team_values.update({"use_sla": True, "resource_calendar_id": calendar.id})
    team = env["helpdesk.ticket.team"].create(team_values)
    if args.setup == "oca":
        env["helpdesk.sla"].create(
            {"name": "Bench OCA SLA", "team_ids": [Command.set(team.ids)], "hours": 16}
        )
    customers = env["res.partner"].create(
        [{"name": f"Bench customer {i:05d}", "is_company": True} for i in range(args.customers)]
    )
    if args.setup == "module":
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
        # created as drafts and activated: a contract's status only changes through its actions
        env["maintenance.contract"].create(
            [
                {
                    "partner_id": customer.id,
                    "sla_policy_id": policy.id,
                    "date_start": "2020-01-01",
                    "initial_term": 240,
                    "zero_fee_reason": "Benchmark",
                }
                for customer in customers
            ]
        ).action_activate()


def ticket_values(customers, team, count):
    return [
        {
            "name": f"Bench ticket {index}",
            "description": "<p>Benchmark</p>",
            "partner_id": customers[index % len(customers)].id,
            "team_id": team.id,
            "priority": str(index % 4),
        }
        for index in range(count)
    ]


def run(env, args):
    customers = env["res.partner"].search(
        [("name", "=like", "Bench customer %")], order="name", limit=args.customers
    )
    assert len(customers) == args.customers, "run prepare first with as many customers"
    team = env["helpdesk.ticket.team"].search([("name", "=", "Bench")], limit=1)
    values = ticket_values(customers, team, args.n)
    created_at = datetime.now() - timedelta(days=3)
    freezer = None
    if args.job:
        from freezegun import freeze_time

        freezer = freeze_time(created_at)
        freezer.start()
    profiler = cProfile.Profile() if args.profile else None
    load_before = os.getloadavg()[0]
    queries_before = env.cr.sql_log_count
    tickets = env["helpdesk.ticket"]
    batch_times = []
    start = wall_clock()
    for offset in range(0, len(values), args.batch):
        batch_start = wall_clock()
        if profiler:
            profiler.enable()
        tickets |= env["helpdesk.ticket"].create(values[offset : offset + args.batch])
        env.cr.commit()
        if profiler:
            profiler.disable()
        batch_times.append(wall_clock() - batch_start)
    create_time = wall_clock() - start
    queries = env.cr.sql_log_count - queries_before
    if freezer:
        freezer.stop()
    if profiler:
        profiler.dump_stats(args.profile)
    result = {
        "setup": args.setup,
        "customers": args.customers,
        "n": args.n,
        "batch": args.batch,
        "round": args.round,
        "date": datetime.now().isoformat(timespec="seconds"),
        "seconds": round(create_time, 2),
        "tickets_per_s": round(args.n / create_time, 1),
        "ms_per_ticket": round(1000 * create_time / args.n, 2),
        "slowest_batch_s": round(max(batch_times), 2),
        "queries_per_ticket": round(queries / args.n, 2),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    if args.setup == "module":
        env.invalidate_all()
        assert all(tickets.mapped("contract_id")), "tickets without contract"
        assert all(tickets.mapped("sla_resolution_deadline")), "SLA deadlines missing"
        start = wall_clock()
        tickets._sla_recompute()
        result["recompute_tickets_per_s"] = round(args.n / (wall_clock() - start))
        env.cr.commit()
        if args.job:
            start = wall_clock()
            env["helpdesk.ticket"]._cron_sla_warnings()
            env.cr.commit()
            result["job_tickets_per_s"] = round(args.n / (wall_clock() - start), 1)
            result["warnings"] = env["maintenance.sla.notification"].search_count(
                [("ticket_id", "in", tickets.ids)]
            )
    elif args.setup == "oca":
        env.invalidate_all()
        assert all(tickets.mapped("sla_ids")), "OCA SLA missing"
    print(json.dumps(result), flush=True)


def store(env, args):
    """Module: storing the recomputed SLA values of N tickets with the one UPDATE of
    ``_sla_store`` against one ORM ``write()`` per ticket (rolled back)."""
    tickets = env["helpdesk.ticket"].search([("sla_policy_id", "!=", False)], limit=args.n)
    assert len(tickets) == args.n, "run the module's bench first"
    from odoo.addons.maintenance_contract_it.models.helpdesk_ticket import SLA_STORED_COLUMNS

    columns = list(SLA_STORED_COLUMNS)

    def changed(value):
        # other values than the stored ones: write() skips the values that do not change
        if isinstance(value, datetime):
            return value + timedelta(minutes=1)
        if isinstance(value, float):
            return value + 1
        return value

    rows = {
        ticket.id: {
            column: changed(ticket._fields[column].convert_to_write(ticket[column], ticket))
            for column in columns
        }
        for ticket in tickets
    }
    timings = {}
    for label, method in (
        ("one UPDATE (_sla_store)", lambda: tickets._sla_store(rows)),
        (
            "write() per ticket",
            lambda: [ticket.write(rows[ticket.id]) for ticket in tickets] and env.flush_all(),
        ),
    ):
        env.invalidate_all()
        start = wall_clock()
        method()
        env.flush_all()
        timings[label] = wall_clock() - start
        env.cr.rollback()
    for label, seconds in timings.items():
        print(f"{label:<28} {args.n} tickets: {1000 * seconds:8.1f} ms")


def summary(path):
    """Medians per setup and number of customers, as a Markdown table."""
    runs = defaultdict(list)
    loads = []
    with open(path) as lines:
        for line in lines:
            if line.startswith("{"):
                result = json.loads(line)
                runs[(result["setup"], result["customers"])].append(result)
                loads += [result["load_before"], result["load_after"]]
    medians = {
        key: statistics.median(r["tickets_per_s"] for r in results) for key, results in runs.items()
    }
    print("| setup | customers | runs | tickets/s (median) | runs (tickets/s) | queries/ticket |")
    print("|---|---|---|---|---|---|")
    for (setup, customers), results in sorted(runs.items(), key=lambda i: (i[0][1], i[0][0])):
        print(
            f"| {setup} | {customers} | {len(results)} | {medians[setup, customers]:.1f} | "
            + ", ".join(f"{r['tickets_per_s']:.1f}" for r in results)
            + f" | {statistics.median(r['queries_per_ticket'] for r in results):.2f} |"
        )
    for customers in sorted({key[1] for key in runs}):
        module = medians.get(("module", customers))
        plain = medians.get(("plain", customers))
        oca = medians.get(("oca", customers))
        if module and plain and oca:
            print(
                f"\n{customers} customers: module / plain = {module / plain:.3f}, "
                f"module / OCA = {module / oca:.3f}"
            )
    if loads:
        print(f"\nload average (1 min) during the runs: {min(loads):.2f} to {max(loads):.2f}")


def main():
    args = parse_args()
    if args.command == "summary":
        summary(args.results)
        return
    from odoo import SUPERUSER_ID, api

    registry = registry_for(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})
        if args.command == "store":
            store(env, args)
        elif args.command == "prepare":
            prepare(env, args)
            cr.commit()
        else:
            run(env, args)


if __name__ == "__main__":
    sys.exit(main())
