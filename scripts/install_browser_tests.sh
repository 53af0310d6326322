#!/usr/bin/env bash
# Installs what tests/it/browser.rs needs: Debian's chromium and Noto fonts (when missing) and the npm packages
# pinned in tests/browser/package-lock.json (playwright-core drives the system chromium; it never
# downloads a browser of its own). Run once per machine; CI runs it from .ci/run.
#
# usage: scripts/install_browser_tests.sh
# env: CHROME_PATH (default /usr/bin/chromium), the browser tests/browser/check.js starts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Noto (fonts-noto-core) has the Nastaliq and Naskh fonts the theme asks for on Urdu pages:
# without them Urdu text is drawn as boxes whose widths say nothing about the real layout.
packages=()
[[ -x "${CHROME_PATH:-/usr/bin/chromium}" ]] || packages+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Nastaliq Urdu" || packages+=(fonts-noto-core)
if (( ${#packages[@]} )); then
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
fi
"${CHROME_PATH:-/usr/bin/chromium}" --version

cd tests/browser
npm ci --no-audit --no-fund
