#!/usr/bin/env bash
# Installs what is missing, creates (once) a database with the module, French and demo data,
# and serves Odoo on 127.0.0.1.
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
    log "creating database $DB with the module, French and demo data"
    dropdb --if-exists --force "$DB"
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -i maintenance_contract_it --load-language=fr_FR --stop-after-init --no-http
    # French for the administrator, as a French IT provider would have it.
    psql -q -d "$DB" -c "update res_partner set lang = 'fr_FR' where id in (select partner_id from res_users where login = 'admin')"
else
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        -u maintenance_contract_it --stop-after-init --no-http
fi
log "Odoo serves $DB on http://127.0.0.1:$PORT  (login: admin, password: admin)"
exec "$PY" "$ODOO_DIR/odoo-bin" -d "$DB" --db-filter="^$DB\$" --addons-path="$ADDONS_PATH" \
    --data-dir="$DATA_DIR" --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port=$((PORT + 3))
