#!/usr/bin/env bash
# Desktop benchmarks, as recorded in docs/benchmarks.md: launch to an
# interactive window, and the premium recalculation round trip in the app.
#
#   bash scripts/bench-desktop.sh [LAUNCHES] [PRICES]
#
# Runs the debug build of the app (the build the tests and `run.sh` use; the
# bundled packs are signed with the development key, which only debug builds
# trust) under Xvfb with a private keyring, through tauri-driver. Run the
# test command once first: it installs Xvfb, WebKitWebDriver and tauri-driver.
# UW_BENCH_APP times another build instead, such as the release binary the
# test command packages for a throwaway organisation.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

build_ui
log "building uw-desktop and uw-desktop-bench"
cargo build --locked -p uw-desktop -p uw-system-tests --bin uw-desktop --bin uw-desktop-bench
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug"
with_headless_session "$(mktemp -d /tmp/uw-bench-session.XXXXXX)" "$BIN/uw-desktop-bench" "$@"
