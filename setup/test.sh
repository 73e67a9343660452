#!/usr/bin/env bash
# Installs what is missing, runs the code checks, builds a fresh test database with the module
# (demo data and French loaded, install log checked), runs the whole test suite with pytest-odoo
# (browser tests included), then uninstalls the module (log checked too).
# Exits non-zero on any failure, error, warning in the logs, or skipped test.
#
#   setup/test.sh                 the whole run (what CI runs)
#   setup/test.sh PATH...         developers: only these test files/folders, no code checks,
#                                 no uninstall (pytest arguments are passed through)
# Variables: MCIT_TEST_DB (default mcit_test), MCIT_REUSE_DB=1 (developers: update the module
# in the existing test database instead of rebuilding it).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO_DIR/setup/install.sh"

DB=${MCIT_TEST_DB:-mcit_test}
LOG_DIR=$MCIT_HOME/logs/$DB
mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR"/*.log "$LOG_DIR"/junit.xml
FULL_RUN=1
[ $# -gt 0 ] && FULL_RUN=0

if [ $FULL_RUN = 1 ]; then
    log "code checks"
    bash "$REPO_DIR/setup/check.sh"
fi

checklog() {
    "$VENV/bin/checklog-odoo" --no-err-if-empty "$1" || die "warnings or errors in $1"
}

if [ "${MCIT_REUSE_DB:-0}" = 1 ] && psql -d "$DB" -Atc 'select 1' >/dev/null 2>&1; then
    log "updating maintenance_contract_it in $DB"
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" -u maintenance_contract_it \
        --stop-after-init --no-http --logfile="$LOG_DIR/install.log"
else
    log "building a fresh database $DB with the module, demo data and French"
    dropdb --if-exists --force "$DB"
    # account_edi_ubl_cii (Odoo's Factur-X/UBL export, auto-installed with Accounting) is named
    # so that tests/test_facturx.py always has it; the module does not depend on it.
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -i maintenance_contract_it,account_edi_ubl_cii \
        --load-language=fr_FR --stop-after-init --no-http --logfile="$LOG_DIR/install.log"
fi
checklog "$LOG_DIR/install.log"

log "running the tests"
cd "$REPO_DIR"
if [ $FULL_RUN = 1 ]; then
    set -- maintenance_contract_it/tests tests
fi
status=0
# test-enable (Odoo's test mode) makes loading the registry run the at_install tests of every
# installed module (Odoo's own base tests: a minute per run); pytest runs this project's
# tests itself, so Odoo's tag filter keeps none of them at load time.
"$VENV/bin/python" -m pytest -p no:cacheprovider --odoo-database="$DB" \
    --odoo-addons-path="$ADDONS_PATH" --odoo-http --odoo-log-level=warn \
    --odoo-extra="data-dir=$DATA_DIR" --odoo-extra=test-enable --odoo-extra=test-tags=-at_install \
    -rfEs --junitxml="$LOG_DIR/junit.xml" "$@" || status=$?
[ $status = 0 ] || die "tests failed (pytest exit $status)"
"$VENV/bin/python" - "$LOG_DIR/junit.xml" <<'PY' || die "tests were skipped or none ran"
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = sum(int(s.get("tests", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
if skipped or not total:
    print(f"{skipped} skipped test(s) out of {total}: every test, browser tests included, must run.")
    sys.exit(1)
PY

if [ $FULL_RUN = 1 ]; then
    log "uninstalling the module"
    echo "env['ir.module.module'].search([('name', '=', 'maintenance_contract_it')]).button_immediate_uninstall(); env.cr.commit()" \
        | odoo_bin shell -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" --no-http \
            --logfile="$LOG_DIR/uninstall.log" >/dev/null
    checklog "$LOG_DIR/uninstall.log"
    state=$(psql -d "$DB" -Atc "select state from ir_module_module where name = 'maintenance_contract_it'")
    [ "$state" = uninstalled ] || die "the module is still $state after uninstall"
    log "uninstall clean"
fi
log "all tests passed"
