#!/usr/bin/env bash
# Proves the pure crates depend on none of the IO frameworks, in the manner of
# rust-analyzer's `! cargo tree -p <crate> -i salsa`.
set -euo pipefail
cd "$(dirname "$0")/.."

PURE_CRATES=(uw-rating uw-ledger uw-policy uw-documents uw-protocol)
FORBIDDEN=(tauri axum sqlx rusqlite reqwest tokio keyring)
status=0
for crate in "${PURE_CRATES[@]}"; do
    deps="$(cargo tree --locked -p "$crate" -e normal,build --prefix none --format '{p}' | awk '{print $1}' | sort -u)"
    for dep in "${FORBIDDEN[@]}"; do
        # `cargo tree -i` lists the paths from the crate to the dependency;
        # empty output (or "did not match") means there is none.
        inverse="$(cargo tree --locked -p "$crate" -e normal,build -i "$dep" 2>/dev/null || true)"
        if [ -n "$inverse" ] || grep -qx "$dep" <<<"$deps"; then
            echo "boundary violated: $crate depends on $dep:" >&2
            echo "$inverse" >&2
            status=1
        fi
    done
    echo "$crate: depends on none of ${FORBIDDEN[*]}"
done
exit $status
