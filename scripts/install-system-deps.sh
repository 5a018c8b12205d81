#!/usr/bin/env bash
# Install the Debian packages the end-to-end tests need (code-server's native modules, ripgrep,
# Chromium), then code-server itself (scripts/install-code-server.sh).
#
# Idempotent: packages already installed are skipped without touching apt, so a second run on a
# prepared machine takes well under a second. Runs unattended (no stdin, CI=true) as root, or
# through sudo when not root.
#
# Environment:
#   S2_SKIP_CODE_SERVER=1  only install the Debian packages, not code-server.
set -euo pipefail
cd "$(dirname "$0")/.."

# build-essential and python3 (node-gyp) are already present on most images; listed so a bare
# Debian gets them too.
PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium
  build-essential python3)

log() { printf '[install-system-deps] %s\n' "$*"; }

start=$(date +%s)
missing=()
for pkg in "${PACKAGES[@]}"; do
  # dpkg -s succeeds for packages that were removed but not purged; check the status line.
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    continue
  fi
  missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all Debian packages present: ${PACKAGES[*]}"
else
  log "missing Debian packages: ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo -n)
    else
      log "ERROR: not root and no sudo; install as root: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  "${SUDO[@]}" apt-get update </dev/null
  log "apt-get install -y ${missing[*]}"
  "${SUDO[@]}" apt-get install -y "${missing[@]}" </dev/null
  log "Debian packages installed in $(( $(date +%s) - start )) s"
fi

for bin in rg chromium; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    log "ERROR: $bin not on PATH after installation" >&2
    exit 1
  fi
done

if [ "${S2_SKIP_CODE_SERVER:-}" = "1" ]; then
  log "S2_SKIP_CODE_SERVER=1: not installing code-server"
else
  bash scripts/install-code-server.sh
fi
log "done in $(( $(date +%s) - start )) s"
