#!/usr/bin/env bash
# Load tests of the sync server (release build), as recorded in
# docs/benchmarks.md:
#
#   bash scripts/load.sh sqlite                 # the embedded store
#   bash scripts/load.sh postgres URL           # a PostgreSQL database URL whose
#                                               # user may create databases
#
#   UW_LOAD_SECONDS   seconds per push run (default 30)
#   UW_LOAD_HOLD      long polls to hold (default 10000)
#   UW_LOAD_RATE      the open-loop runs' offered operations/s (default 2000)
#   UW_LOAD_TLS       1: the server terminates TLS with a certificate from a
#                     throwaway CA (openssl), and the clients trust that CA
#   UW_LOAD_CLIENTS   the push runs' client counts (default "100 999")
#   UW_LOAD_DEVICES   1 (SQLite only): each long poll holds its own device's
#                     token (devices written into the database, each renewing
#                     its token with its key), not one shared session
#   UW_LOAD_TRACES    a sampling share (such as 0.1): the server exports
#                     traces over OTLP to a local sink that accepts them
#   UW_LOAD_OPEN      0: skip the open-loop runs
#   UW_LOAD_HOLD      0: skip the long-poll run
#
# Each run creates a fresh demo organisation, starts `uw-sync-server serve`,
# runs `uw-load push` with each client count, each in a closed loop and in an
# open loop at UW_LOAD_RATE, then `uw-load hold`, and stops the server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine="${1:?usage: load.sh sqlite | postgres URL}"
seconds="${UW_LOAD_SECONDS:-30}"
hold="${UW_LOAD_HOLD:-10000}"
rate_target="${UW_LOAD_RATE:-2000}"

log "building uw-sync-server and uw-load (release)"
cargo build --release --locked -p uw-sync-server --bin uw-sync-server -p uw-system-tests --bin uw-load
tls="${UW_LOAD_TLS:-0}"
clients_list="${UW_LOAD_CLIENTS:-100 999}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

WORK="$(mktemp -d /tmp/uw-load.XXXXXX)"
server_pid=""
databases=()
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    # Each run's PostgreSQL database goes with the run.
    for name in "${databases[@]}"; do
        psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# A throwaway CA and a server certificate for 127.0.0.1, for UW_LOAD_TLS=1.
make_certificate() {
    local d="$WORK/tls"
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
        -days 2 -subj "/CN=uw-load CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
        -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$d/ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -out "$d/server.pem" \
        -days 2 -extfile "$d/ext" 2>/dev/null
}

# A fresh organisation and server for each run.
start_server() {
    local run="$WORK/run$1"
    mkdir -p "$run"
    case "$engine" in
        sqlite) db_args=(--sqlite "$run/server.sqlite3") ;;
        postgres)
            local name="uw_load_$(date +%s)_$1"
            psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
            databases+=("$name")
            db_args=(--database-url "${admin_url%/*}/$name")
            ;;
    esac
    args=("${db_args[@]}" --key-file "$run/server.key")
    "$BIN/uw-sync-server" admin "${args[@]}" demo --packs rate-packs >"$run/demo.txt" 2>"$run/admin.log"
    if [ "${2:-}" = devices ]; then
        "$BIN/uw-load" --server "unused" seed-devices --sqlite "$run/server.sqlite3" --count "$hold"
    fi
    UW_LOAD_PASSWORD="$(awk '$1 == "agent" && $2 == "agent" { print $3 }' "$run/demo.txt")"
    export UW_LOAD_PASSWORD
    [ -n "$UW_LOAD_PASSWORD" ] || die "admin demo printed no agent password"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    local serve=(--listen "127.0.0.1:$port" --max-devices-per-user 100000)
    [ "$tls" = 1 ] && serve+=(--tls-cert "$WORK/tls/server.pem" --tls-key "$WORK/tls/server.key")
    [ -n "${UW_LOAD_TRACES:-}" ] && serve+=(--otlp-endpoint "http://127.0.0.1:$sink_port" --otlp-sampling "$UW_LOAD_TRACES")
    RUST_LOG=warn "$BIN/uw-sync-server" serve "${args[@]}" "${serve[@]}" >"$run/server.out" 2>"$run/server.log" &
    server_pid=$!
    for _ in $(seq 50); do grep -q "listening on" "$run/server.out" 2>/dev/null && break; sleep 0.1; done
    url="$(sed -n 's/^listening on //p' "$run/server.out" | head -n 1)"
    [ -n "$url" ] || die "the server did not start; see $run/server.log"
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }

case "$engine" in
    sqlite) ;;
    postgres) admin_url="${2:?postgres needs a database URL}" ;;
    *) die "unknown engine $engine (sqlite or postgres)" ;;
esac

[ "$tls" = 1 ] && make_certificate
# An OTLP/HTTP sink for UW_LOAD_TRACES: answers every export 200 and counts the bytes.
sink_pid=""
if [ -n "${UW_LOAD_TRACES:-}" ]; then
    sink_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    python3 - "$sink_port" >"$WORK/sink.log" 2>&1 <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received = 0
    def do_POST(self):
        Sink.received += len(self.rfile.read(int(self.headers.get("content-length", 0))))
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
    sink_pid=$!
    trap 'cleanup; kill $sink_pid 2>/dev/null' EXIT
fi
load=("$BIN/uw-load")
[ "$tls" = 1 ] && load+=(--ca "$WORK/tls/ca.pem")
echo "== $engine$([ "$tls" = 1 ] && echo ' over HTTPS')${UW_LOAD_TRACES:+, traces sampled at $UW_LOAD_TRACES}: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
# Closed loop (each client pushes again when answered: the most the server
# does), then open loop at the target rate (devices on their own schedules:
# the latency a device sees at that load).
run=0
for clients in $clients_list; do
    rates=("" "$rate_target")
    [ "${UW_LOAD_OPEN:-1}" = 0 ] && rates=("")
    for rate in "${rates[@]}"; do
        run=$((run + 1))
        start_server "$run"
        "${load[@]}" --server "$url" push --clients "$clients" --seconds "$seconds" ${rate:+--rate "$rate"}
        stop_server
    done
done
if [ "$hold" = 0 ]; then
    :
elif [ "${UW_LOAD_DEVICES:-0}" = 1 ]; then
    [ "$engine" = sqlite ] || die "UW_LOAD_DEVICES=1 writes devices into the SQLite file"
    start_server hold devices
    "${load[@]}" --server "$url" hold --connections "$hold" --seconds 60 --server-pid "$server_pid" --devices
else
    start_server hold
    "${load[@]}" --server "$url" hold --connections "$hold" --seconds 60 --server-pid "$server_pid"
fi
if [ -n "$server_pid" ]; then stop_server; fi
