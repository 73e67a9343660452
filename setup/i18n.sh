#!/usr/bin/env bash
# Refreshes maintenance_contract_it/i18n: exports the template (.pot) from a database where the
# module is installed with its demo data, then merges it into fr.po (new terms get an empty
# msgstr to translate; tests/test_i18n.py fails until every term is translated).
# Variables: MCIT_TEST_DB (default mcit_test): the database to export from (setup/test.sh builds it).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB=${MCIT_TEST_DB:-mcit_test}
I18N=$REPO_DIR/maintenance_contract_it/i18n
mkdir -p "$I18N"
odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" --no-http \
    --i18n-export="$I18N/maintenance_contract_it.pot" --modules=maintenance_contract_it \
    --stop-after-init --log-level=warn
if [ -f "$I18N/fr.po" ]; then
    msgmerge --quiet --no-fuzzy-matching --no-wrap --update --backup=none "$I18N/fr.po" "$I18N/maintenance_contract_it.pot"
    msgattrib --no-obsolete --no-wrap -o "$I18N/fr.po" "$I18N/fr.po"
else
    msginit --no-translator --no-wrap --locale=fr_FR.UTF-8 -i "$I18N/maintenance_contract_it.pot" -o "$I18N/fr.po"
fi
log "untranslated terms: $(msgattrib --untranslated --no-obsolete "$I18N/fr.po" | grep -c '^msgid ' || true)"
