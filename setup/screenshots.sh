#!/usr/bin/env bash
# Takes the README screenshots (docs/screenshots/*.png) with headless Chromium (Debian package
# "chromium") against the demo database of setup/run.sh, started here on its own database and
# port and stopped afterwards.
# Variables: MCIT_DB (default mcit_shots), MCIT_PORT (default 8093).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v chromium >/dev/null || die "chromium is missing (apt-get install chromium)"

export MCIT_DB=${MCIT_DB:-mcit_shots}
export MCIT_PORT=${MCIT_PORT:-8093}
URL=http://127.0.0.1:$MCIT_PORT
SERVER_PID=
if ! curl -sf -o /dev/null "$URL/web/login"; then
    setsid bash "$REPO_DIR/setup/run.sh" >"${TMPDIR:-/tmp}/mcit_shots_server.log" 2>&1 &
    SERVER_PID=$!
    trap 'kill -- -"$SERVER_PID" 2>/dev/null || true' EXIT
    log "waiting for Odoo on $URL (log: ${TMPDIR:-/tmp}/mcit_shots_server.log)"
    for _ in $(seq 600); do
        curl -sf -o /dev/null "$URL/web/login" && break
        kill -0 "$SERVER_PID" 2>/dev/null || die "Odoo stopped, see the log"
        sleep 1
    done
fi
"$PY" "$REPO_DIR/setup/screenshots.py" "$URL" "$REPO_DIR/docs/screenshots"
log "screenshots in $REPO_DIR/docs/screenshots"
