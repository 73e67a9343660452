#!/usr/bin/env bash
# Ticket creation side by side: plain helpdesk_mgmt, maintenance_contract_it, OCA
# helpdesk_mgmt_sla, each in a fresh database of its own copied from a template, with 100 and
# 1,000 customers, ROUNDS interleaved rounds. Appends one JSON line per run to RESULTS, then
# prints the medians. Run it in the background; never two benches at once.
#
#   bench/run_all.sh            (N=10000 BATCH=500 ROUNDS=3 RESULTS=bench/results.jsonl)
# OCA helpdesk_mgmt_sla must be installed in the venv:
#   $MCIT_HOME/venv/bin/pip install odoo-addon-helpdesk_mgmt_sla==18.0.*
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../setup/common.sh"
N=${N:-10000}
BATCH=${BATCH:-500}
ROUNDS=${ROUNDS:-3}
RESULTS=${RESULTS:-$REPO_DIR/bench/results.jsonl}
BENCH="$PY $REPO_DIR/bench/sla_bench.py"

copy_db() { # template target
    dropdb --if-exists --force "$2"
    createdb -T "$1" "$2"
    rm -rf "$DATA_DIR/filestore/$2"
    [ -d "$DATA_DIR/filestore/$1" ] && cp -r "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
    return 0
}

for setup in plain module oca; do
    template=mcit_bench_${setup}_template
    case $setup in
        plain) modules=helpdesk_mgmt ;;
        module) modules=maintenance_contract_it ;;
        oca) modules=helpdesk_mgmt_sla ;;
    esac
    prepared=$(psql -d "$template" -Atc \
        "select count(*) from res_partner where name like 'Bench customer %'" 2>/dev/null || true)
    if [ "${REBUILD:-0}" = 1 ] || [ "$prepared" != 1000 ]; then
        log "building $template ($modules, 1000 customers)"
        dropdb --if-exists --force "$template"
        odoo_bin -d "$template" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" -i "$modules" \
            --without-demo=all --stop-after-init --no-http --log-level=warn
        $BENCH prepare --db "$template" --setup $setup --customers 1000
    fi
done

for round in $(seq 1 "$ROUNDS"); do
    for customers in 100 1000; do
        for setup in module plain oca; do
            db=mcit_bench_$setup
            copy_db mcit_bench_${setup}_template "$db"
            log "round $round: $setup, $customers customers, $N tickets"
            $BENCH run --db "$db" --setup $setup --customers "$customers" -n "$N" \
                --batch "$BATCH" --round "$round" | tee -a "$RESULTS"
        done
    done
done
$BENCH summary "$RESULTS"
