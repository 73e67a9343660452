#!/usr/bin/env bash
# Code checks the Odoo community runs, from local hooks (.pre-commit-config.yaml).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
export PATH="$VENV/bin:$PATH"
if git rev-parse --git-dir >/dev/null 2>&1; then
    PRE_COMMIT_HOME=$MCIT_HOME/pre-commit pre-commit run --all-files --show-diff-on-failure
else
    die "not a git checkout: the checks run on the files git tracks"
fi
