#!/usr/bin/env bash
# Invoicing job side by side: maintenance_contract_it (maintenance.contract._cron_invoice),
# OCA contract 18.0 (contract.contract.cron_recurring_create_invoice), N active monthly
# contracts with one fee line each, and the floor (Accounting alone: the same N invoices by a
# bare account.move.create in batches), each run in a fresh database copied from a template.
# For each N: this module with one worker, with two workers at once, OCA with one worker, the
# floor (OCA_TWO=1: also OCA with two workers; RUNS="module:1 floor:1" to choose). Appends one JSON line per run to RESULTS, then prints
# the summary table. Run it in the background; never two benches at once.
#
#   bench/run_invoice.sh        (SIZES="2000 10000" ROUNDS=1 RESULTS=bench/invoice_results.jsonl)
#
# Templates: mcit_bench_invoice_<setup>_base (modules installed, built once, REBUILD=1 to redo),
# mcit_bench_invoice_<setup>_<N>_template (its contracts start today: rebuilt when made another
# day). OCA contract must be installed in the venv:
#   $MCIT_HOME/venv/bin/pip install 'odoo-addon-contract==18.0.*'
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../setup/common.sh"
SIZES=${SIZES:-2000 10000}
ROUNDS=${ROUNDS:-1}
ROUND_FROM=${ROUND_FROM:-1}  # label of the first round (to add rounds to a results file)
RESULTS=${RESULTS:-$REPO_DIR/bench/invoice_results.jsonl}
BENCH="$PY $REPO_DIR/bench/invoice_bench.py"
TODAY=$(date -u +%F)

copy_db() { # template target
    dropdb --if-exists --force "$2"
    createdb -T "$1" "$2"
    rm -rf "$DATA_DIR/filestore/$2"
    [ -d "$DATA_DIR/filestore/$1" ] && cp -r "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
    return 0
}

query() { psql -d "$1" -Atc "$2" 2>/dev/null || true; }

# RUNS: setup:workers to run for each N, in this order
oca_two=""
[ "${OCA_TWO:-0}" = 1 ] && oca_two=" oca:2"
RUNS=${RUNS:-module:1 module:2 oca:1$oca_two floor:1}
case " $RUNS" in
    *" oca:"*) "$VENV/bin/pip" show odoo-addon-contract >/dev/null 2>&1 \
        || die "OCA contract missing: $VENV/bin/pip install 'odoo-addon-contract==18.0.*'" ;;
esac
started=$(date +%s)
for setup in $(printf '%s\n' $RUNS | cut -d: -f1 | sort -u); do
    case $setup in
        module | units) modules=maintenance_contract_it counted="select count(*) from maintenance_contract" ;;
        oca) modules=contract counted="select count(*) from contract_contract" ;;
        floor) modules=account counted="select count(*) from res_partner where name like 'Bench customer %'" ;;
    esac
    base=mcit_bench_invoice_${setup}_base
    if [ "${REBUILD:-0}" = 1 ] || [ "$(query "$base" "select state from ir_module_module where name = '$modules'")" != installed ]; then
        log "building $base ($modules)"
        dropdb --if-exists --force "$base"
        odoo_bin -d "$base" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" -i "$modules" \
            --without-demo=all --stop-after-init --no-http --log-level=warn
    fi
    for n in $SIZES; do
        template=mcit_bench_invoice_${setup}_${n}_template
        made=$(query "$template" "select value from ir_config_parameter where key = 'mcit_bench.invoice_date'")
        count=$(query "$template" "$counted")
        if [ "${REBUILD:-0}" = 1 ] || [ "$made" != "$TODAY" ] || [ "$count" != "$n" ]; then
            log "building $template ($n contracts starting $TODAY)"
            copy_db "$base" "$template"
            $BENCH prepare --db "$template" --setup $setup -n "$n"
        fi
    done
done
log "templates ready in $(($(date +%s) - started)) s"

read -r -a runs <<<"$RUNS"
for round in $(seq "$ROUND_FROM" $((ROUND_FROM + ROUNDS - 1))); do
    for n in $SIZES; do
        for spec in "${runs[@]}"; do
            setup=${spec%%:*} workers=${spec#*:}
            db=mcit_bench_invoice_$setup
            copy_db "mcit_bench_invoice_${setup}_${n}_template" "$db"
            log "round $round: $setup, $n contracts, $workers worker(s)"
            $BENCH run --db "$db" --setup "$setup" --workers "$workers" --round "$round" \
                | tee -a "$RESULTS" || log "the run failed or its check failed (see above)"
        done
    done
done
log "done in $(($(date +%s) - started)) s"
$BENCH summary "$RESULTS"
