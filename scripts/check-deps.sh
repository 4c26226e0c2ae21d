#!/usr/bin/env bash
# Every dependency a crate declares is one it uses (cargo-machete reads the
# sources; it installs once, from crates.io, into ~/.cargo/bin).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_cargo_tool cargo-machete "$CARGO_MACHETE_VERSION"
cargo machete
