#!/usr/bin/env bash
# Proves the pure crates depend on none of the IO frameworks, in the manner of
# rust-analyzer's `! cargo tree -p <crate> -i salsa`.
set -euo pipefail
cd "$(dirname "$0")/.."

PURE_CRATES=(uw-rating uw-ledger uw-policy uw-documents uw-protocol)
# ts-rs: the TypeScript declarations are the desktop's concern; the pure
# crates derive them only behind their optional `ts` feature.
FORBIDDEN=(tauri axum sqlx rusqlite reqwest tokio keyring ts-rs)
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
# The desktop's IPC contract is tested without a webview: no Tauri in it.
deps="$(cargo tree --locked -p uw-desktop-api -e normal,build --prefix none --format '{p}' | awk '{print $1}' | sort -u)"
inverse="$(cargo tree --locked -p uw-desktop-api -e normal,build -i tauri 2>/dev/null || true)"
if [ -n "$inverse" ] || grep -qx tauri <<<"$deps"; then
    echo "boundary violated: uw-desktop-api depends on tauri:" >&2
    echo "$inverse" >&2
    status=1
else
    echo "uw-desktop-api: depends on no tauri"
fi
# The workspace build turns the `ts` feature on (the desktop needs the
# declarations), so build the pure crates once without it: they must
# compile with no ts-rs at all.
if cargo check --locked --quiet -p uw-rating -p uw-policy --lib; then
    echo "uw-rating, uw-policy: build without ts-rs"
else
    echo "boundary violated: uw-rating or uw-policy does not build without its ts feature" >&2
    status=1
fi
exit $status
