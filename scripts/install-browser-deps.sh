#!/bin/sh
# Installs what the real-browser tests (tests/browser/) need, when missing:
#   chromium: Debian's browser. Playwright drives it; it cannot download a browser of its own here.
#   fonts-dejavu-core, fonts-liberation, fonts-noto-color-emoji: the lessons' text, symbols and emoji,
#     so screenshots and colour-contrast checks see what a learner sees.
#   nodejs, npm (Debian's, only when npm is missing): used once, to install axe-core.
#   axe-core: from npm, the version pinned in tests/browser/package-lock.json, into
#     tests/browser/node_modules (npm ci; done again whenever the lock file changes).
# The Python side (playwright, voila) comes with the test extra that `make setup` installs.
# Learners do not need any of this: `make lab` and `safetylab app` run without it.
set -eu
cd "$(dirname "$0")/.."
. scripts/debian-packages.sh

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in fonts-dejavu-core fonts-liberation fonts-noto-color-emoji; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
    done
fi
if ! command -v npm >/dev/null 2>&1; then
    command -v node >/dev/null 2>&1 || need="$need nodejs"
    need="$need npm"
fi

# shellcheck disable=SC2086
if ! install_debian_packages $need; then
    echo "safetylab: the browser tests will fail under CI=true and skip otherwise." >&2
fi

dir=tests/browser
axe="$dir/node_modules/axe-core/axe.min.js"
stamp="$dir/node_modules/.safetylab-package-lock.json"
if [ -f "$axe" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "safetylab: npm is missing, so axe-core (for the accessibility tests) was not installed." >&2
    exit 0
fi
echo "safetylab: installing axe-core from npm into $dir/node_modules"
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
cp "$dir/package-lock.json" "$stamp"
