#!/usr/bin/env bash
# The restore drill at size, recorded in docs/operations.md ("Backup and
# restore"): a demo organisation's log filled to UW_DRILL_ENTRIES entries
# (default 1,000,000; `uw-load fill-audit`, the server's own append), the
# backup taken while the server serves, then the database lost and put back
# from that backup, the restore declared (`admin restored`) and the server
# started on it, each step timed, on the release build:
#
#   bash scripts/drill-restore.sh sqlite
#   bash scripts/drill-restore.sh postgres URL   # a user who may create databases
#
# SQLite is backed up with `uw-sync-server admin … backup FILE` (VACUUM INTO)
# and put back by copying that file in place of the database and its -wal
# and -shm; PostgreSQL with `pg_dump -Fc` and `pg_restore --no-owner` into a
# new database. UW_DRILL_BIN=DIR uses the prebuilt uw-sync-server and
# uw-load in DIR instead of building them; UW_DRILL_PG_BIN=DIR puts DIR (for
# example /usr/lib/postgresql/15/bin) first on PATH for pg_dump, pg_restore
# and psql when their version must match the server's; UW_DRILL_PG_DUMP_ARGS
# and UW_DRILL_PG_RESTORE_ARGS add options to them (say `-Z 1`, `-j 2`).
#
# Between the backup and the loss the drill makes one more change (a user
# added) and signs a checkpoint, as a day's work would: the server must then
# refuse to start on the restored database until the restore is declared.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

usage="usage: drill-restore.sh sqlite | postgres URL"
read -r -a pg_dump_extra <<<"${UW_DRILL_PG_DUMP_ARGS:-}"
read -r -a pg_restore_extra <<<"${UW_DRILL_PG_RESTORE_ARGS:-}"
engine="${1:?$usage}"
entries="${UW_DRILL_ENTRIES:-1000000}"
[ -n "${UW_DRILL_PG_BIN:-}" ] && export PATH="$UW_DRILL_PG_BIN:$PATH"
if [ -n "${UW_DRILL_BIN:-}" ]; then
    BIN="$UW_DRILL_BIN"
    log "using the prebuilt binaries in $BIN"
else
    log "building uw-sync-server and uw-load (release)"
    cargo build --release --locked -p uw-sync-server --bin uw-sync-server -p uw-system-tests --bin uw-load
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
fi
for tool in uw-sync-server uw-load; do
    [ -x "$BIN/$tool" ] || die "$BIN/$tool is missing"
done
command -v curl >/dev/null || die "curl is missing"

load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
WORK="$(mktemp -d /tmp/uw-drill.XXXXXX)"
server_pid=""
probe_pid=""
admin_url=""
created_databases=()
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
cleanup() {
    [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null && wait "$probe_pid" 2>/dev/null
    stop_server
    for name in "${created_databases[@]}"; do
        psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
megabytes() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "$engine" in
    sqlite)
        database="$WORK/server.sqlite3"
        db_args=(--sqlite "$database")
        ;;
    postgres)
        admin_url="${2:?$usage}"
        name="uw_drill_$(date +%s)_$$"
        psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
        created_databases+=("$name")
        database="${admin_url%/*}/$name"
        db_args=(--database-url "$database")
        ;;
    *) die "$usage" ;;
esac
key_file="$WORK/server.key"
args=("${db_args[@]}" --key-file "$key_file")

# The number of entries in the log and the database's size in bytes.
log_size() {
    case "$engine" in
        sqlite) python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT size FROM log_head WHERE singleton = 1").fetchone()[0])' "$database" ;;
        postgres) psql "$database" -Atc "SELECT size FROM log_head WHERE singleton = 1" ;;
    esac
}
database_bytes() {
    case "$engine" in
        sqlite) cat "$database" "$database-wal" 2>/dev/null | wc -c ;;
        postgres) psql "$database" -Atc "SELECT pg_database_size(current_database())" ;;
    esac
}

# Starts `serve` on a free loopback port; sets server_pid and base_url, and
# listening_ms / ready_ms (from the start) once it prints "listening on" and
# GET /readyz answers 200.
start_server() {
    local port started at
    port="$(free_port)"
    base_url="http://127.0.0.1:$port"
    : >"$WORK/serve.log"
    started=$(now_ms)
    "$BIN/uw-sync-server" serve "${args[@]}" --listen "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
    server_pid=$!
    listening_ms=""
    ready_ms=""
    while at=$(now_ms); [ $((at - started)) -lt 300000 ]; do
        if [ -z "$listening_ms" ] && grep -q "listening on" "$WORK/serve.log"; then
            listening_ms=$((at - started))
        fi
        if [ -n "$listening_ms" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/readyz")" = 200 ]; then
            ready_ms=$(($(now_ms) - started))
            return 0
        fi
        kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/serve.log" >&2; server_pid=""; die "the server exited"; }
        sleep 0.01
    done
    cat "$WORK/serve.log" >&2
    die "the server was not ready within 300 s"
}

log "creating the demo organisation ($engine)"
"$BIN/uw-sync-server" admin "${args[@]}" demo --packs rate-packs >"$WORK/demo.txt" 2>"$WORK/admin.log" \
    || { cat "$WORK/admin.log" >&2; die "admin demo failed"; }

log "appending $entries audit entries"
fill_start=$(now_ms)
"$BIN/uw-load" --server unused fill-audit --database "$database" --entries "$entries"
fill_ms=$(($(now_ms) - fill_start))
log "filled in $(seconds "$fill_ms")"

