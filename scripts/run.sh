#!/usr/bin/env bash
# The README's run command: installs whatever is missing, starts a local sync
# server on its embedded SQLite store, and opens the desktop app. Closing the
# app stops the server.
#
#   UW_HOME           where the local server and app keep their data
#                     (default: ~/.local/share/uw-workstation-dev)
#   UW_SYNC_LISTEN    the server's address (default: 127.0.0.1:8787)
#   CARGO_TARGET_DIR  where to build (default: ./target)
#
# Without a display (a server or CI machine) the app runs under Xvfb with a
# private, unlocked keyring, so the command still works headless.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_packages "${RUN_PACKAGES[@]}"
ensure_toolchain
ensure_ui_deps
build_ui

log "building the workstation and the sync server"
cargo build --workspace --bins --locked

UW_HOME="${UW_HOME:-$HOME/.local/share/uw-workstation-dev}"
mkdir -p "$UW_HOME"
BIN="$CARGO_TARGET_DIR/debug"

SERVER_DB=(--sqlite "$UW_HOME/server.sqlite3" --key-file "$UW_HOME/server.key")
# The first run creates a demo organisation (an agent, an underwriter, an
# admin and an auditor) and prints their passwords once; later runs keep it.
"$BIN/uw-sync-server" admin "${SERVER_DB[@]}" demo --packs "$ROOT/rate-packs" 2>>"$UW_HOME/server.log" \
    || die "creating the demo organisation failed; see $UW_HOME/server.log"

log "starting the sync server (SQLite at $UW_HOME/server.sqlite3)"
SERVER_OUT="$UW_HOME/server.stdout"
"$BIN/uw-sync-server" serve "${SERVER_DB[@]}" --listen "${UW_SYNC_LISTEN:-127.0.0.1:8787}" \
    >"$SERVER_OUT" 2>"$UW_HOME/server.log" &
SERVER_PID=$!
trap 'kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q '^listening on ' "$SERVER_OUT" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the sync server did not start; see $UW_HOME/server.log"
    sleep 0.1
done
log "sync server $(cat "$SERVER_OUT") (log: $UW_HOME/server.log)"

log "opening the desktop app (store: $UW_HOME/desktop)"
export UW_DATA_DIR="$UW_HOME/desktop"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "$BIN/uw-desktop"
else
    log "no display: running the app under Xvfb with a private keyring"
    with_headless_session "$UW_HOME/headless-keyring" "$BIN/uw-desktop"
fi
