#!/usr/bin/env bash
# Install code-server (a real VS Code served to a browser) for the end-to-end tests into
# .cache/code-server (gitignored), following the verified recipe "A real VS Code for end-to-end
# tests: code-server" (RECIPES.md). code-server's own postinstall cannot run here (it refuses root under
# npm 11 and downloads ripgrep from GitHub), so its steps are done by hand:
#   1. npm install --ignore-scripts code-server@VERSION         (in .cache/code-server)
#   2. in node_modules/code-server/lib/vscode:
#        npm install --omit=dev --ignore-scripts
#        cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
#        npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher
#   3. back in .cache/code-server: npm rebuild argon2
# Needs the Debian packages of scripts/install-system-deps.sh (build tools, libkrb5-dev,
# libx11-dev, libxkbfile-dev, libsecret-1-dev, pkg-config, ripgrep).
#
# Idempotent: a marker file records a finished installation; a second run is a no-op.
# Environment:
#   S2_CODE_SERVER_VERSION  version to install (default 4.100.3, the newest for Node 20)
#   S2_CODE_SERVER_DIR      installation folder (default <repo>/.cache/code-server)
#   S2_FORCE_REINSTALL=1    ignore the marker and redo every step
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT=$(pwd)

VERSION="${S2_CODE_SERVER_VERSION:-4.100.3}"
DIR="${S2_CODE_SERVER_DIR:-$REPO_ROOT/.cache/code-server}"
MARKER="$DIR/.s2-installed"
PKG="$DIR/node_modules/code-server"
VSCODE="$PKG/lib/vscode"

log() { printf '[install-code-server] %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ "${S2_FORCE_REINSTALL:-}" != "1" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$VERSION" ] \
   && [ -x "$DIR/node_modules/.bin/code-server" ]; then
  log "code-server $VERSION already installed in $DIR (marker $MARKER)"
  exit 0
fi

mkdir -p "$DIR"
# Serialize concurrent runs (two test jobs on one machine).
exec 9>"$DIR/.s2-install.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
  if [ "${S2_FORCE_REINSTALL:-}" != "1" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$VERSION" ]; then
    log "code-server $VERSION was installed by a concurrent run"
    exit 0
  fi
fi
rm -f "$MARKER"

for bin in node npm rg; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    log "ERROR: $bin not found; run scripts/install-system-deps.sh first (as root)" >&2
    exit 1
  fi
done
RG=$(command -v rg)
log "installing code-server $VERSION into $DIR (node $(node -v), npm $(npm -v))"
total=$(now)

# Keep npm quiet and unattended; never prompt (npm 11 defaults to yes=false for npx/rebuild).
export npm_config_yes=true npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false npm_config_loglevel="${npm_config_loglevel:-warn}"

# A package.json of its own, so npm does not walk up and add code-server to the repo's.
if [ ! -f "$DIR/package.json" ]; then
  printf '{\n  "name": "s2-code-server-cache",\n  "private": true\n}\n' > "$DIR/package.json"
fi

# Step 1
t=$(now)
log "step 1: npm install --ignore-scripts code-server@$VERSION"
(cd "$DIR" && npm install --ignore-scripts --no-package-lock "code-server@$VERSION")
log "step 1 done in $(since "$t") s"

# Step 2
t=$(now)
log "step 2: npm install --omit=dev --ignore-scripts in lib/vscode"
(cd "$VSCODE" && npm install --omit=dev --ignore-scripts)
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$RG" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
chmod +x "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
log "step 2: copied $RG into lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
log "step 2: npm rebuild kerberos node-pty @parcel/watcher"
(cd "$VSCODE" && npm rebuild kerberos node-pty @parcel/watcher)
# Optional: silences harmless spdlog/watchdog errors in the logs (RECIPES.md "Noise").
for mod in @vscode/spdlog native-watchdog; do
  if (cd "$VSCODE" && npm rebuild "$mod") >/dev/null 2>&1; then
    log "step 2: rebuilt $mod"
  else
    log "step 2: npm rebuild $mod failed (harmless; only log noise)"
  fi
done
log "step 2 done in $(since "$t") s"

# Step 3
t=$(now)
log "step 3: npm rebuild argon2"
(cd "$DIR" && npm rebuild argon2)
log "step 3 done in $(since "$t") s"

# Smoke check: the binary starts.
t=$(now)
# code-server writes a default config and log folder under $HOME even for --version: point
# XDG_CONFIG_HOME/XDG_DATA_HOME into a scratch folder so the user's home stays untouched.
scratch=$(mktemp -d)
got=$(XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
  "$DIR/node_modules/.bin/code-server" --version 2>/dev/null | grep -E "^[0-9]+\.[0-9]+\.[0-9]+ " | head -n1 || true)
rm -rf "$scratch"
case "$got" in
  "$VERSION"*) log "code-server --version: $got (in $(since "$t") s)" ;;
  *) log "ERROR: code-server --version printed '$got', expected $VERSION" >&2; exit 1 ;;
esac

echo "$VERSION" > "$MARKER"
log "code-server $VERSION installed in $(since "$total") s"
