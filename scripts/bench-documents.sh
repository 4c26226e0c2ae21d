#!/usr/bin/env bash
# The declarations-page benchmark, as recorded in docs/benchmarks.md: our
# renderer (criterion, release build) and the same page drawn with Python's
# reportlab, which this script installs from PyPI into a venv under
# ~/.cache/uw-workstation (once; a second run installs nothing).
#
#   bash scripts/bench-documents.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_packages python3-venv qpdf
VENV="$HOME/.cache/uw-workstation/bench-venv"
REPORTLAB_VERSION="5.1.0"
if ! "$VENV/bin/python" -c "import reportlab, sys; sys.exit(reportlab.Version != '$REPORTLAB_VERSION')" 2>/dev/null; then
    log "installing reportlab $REPORTLAB_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "reportlab==$REPORTLAB_VERSION"
fi
OUT="$(mktemp -d /tmp/uw-bench-documents.XXXXXX)"
"$VENV/bin/python" tools/bench/declarations_reportlab.py crates/documents/fonts "$OUT/reportlab.pdf" 500
qpdf --check "$OUT/reportlab.pdf" >/dev/null && log "reportlab's page passes qpdf --check ($OUT/reportlab.pdf)"
cargo bench --locked -p uw-documents --bench documents
