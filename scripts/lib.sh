# Shared by the scripts in this folder: paths and small helpers. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Cargo's target folder; CI keeps it outside the clone so that a warm machine rebuilds fast.
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
SITE="$TARGET/site"
BIN="$TARGET/release/orgspace"
TOOLS_BIN="$ROOT/scripts/node_modules/.bin"
# The Python environment with the anatools SDK, for the API's SDK tests.
ANATOOLS_VENV="${ANATOOLS_VENV:-$HOME/.cache/orgspace/anatools-venv}"
ANATOOLS6_VENV="${ANATOOLS6_VENV:-$HOME/.cache/orgspace/anatools6-venv}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The bundle splitter of scripts/build (scripts/setup installs it).
WASM_SPLIT_VERSION=0.2.4

# wasm-opt as the release bundle gets it (scripts/build; bench/floor/build for the floor).
wasm_opt() {
    "$TOOLS_BIN/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$1" -o "$1"
}

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $* (install sudo or run as root)"
    fi
}

APT_UPDATED=""
apt_install() {
    command -v apt-get >/dev/null || die "apt-get not found: install $* with your package manager"
    if [ -z "$APT_UPDATED" ]; then
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The version of a crate in Cargo.lock.
locked_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
        "$ROOT/Cargo.lock"
}

# The Debian toolchain fallback of scripts/setup leaves its cargo wrapper's folder here.
if [ -f "$HOME/.cache/orgspace/path" ]; then
    PATH="$(cat "$HOME/.cache/orgspace/path"):$PATH"
fi
