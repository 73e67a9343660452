#!/usr/bin/env bash
# Installs what is missing, creates (once) a database with the module, French and demo data,
# the French accounting localization and a few months of invoices of the demo contracts
# (setup/demo_history.py), and serves Odoo on 127.0.0.1.
# Variables: MCIT_DB (default mcit_demo), MCIT_PORT (default 8069), MCIT_RESET=1 to rebuild the
# database from scratch.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO_DIR/setup/install.sh"

DB=${MCIT_DB:-mcit_demo}
PORT=${MCIT_PORT:-8069}
if [ "${MCIT_RESET:-0}" = 1 ]; then
    dropdb --if-exists --force "$DB"
fi
if ! psql -d "$DB" -Atc "select 1 from ir_module_module where name = 'maintenance_contract_it' and state = 'installed'" 2>/dev/null | grep -q 1; then
    log "creating database $DB: a French provider (French chart of accounts, EUR, 20 % VAT)"
    dropdb --if-exists --force "$DB"
    # French is loaded with base, before Accounting: a module installed after gets its French
    # terms at its installation ("30 jours", "TVA 20 %" on the invoices). Loaded later, with
    # --load-language on a database that already has Accounting, only base's records are
    # translated (the other modules' models are not loaded yet at that step): the payment
    # terms and tax groups stayed in English.
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -i base --load-language=fr_FR --stop-after-init --no-http
    # The company is French before Accounting is installed: Odoo then loads the French chart
    # of accounts (l10n_fr_account: EUR, 20 % VAT as default sales tax) on it, before the
    # module's demo products and contracts take their taxes from it. The module itself
    # depends on no localization.
    echo "env.ref('base.main_company').country_id = env.ref('base.fr'); env.cr.commit()" \
        | odoo_bin shell -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" --no-http \
            --log-level=warn >/dev/null
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -i l10n_fr_account --stop-after-init --no-http
    chart=$(psql -d "$DB" -Atc "select c.chart_template || ' ' || cur.name from res_company c join res_currency cur on cur.id = c.currency_id where c.id = 1")
    [ "$chart" = "fr EUR" ] || die "the French chart of accounts was not loaded on the company ($chart)"
    log "installing the module with French and demo data"
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -i maintenance_contract_it --load-language=fr_FR --stop-after-init --no-http
    # French for the administrator, as a French IT provider would have it.
    psql -q -d "$DB" -c "update res_partner set lang = 'fr_FR' where id in (select partner_id from res_users where login = 'admin')"
    log "invoicing the last months of the demo contracts (setup/demo_history.py)"
    odoo_bin shell -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" --no-http \
        --log-level=warn <<PY >/dev/null
import importlib.util

spec = importlib.util.spec_from_file_location("demo_history", "$REPO_DIR/setup/demo_history.py")
demo_history = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo_history)
demo_history.create_demo_history(env)
env.cr.commit()
PY
else
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -u maintenance_contract_it --stop-after-init --no-http
fi
log "Odoo serves $DB on http://127.0.0.1:$PORT  (login: admin, password: admin)"
exec "$PY" "$ODOO_DIR/odoo-bin" -d "$DB" --db-filter="^$DB\$" --addons-path="$ADDONS_PATH" \
    --data-dir="$DATA_DIR" --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port=$((PORT + 3))
