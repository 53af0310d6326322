#!/usr/bin/env bash
# Screenshots of the example site with the default theme, at phone, tablet and desktop widths
# (English and Urdu pages: the Urdu home /ur/ and search page /ur/search/ with a query).
#
# usage: scripts/screenshots.sh [OUT_DIR] [SITE_DIR]
#   OUT_DIR   where the PNGs go (default /tmp/shots)
#   SITE_DIR  an already built site (default: build the repository's example site into /tmp/theme-public)
# env: PORT (8000), WIDTHS ("360 768 1280"), HEIGHT (2400), PAMPHLET (./target/release/pamphlet),
#      SCHEME=dark to emulate prefers-color-scheme: dark, DRAFTS=1 to build with --drafts.
# Needs Debian's chromium (apt-get install -y chromium) and python3. Nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${1:-/tmp/shots}"
SITE="${2:-}"
PORT="${PORT:-8000}"
WIDTHS="${WIDTHS:-360 768 1280}"
HEIGHT="${HEIGHT:-2400}"
CHROME="${CHROME:-$(command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)}"
mkdir -p "$OUT"

if [[ -z "$SITE" ]]; then
  SITE=/tmp/theme-public
  PAMPHLET="${PAMPHLET:-./target/release/pamphlet}"
  [[ -x "$PAMPHLET" ]] || cargo build --release
  rm -rf "$SITE"
  "$PAMPHLET" build --root . --output "$SITE" ${DRAFTS:+--drafts}
fi

python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" >/dev/null 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null && break
  sleep 0.2
done

# name  path (percent-encode non-ASCII paths: chromium takes the URL as given)
PAGES=(
  "home /"
  "article /2024/05/verify-your-downloads/"
  "urdu /2025/02/%DA%88%DB%8C%D8%AC%DB%8C%D9%B9%D9%84-%D8%AD%D9%82%D9%88%D9%82/"
  "category /category/drm-exclusive/"
  "page /about/"
  "404 /404.html"
  "urdu-home /ur/"
  "urdu-search /ur/search/?q=%D8%B1%D8%A7%D8%B2%D8%AF%D8%A7%D8%B1%DB%8C"
  "vodcast /2025/05/vodcast-living-with-shutdowns/"
  "urdu-vodcast /2025/05/%D9%88%D9%88%DA%88%DA%A9%D8%A7%D8%B3%D9%B9-%D8%A8%D9%86%D8%AF%D8%B4-%DA%A9%DB%92-%D8%B3%D8%A7%D8%AA%DA%BE-%D8%B2%D9%86%D8%AF%DA%AF%DB%8C/"
  "document /2025/06/know-your-data-rights/"
  "corrected /2026/03/school-app-data-exposure/"
  "corrections /corrections/"
  "withheld /2025/03/provincial-blocking-list/"
  "photos /2026/06/privacy-week-2026/"
)
FLAGS=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars --virtual-time-budget=2000)
[[ "${SCHEME:-}" == dark ]] && FLAGS+=(--force-dark-mode --blink-settings=preferredColorScheme=0)
PROFILE="$(mktemp -d /tmp/shots-profile-XXXXXX)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$PROFILE"' EXIT
for entry in "${PAGES[@]}"; do
  read -r name path <<<"$entry"
  for w in $WIDTHS; do
    file="$OUT/$name-$w${SCHEME:+-$SCHEME}.png"
    "$CHROME" "${FLAGS[@]}" --user-data-dir="$PROFILE" \
      --window-size="$w,$HEIGHT" --screenshot="$file" "http://127.0.0.1:$PORT$path" >/dev/null 2>&1
    echo "$file"
  done
done
