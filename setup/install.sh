#!/usr/bin/env bash
# Installs what is missing to run and test maintenance_contract_it: Debian packages (Chromium,
# wkhtmltopdf, build headers), Odoo 18.0 from its official source (or ODOO_SOURCE), a virtualenv
# with Odoo's and this project's Python requirements. Safe to run again: it reuses what is there.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEB_PACKAGES=(chromium wkhtmltopdf libpq-dev libldap2-dev libsasl2-dev build-essential git
              fonts-dejavu-core)

install_debian_packages() {
    command -v dpkg >/dev/null || { log "not a Debian system: install ${DEB_PACKAGES[*]} yourself"; return; }
    local missing=()
    for pkg in "${DEB_PACKAGES[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_odoo_source() {
    if [ -f "$ODOO_DIR/odoo-bin" ]; then
        grep -q "^version_info = (18, 0," "$ODOO_DIR/odoo/release.py" \
            || die "$ODOO_DIR holds an Odoo that is not 18.0: move it away or set MCIT_HOME"
        return
    fi
    mkdir -p "$MCIT_HOME"
    log "fetching Odoo $ODOO_BRANCH from $ODOO_SOURCE into $ODOO_DIR"
    local tmp="$ODOO_DIR.partial"
    rm -rf "$tmp"
    if [ -d "$ODOO_SOURCE/.git" ] || [ -d "$ODOO_SOURCE/objects" ] || [[ "$ODOO_SOURCE" == *://* ]] || [[ "$ODOO_SOURCE" == git@* ]]; then
        git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_SOURCE" "$tmp"
    elif [ -f "$ODOO_SOURCE/odoo-bin" ]; then
        cp -a "$ODOO_SOURCE" "$tmp"
    else
        die "ODOO_SOURCE=$ODOO_SOURCE is neither a git repository nor an Odoo source folder"
    fi
    grep -q "^version_info = (18, 0," "$tmp/odoo/release.py" || die "$ODOO_SOURCE is not Odoo 18.0"
    mv "$tmp" "$ODOO_DIR"
}

install_virtualenv() {
    if [ ! -x "$PY" ]; then
        local python=${PYTHON:-python3}
        "$python" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
            || die "$python is not Python 3.10-3.12 (set PYTHON)"
        log "creating virtualenv $VENV"
        "$python" -m venv "$VENV"
    fi
    local stamp="$VENV/.mcit-requirements"
    local want
    want=$(cat "$ODOO_DIR/requirements.txt" "$REPO_DIR/requirements.txt" | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$PY" -c 'import odoo.release' 2>/dev/null; then
        return
    fi
    log "installing Python requirements into $VENV"
    # Odoo's pinned cbor2 does not build with setuptools >= 81.
    local constraints="$MCIT_HOME/build-constraints.txt"
    echo 'setuptools<81' > "$constraints"
    export PIP_CONSTRAINT=$constraints PIP_DISABLE_PIP_VERSION_CHECK=1
    "$PY" -m pip install -q 'pip<26' wheel 'setuptools<81'
    "$PY" -m pip install -q -r "$ODOO_DIR/requirements.txt"
    # compat editable mode: OCA wheels create site-packages/odoo/addons, which must not hide Odoo.
    "$PY" -m pip install -q --no-deps -e "$ODOO_DIR" --config-settings editable_mode=compat
    "$PY" -m pip install -q -r "$REPO_DIR/requirements.txt"
    unset PIP_CONSTRAINT
    "$PY" -c 'import odoo.release, importlib.metadata as m; m.version("odoo-addon-helpdesk_mgmt")' \
        || die "Odoo or helpdesk_mgmt does not import from $VENV"
    echo "$want" > "$stamp"
}

install_debian_packages
install_odoo_source
install_virtualenv
ensure_pg_role
log "Odoo $("$PY" -c 'import odoo.release as r; print(r.version)') ready in $VENV"
