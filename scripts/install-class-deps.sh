#!/bin/sh
# Installs what class mode (safetylab class) needs besides Python packages:
#   configurable-http-proxy: JupyterHub's proxy, from npm, the version pinned in
#     scripts/class-proxy/package-lock.json, into <venv>/safetylab-proxy/node_modules
#     (npm ci; done again whenever the lock file changes). safetylab class finds it there.
#   nodejs, npm (Debian's, only when npm is missing): to run and install it.
# Usage: sh scripts/install-class-deps.sh VENV
# The Python side (jupyterhub, jupyterhub-idle-culler, segno) is the "class" extra that
# `make setup` and `make lab` install. Class mode runs on Linux and macOS only.
set -eu
cd "$(dirname "$0")/.."
. scripts/debian-packages.sh
venv="${1:-.venv}"

if ! command -v npm >/dev/null 2>&1; then
    need=""
    command -v node >/dev/null 2>&1 || need="nodejs"
    need="$need npm"
    # shellcheck disable=SC2086
    if ! install_debian_packages $need; then
        echo "safetylab: class mode needs Node.js and npm (https://nodejs.org, or your system's packages);" >&2
        echo "safetylab: install them, then run this again. Everything else works without them." >&2
        exit 0
    fi
fi

dest="$venv/safetylab-proxy"
stamp="$dest/node_modules/.safetylab-package-lock.json"
if [ -x "$dest/node_modules/.bin/configurable-http-proxy" ] && cmp -s scripts/class-proxy/package-lock.json "$stamp"; then
    exit 0
fi
echo "safetylab: installing configurable-http-proxy from npm into $dest"
mkdir -p "$dest"
cp scripts/class-proxy/package.json scripts/class-proxy/package-lock.json "$dest/"
npm ci --prefix "$dest" --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
cp scripts/class-proxy/package-lock.json "$stamp"
