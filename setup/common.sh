# shellcheck shell=bash
# Shared settings of the setup scripts. Everything installed lives outside the checkout, under
# MCIT_HOME, so that a fresh clone (CI, another developer) finds and reuses it.
#
# Overrides (environment variables):
#   MCIT_HOME      where Odoo, its virtualenv and the databases' filestore live
#                  (default: ${XDG_DATA_HOME:-$HOME/.local/share}/maintenance_contract_it)
#   ODOO_SOURCE    where Odoo 18.0 comes from when it is not installed yet: a git URL or a local
#                  folder/git repository (default: the official repository, branch 18.0)
#   ODOO_BRANCH    branch or tag to take from ODOO_SOURCE (default: 18.0)
#   PYTHON         the Python 3.10-3.12 interpreter to build the virtualenv with (default: python3)
#   PGHOST PGPORT PGUSER PGPASSWORD   the PostgreSQL server (default: local socket, current user)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
MCIT_HOME=${MCIT_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/maintenance_contract_it}
ODOO_SOURCE=${ODOO_SOURCE:-https://github.com/odoo/odoo.git}
ODOO_BRANCH=${ODOO_BRANCH:-18.0}
ODOO_DIR=$MCIT_HOME/odoo
VENV=$MCIT_HOME/venv
DATA_DIR=$MCIT_HOME/data
PY=$VENV/bin/python
ADDONS_PATH=$ODOO_DIR/addons,$REPO_DIR

log() { printf '\033[1m[mcit]\033[0m %s\n' "$*" >&2; }
die() { printf '[mcit] error: %s\n' "$*" >&2; exit 1; }

# PostgreSQL user: when running as root, the "root" role must exist (Odoo refuses the "postgres"
# role); create it once with createdb rights if we can.
ensure_pg_role() {
    if [ "$(id -u)" = 0 ] && [ -z "${PGUSER:-}" ]; then
        if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
            if command -v runuser >/dev/null; then
                runuser -u postgres -- createuser --superuser root 2>/dev/null || true
            fi
        fi
    fi
    psql -d postgres -Atc 'select 1' >/dev/null 2>&1 || die "cannot reach PostgreSQL (set PGHOST/PGUSER)"
}

odoo_bin() { "$PY" "$ODOO_DIR/odoo-bin" "$@"; }
