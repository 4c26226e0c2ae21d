#!/usr/bin/env bash
# Customers' personal data sealed at rest (issue 29), as recorded in
# docs/benchmarks.md:
#
#   bash scripts/bench-personal.sh sqlite            # the embedded store
#   bash scripts/bench-personal.sh postgres URL      # a PostgreSQL URL whose user may create databases
#
#   UW_BENCH_CUSTOMERS   customers to seal and write (default 100000)
#
# Creates a demo organisation, writes the customers straight into its
# database (`uw-load seed-customers`: each a quote record whose personal
# values are sealed with the server's key file, as the server seals them),
# starts `uw-sync-server serve` and times 1,000 look-ups of random customers
# by exact name as an underwriter (`uw-load find-customers`). The push
# figures with sealing on come from scripts/load.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine="${1:?usage: bench-personal.sh sqlite | postgres URL}"
count="${UW_BENCH_CUSTOMERS:-100000}"
log "building uw-sync-server and uw-load (release)"
cargo build --release --locked -p uw-sync-server --bin uw-sync-server -p uw-system-tests --bin uw-load
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

WORK="$(mktemp -d /tmp/uw-bench-personal.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

case "$engine" in
    sqlite) database="$WORK/server.sqlite3"; db_args=(--sqlite "$database") ;;
    postgres)
        admin_url="${2:?postgres needs a database URL}"
        name="uw_bench_personal_$(date +%s)"
        psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
        database="${admin_url%/*}/$name"
        db_args=(--database-url "$database")
        ;;
    *) die "unknown engine $engine (sqlite or postgres)" ;;
esac
args=("${db_args[@]}" --key-file "$WORK/server.key")
"$BIN/uw-sync-server" admin "${args[@]}" demo --packs rate-packs >"$WORK/demo.txt" 2>"$WORK/admin.log"
echo "== $engine: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$BIN/uw-load" --server unused seed-customers --database "$database" --key-file "$WORK/server.key" --count "$count"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
RUST_LOG=warn "$BIN/uw-sync-server" serve "${args[@]}" --listen "127.0.0.1:$port" >"$WORK/server.out" 2>"$WORK/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$WORK/server.out" || die "the server did not start; see $WORK/server.log"
UW_LOAD_PASSWORD="$(awk '$1 == "underwriter" && $2 == "underwriter" { print $3 }' "$WORK/demo.txt")" \
    "$BIN/uw-load" --server "http://127.0.0.1:$port" --username underwriter find-customers --count "$count" --samples 1000
