#!/usr/bin/env bash
# The README's test command: installs whatever is missing, then runs every
# test (the UI's unit tests, Rust unit, property, system on SQLite and
# PostgreSQL, and end-to-end in the real app, then the desktop journeys again
# with the keyboard alone) and stops everything it started.
#
#   UW_TEST_POSTGRES_URL  use this PostgreSQL (a URL whose user may create
#                         databases) instead of starting a throwaway cluster
#   CARGO_TARGET_DIR      where to build (default: ./target)
#   extra arguments       passed to `cargo nextest run`, e.g. a test filter
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_toolchain
ensure_ui_deps
ensure_test_provider_deps
build_ui
log "UI unit tests (Vitest, the Tauri IPC mocked)"
(cd "$ROOT/ui" && npm run --silent test)
ensure_cargo_tool tauri-driver "$TAURI_DRIVER_VERSION"
ensure_nextest
ensure_test_python

log "building the workspace"
cargo build --workspace --all-targets --locked

WORK="$(mktemp -d /tmp/uw-test.XXXXXX)"
cleanup() {
    if [ -n "${PG_DATA:-}" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root, so as root the cluster runs as `postgres`.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -z "${UW_TEST_POSTGRES_URL:-}" ]; then
    PG_BIN="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)"
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
    PG_DATA="$WORK/pg"
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$WORK"
    PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    log "starting a throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg.log" -w \
        -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    export UW_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
fi

# The release package of a test organisation, for the test that installs it
# and prices offline: California auto signed with a fresh organisation key,
# Texas auto left signed by the development key (the release must refuse it).
log "packaging the desktop for a test organisation (release build)"
ORG="$WORK/test-org"
mkdir -p "$ORG/packs"
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$ORG/org.key"
chmod 600 "$ORG/org.key"
cp -r "$ROOT/rate-packs/ca-personal-auto" "$ROOT/rate-packs/tx-personal-auto" "$ORG/packs/"
signed="$("$CARGO_TARGET_DIR/debug/uw" pack sign "$ORG/packs/ca-personal-auto" --key "$ORG/org.key" --key-id test-org-2026)"
printf 'test-org-2026 %s\n' "$(printf '%s' "$signed" | sed -n 's/.*(\([0-9a-f]\{64\}\)).*/\1/p')" > "$ORG/pack-keys"
UW_TEST_PACKAGE_DEB="$(bash "$ROOT/scripts/package.sh" --packs "$ORG/packs" --pack-keys "$ORG/pack-keys" --out "$ORG/out" --keep-untrusted | tail -n 1)"
export UW_TEST_PACKAGE_DEB

log "running the tests"
with_headless_session "$WORK/keyring" cargo nextest run --workspace --locked --no-fail-fast "$@"

# Every desktop journey again with the keyboard alone: each click, fill and
# choice reaches its element with Tab or the arrows and acts with Enter,
# Space and typed keys (tests/src/app.rs, keyboard mode).
log "running the desktop journeys again with the keyboard alone"
# One retry: a journey that passes only on it shows as FLAKY in the report.
UW_E2E_KEYBOARD=1 with_headless_session "$WORK/keyring" \
    cargo nextest run --workspace --locked --no-fail-fast --retries 1 --test desktop_e2e "$@"
