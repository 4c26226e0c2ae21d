#!/usr/bin/env bash
# Audits Cargo.lock against the offline snapshot of the RustSec advisory
# database, with the policy in .cargo/audit.toml: fails on every advisory
# (vulnerability, unmaintained, unsound, notice) that the policy does not
# accept, and on an accepted id that is no longer reported.
#
# The snapshot: $UW_ADVISORY_DB, else ../shared/advisory-db beside the clone,
# else /work/shared/advisory-db. With fetching off, cargo-audit reads the
# advisory files straight from the folder (no git checkout needed, nothing
# written there), so the read-only shared folder is used as it is.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT" # cargo-audit reads the policy from ./.cargo/audit.toml

# Accepted advisories whose crate is only in Cargo.lock, never built (see the
# comments in .cargo/audit.toml): the acceptance holds only while that is so.
LOCKFILE_ONLY_CRATES=(rsa)

if [ -n "${UW_ADVISORY_DB:-}" ]; then
    [ -d "$UW_ADVISORY_DB/crates" ] \
        || die "UW_ADVISORY_DB=$UW_ADVISORY_DB is not a RustSec advisory database (no crates/ folder)"
    db="$UW_ADVISORY_DB"
elif [ -d "$ROOT/../shared/advisory-db/crates" ]; then
    db="$ROOT/../shared/advisory-db"
elif [ -d /work/shared/advisory-db/crates ]; then
    db=/work/shared/advisory-db
else
    die "no RustSec advisory database snapshot: set UW_ADVISORY_DB to a copy of rustsec/advisory-db (a folder with crates/<name>/RUSTSEC-*.md), or put one at $ROOT/../shared/advisory-db"
fi
db="$(cd "$db" && pwd)"
snapshot="$(grep -m1 -oE '[0-9a-f]{40}( \([0-9-]+\))?' "$db/SNAPSHOT.md" 2>/dev/null || true)"
log "advisory database: $db${snapshot:+ (commit $snapshot)}"

ensure_cargo_tool cargo-audit "$CARGO_AUDIT_VERSION"

# The verdict: the policy applied, no network (no fetch, no index update).
cargo audit --db "$db" --no-fetch --deny warnings --file Cargo.lock --color never

# The reverse direction: every accepted id must still be reported. An audit
# without the policy (run elsewhere, with an empty CARGO_HOME so no user
# audit.toml applies either) lists everything the lockfile matches.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
audit_bin="$(command -v cargo-audit)"
(cd "$scratch" && CARGO_HOME="$scratch" "$audit_bin" audit --db "$db" --no-fetch --no-yanked \
    --file "$ROOT/Cargo.lock" --json >"$scratch/report.json" 2>"$scratch/stderr") || true
python3 - "$ROOT/.cargo/audit.toml" "$scratch/report.json" <<'EOF' || { cat "$scratch/stderr" >&2; exit 1; }
import json, sys, tomllib
accepted = set(tomllib.load(open(sys.argv[1], "rb"))["advisories"]["ignore"])
report = json.load(open(sys.argv[2]))
found = {v["advisory"]["id"] for v in report["vulnerabilities"]["list"]}
found |= {w["advisory"]["id"] for ws in report["warnings"].values() for w in ws if w.get("advisory")}
stale = sorted(accepted - found)
if stale:
    print("error: .cargo/audit.toml accepts advisories that Cargo.lock no longer matches; "
          "remove them with their comments: " + ", ".join(stale), file=sys.stderr)
    sys.exit(1)
print(f"{len(found)} advisories match Cargo.lock, all accepted in .cargo/audit.toml with a reason")
EOF

for crate in "${LOCKFILE_ONLY_CRATES[@]}"; do
    built="$(cargo tree --locked --workspace -e normal,build,dev -i "$crate" 2>/dev/null || true)"
    if [ -n "$built" ]; then
        printf '%s\n' "$built" >&2
        die "$crate is now built (above), not just listed in Cargo.lock: review its advisory in .cargo/audit.toml"
    fi
done
echo "lockfile-only crates not built: ${LOCKFILE_ONLY_CRATES[*]}"
