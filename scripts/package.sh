#!/usr/bin/env bash
# Builds the desktop's Debian package for an organisation: its pack-signing
# public keys fixed in the binary and its signed rate packs bundled, so a
# fresh install prices offline from its first launch. A release build never
# trusts the development key, whoever announces it.
#
#   bash scripts/package.sh --packs DIR --pack-keys FILE [--release-key FILE] [--out DIR] [--keep-untrusted]
#
#   --packs DIR        the organisation's rate packs (one directory each,
#                      signed with `uw pack sign`)
#   --pack-keys FILE   its pack-signing public keys, one `KEY_ID HEX` a line
#                      (`uw pack sign` prints the public half it signed with)
#   --release-key FILE the publisher's release public key (64 hex digits),
#                      fixed in the app: it installs only update packages
#                      signed with its private half (`uw release sign`).
#                      Without it the app refuses every update package
#   --out DIR          where to put the .deb (default: target/package)
#   --keep-untrusted   bundle packs no organisation key signed anyway (the
#                      release test does, to see the build refuse them);
#                      without it such a pack stops the build
#   CARGO_TARGET_DIR   where to build (default: ./target; the release build
#                      sits apart from the debug one)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PACKS="" KEYS="" RELEASE_KEY="" OUT="$CARGO_TARGET_DIR/package" KEEP_UNTRUSTED=0
while [ $# -gt 0 ]; do
    case "$1" in
        --packs) PACKS="$(cd "$2" && pwd)"; shift 2 ;;
        --pack-keys) KEYS="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
        --release-key) RELEASE_KEY="$(tr -d ' \n' < "$2")"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --keep-untrusted) KEEP_UNTRUSTED=1; shift ;;
        *) die "unknown argument $1 (see the head of scripts/package.sh)" ;;
    esac
done
[ -n "$PACKS" ] && [ -d "$PACKS" ] || die "--packs DIR: the organisation's signed rate packs are required"
[ -n "$KEYS" ] && [ -f "$KEYS" ] || die "--pack-keys FILE: the organisation's pack-signing public keys are required"
DEV_PUB="$(tr -d ' \n' < "$ROOT/rate-packs/keys/uw-dev-2026.pub")"
if grep -q '^uw-dev-' "$KEYS" || grep -qi "$DEV_PUB" "$KEYS"; then
    die "$KEYS names the development key (its private half is public); a release build trusts only the organisation's own keys"
fi

if [ -n "$RELEASE_KEY" ]; then
    [[ "$RELEASE_KEY" =~ ^[0-9a-fA-F]{64}$ ]] || die "--release-key: expected an Ed25519 public key as 64 hex digits"
    export UW_RELEASE_PUBLIC_KEY="$RELEASE_KEY"
else
    unset UW_RELEASE_PUBLIC_KEY
    log "no --release-key: this build will refuse every update package (laptops are updated by hand)"
fi

ensure_packages "${RUN_PACKAGES[@]}"
ensure_toolchain
ensure_ui_deps
build_ui

# Each pack must verify with one of the organisation's keys, and never with
# the development key alone. (The debug `uw` of the same tree checks them.)
log "checking the packs against the organisation's keys"
cargo build --workspace --all-targets --locked
UW="$CARGO_TARGET_DIR/debug/uw"
TRUST=()
KEYDIR="$(mktemp -d)"
trap 'rm -rf "$KEYDIR"' EXIT
while read -r id hex _; do
    case "$id" in ''|'#'*) continue ;; esac
    printf '%s\n' "$hex" > "$KEYDIR/$id.pub"
    TRUST+=(--trust "$id=$KEYDIR/$id.pub")
done < "$KEYS"
[ "${#TRUST[@]}" -gt 0 ] || die "$KEYS holds no key"
for pack in "$PACKS"/*/; do
    [ -f "$pack/manifest.toml" ] || continue
    if ! "$UW" pack verify "$pack" "${TRUST[@]}" --no-dev-key >/dev/null 2>"$KEYDIR/verify.err"; then
        if [ "$KEEP_UNTRUSTED" = 1 ]; then
            log "keeping $(basename "$pack"), which no organisation key signed: the build will refuse to price with it"
        else
            die "$(basename "$pack") does not verify with the organisation's keys: $(cat "$KEYDIR/verify.err")"
        fi
    fi
done

log "building the release package (this takes several minutes)"
# The Tauri CLI (an npm dev dependency of ui/) finds src-tauri/ under the root.
UW_PACKAGE_PACKS="$PACKS" UW_PACKAGE_PACK_KEYS="$KEYS" "$ROOT/ui/node_modules/.bin/tauri" build --bundles deb
DEB="$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)"
mkdir -p "$OUT"
cp "$DEB" "$OUT/"
log "package: $OUT/$(basename "$DEB")"
printf '%s\n' "$OUT/$(basename "$DEB")"
