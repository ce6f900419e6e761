# shellcheck shell=bash
# scripts/lib/common.sh — helpers shared by the tekmerkez scripts.
#
# Usage (from a script in scripts/):
#     source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Provides:
#   log MSG...                  message on stderr, prefixed with the script name
#   die MSG...                  log MSG and exit 1
#   apt_install PKG...          install the missing Debian packages (apt-get update
#                               at most once per run, and only if something is missing)
#   wait_for_port HOST PORT S   wait up to S seconds for a TCP listener on HOST:PORT
#   help_on_request "$@"        with --help or -h among the arguments, print the
#                               calling script's header comment and exit 0
#   TEKMERKEZ_HOME              tools and state kept outside the clone, so they
#                               survive between CI runs (default $HOME/.cache/tekmerkez)
#   TEKMERKEZ_TOOLS, TEKMERKEZ_STATE   $TEKMERKEZ_HOME/tools and $TEKMERKEZ_HOME/state
#   TEKMERKEZ_REPO              the root of this clone
#
# It sets no shell options of its own: every script sets `set -euo pipefail`.

if [[ -n "${_TEKMERKEZ_COMMON_SH:-}" ]]; then
    return 0
fi
_TEKMERKEZ_COMMON_SH=1

TEKMERKEZ_SCRIPT_NAME="$(basename -- "$0")"

log() {
    printf '%s: %s\n' "$TEKMERKEZ_SCRIPT_NAME" "$*" >&2
}

help_on_request() {
    local arg
    for arg in "$@"; do
        if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
            # The header: the comment lines after the shebang.
            sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
            exit 0
        fi
    done
}

die() {
    log "error: $*"
    exit 1
}

# --- Fixed places outside the clone -----------------------------------------
TEKMERKEZ_REPO="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
TEKMERKEZ_HOME="${TEKMERKEZ_HOME:-$HOME/.cache/tekmerkez}"
# Other users (the postgres server) are handed paths below it: make it absolute.
case "$TEKMERKEZ_HOME" in
    /*) ;;
    *) TEKMERKEZ_HOME="$PWD/$TEKMERKEZ_HOME" ;;
esac
TEKMERKEZ_TOOLS="$TEKMERKEZ_HOME/tools"
TEKMERKEZ_STATE="$TEKMERKEZ_HOME/state"
export TEKMERKEZ_HOME TEKMERKEZ_TOOLS TEKMERKEZ_STATE TEKMERKEZ_REPO

# CI may run with a trimmed PATH: make sure the system directories (runuser,
# and the tools dpkg calls, live in sbin) and rustup's ~/.cargo/bin are on it.
for _dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    if [[ ":$PATH:" != *":$_dir:"* ]]; then
        PATH="$PATH:$_dir"
    fi
done
_dir="${CARGO_HOME:-$HOME/.cargo}/bin"
if [[ -d "$_dir" && ":$PATH:" != *":$_dir:"* ]]; then
    PATH="$_dir:$PATH"
fi
export PATH
unset _dir

# --- Privileges ----------------------------------------------------------------
# as_root CMD...: run CMD as root (directly when we are root, else through sudo).
as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -- "$@"
    else
        die "need root for: $* (run as root or install sudo)"
    fi
}

# --- Debian packages -----------------------------------------------------------
# pkg_installed PKG: true when dpkg reports PKG fully installed.
pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# apt_install PKG...: install those of PKG... that are not installed yet.
# `apt-get update` runs only when something is missing, and at most once per run
# (the flag is exported, so scripts called from this one skip it too).
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: ${missing[*]}"
    if [[ -z "${TEKMERKEZ_APT_UPDATED:-}" ]]; then
        log "apt-get update (missing: ${missing[*]})"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
            || die "apt-get update failed"
        TEKMERKEZ_APT_UPDATED=1
        export TEKMERKEZ_APT_UPDATED
    fi
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}" >&2 || die "apt-get install failed: ${missing[*]}"
}

# --- Waiting ---------------------------------------------------------------------
# wait_for_port HOST PORT SECONDS: return 0 as soon as a TCP connection to
# HOST:PORT succeeds, 1 when SECONDS have passed without one.
wait_for_port() {
    local host="$1" port="$2" seconds="$3"
    local deadline=$((SECONDS + seconds))
    while :; do
        # The connection is made in a child bash so that its descriptor closes with it.
        # shellcheck disable=SC2016 # $1 and $2 expand in the child
        if timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
            return 0
        fi
        if ((SECONDS >= deadline)); then
            return 1
        fi
        sleep 0.2
    done
}