start_server
log "serving at $base_url (ready $(seconds "$ready_ms") after start)"
entries_now="$(log_size)"
db_bytes="$(database_bytes)"

# The backup, taken while the server serves; a probe asks /readyz five
# times a second throughout, to show the server kept answering.
backup="$WORK/backup.$([ "$engine" = sqlite ] && echo sqlite3 || echo dump)"
( while :; do
      curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}\n' "$base_url/readyz" || true
      sleep 0.2
  done ) >"$WORK/probe.txt" 2>/dev/null &
probe_pid=$!
log "backing up while the server serves"
backup_start=$(now_ms)
case "$engine" in
    sqlite) "$BIN/uw-sync-server" admin "${args[@]}" backup "$backup" >>"$WORK/admin.log" 2>&1 \
        || { cat "$WORK/admin.log" >&2; die "admin backup failed"; } ;;
    postgres) pg_dump -Fc "${pg_dump_extra[@]}" -f "$backup" "$database" ;;
esac
backup_ms=$(($(now_ms) - backup_start))
sleep 0.3
kill "$probe_pid" 2>/dev/null; wait "$probe_pid" 2>/dev/null || true
probe_pid=""
backup_bytes="$(stat -c %s "$backup")"
probe="$(awk '{ n++; if ($1 == 200) ok++; t = $2 * 1000; if (t > max) max = t }
    END { printf "%d of %d /readyz answered 200, slowest %.0f ms", ok, n, max }' "$WORK/probe.txt")"
log "backup: $(seconds "$backup_ms"), $(megabytes "$backup_bytes") ($probe)"

# The day's work after the backup: one more change and a signed checkpoint,
# which the witness beside the key file records and the backup lacks.
UW_DRILL_PASSWORD="drill-after-backup-$$-password" \
    "$BIN/uw-sync-server" admin "${args[@]}" user add drill-after-backup --role underwriter --password-env UW_DRILL_PASSWORD \
    >>"$WORK/admin.log" 2>&1 || { cat "$WORK/admin.log" >&2; die "admin user add failed"; }
"$BIN/uw-sync-server" admin "${args[@]}" checkpoint >>"$WORK/admin.log" 2>&1 \
    || { cat "$WORK/admin.log" >&2; die "admin checkpoint failed"; }
log "stopping the server; the database is lost"
stop_server

# The restore.
restore_start=$(now_ms)
case "$engine" in
    sqlite)
        rm -f "$database" "$database-wal" "$database-shm"
        cp "$backup" "$database"
        sync "$database"
        ;;
    postgres)
        restored_name="${name}_restored"
        psql "$admin_url" -qc "CREATE DATABASE $restored_name" >/dev/null
        created_databases+=("$restored_name")
        database="${admin_url%/*}/$restored_name"
        db_args=(--database-url "$database")
        args=("${db_args[@]}" --key-file "$key_file")
        pg_restore --no-owner "${pg_restore_extra[@]}" -d "$database" "$backup"
        ;;
esac
restore_ms=$(($(now_ms) - restore_start))
log "restored in $(seconds "$restore_ms")"

# The server refuses the older database until the restore is declared.
if timeout 120 "$BIN/uw-sync-server" serve "${args[@]}" --listen 127.0.0.1:0 >"$WORK/refused.out" 2>"$WORK/refused.err"; then
    die "the server started on the restored database before the restore was declared"
fi
grep -q "admin restored" "$WORK/refused.err" || { cat "$WORK/refused.out" "$WORK/refused.err" >&2; die "the server did not refuse as expected"; }
log "the server refuses to start until the restore is declared, as it should"

declare_start=$(now_ms)
"$BIN/uw-sync-server" admin "${args[@]}" restored >"$WORK/restored.txt" 2>>"$WORK/admin.log" \
    || { cat "$WORK/restored.txt" "$WORK/admin.log" >&2; die "admin restored failed"; }
declare_ms=$(($(now_ms) - declare_start))
grep -q "/restored-1" "$WORK/restored.txt" || { cat "$WORK/restored.txt" >&2; die "admin restored named no new origin"; }
log "admin restored ($(seconds "$declare_ms")) said:"
cat "$WORK/restored.txt" >&2

start_server
start_ms=$ready_ms
curl -s "$base_url/healthz" | grep -q '"restored_from":\["' || die "/healthz does not name the instance the database was restored from"
entries_restored="$(log_size)"
stop_server

cat <<EOF

restore drill: $engine, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r)$([ "$engine" = postgres ] && echo "; pg_dump -Fc${pg_dump_extra[*]:+ ${pg_dump_extra[*]}}, pg_restore --no-owner${pg_restore_extra[*]:+ ${pg_restore_extra[*]}}")
  load average at start    : $load_at_start (other work on the machine skews the times)
  audit entries            : $entries_now (filled $entries in $(seconds "$fill_ms"))
  database size            : $(megabytes "$db_bytes")$([ "$engine" = sqlite ] && echo " (file and write-ahead log)")
  backup, while serving    : $(seconds "$backup_ms") ($probe)
  backup size              : $(megabytes "$backup_bytes")
  restore                  : $(seconds "$restore_ms")
  declare (admin restored) : $(seconds "$declare_ms")
  start to ready           : $(seconds "$start_ms") (serve started to GET /readyz 200; "listening on" after $(seconds "$listening_ms"))
  total time to recover    : $(seconds $((restore_ms + declare_ms + start_ms))) (restore + declare + start to ready)
  log after the restore    : $entries_restored entries (the backup's and the restore's own)
EOF
