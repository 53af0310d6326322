#!/usr/bin/env bash
# Validates a built site with third-party checkers, installed on first use into a cache folder.
#
# usage: scripts/validate.sh [SITE_DIR]     check SITE_DIR, a folder `pamphlet build` wrote
#        scripts/validate.sh                build the repository's example site (cargo run, debug)
#                                           into a temporary folder and check that
#        scripts/validate.sh --self-test    a site with planted defects must fail every checker;
#                                           the example site must pass them all
#        scripts/validate.sh --install      only install the checkers
#
# Prints one line per checker, `NAME  checked=N errors=E warnings=W  details`, and exits 0 only
# when every checker found 0 errors (1 otherwise, 2 when it could not run):
#   html     Nu HTML Checker (vnu.jar from npm's vnu-jar) --errors-only, every page (or every
#            k-th of the sorted pages when there are more than VNU_MAX)
#   feeds    every RSS/Atom file: feedparser (PyPI) must not flag it, required elements, RFC 822 /
#            RFC 3339 dates, absolute links, links on the site map to a file
#   sitemap  sitemap.xml well-formed in the sitemaps.org namespace, every <loc> absolute on the
#            base URL and mapping to a file
#   links    every href/src/srcset/poster/meta refresh of every page that points into the site
#            maps to a file (a folder is its index.html); a missing #fragment is a warning
#   a11y     axe-core in headless Chromium on home, an article, a right-to-left article, a
#            category and search; serious/critical violations are errors
# Details (every problem, screenshots of the axe pages) go to REPORT_DIR.
#
# env: PAMPHLET_VALIDATORS  the cache folder (default ~/.cache/pamphlet-validators): vnu.jar and a
#                           Python venv with feedparser; chromium, Java and fonts come from Debian
#                           (apt-get, when missing) and playwright-core + axe-core from
#                           tests/browser/ (scripts/install_browser_tests.sh)
#      BASE_URL             the site's address (default: the home page's canonical link)
#      REPORT_DIR           where details go (default: a new folder under /tmp)
#      VNU_MAX (300)        the most pages vnu checks
#      SKIP                 checkers to leave out, e.g. SKIP="a11y html"
#      CHROME_PATH          the Chromium (default /usr/bin/chromium)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/scripts/validate"
CACHE="${PAMPHLET_VALIDATORS:-$HOME/.cache/pamphlet-validators}"
PY="$CACHE/venv/bin/python"
VNU_JAR="$CACHE/npm/node_modules/vnu-jar/build/dist/vnu.jar"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

# --- installing -------------------------------------------------------------------------------

as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

# Each step is skipped when what it installs is there and its pinned versions did not change
# (a stamp holds the checksum of the lock file it was installed from).
install_validators() {
  mkdir -p "$CACHE"
  if ! command -v java >/dev/null; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-jre-headless
  fi
  # Chromium, Noto fonts (Urdu), and tests/browser/node_modules (playwright-core, axe-core).
  if [[ ! -x "$CHROME_PATH" || ! -d "$ROOT/tests/browser/node_modules/axe-core" \
        || ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]]; then
    "$ROOT/scripts/install_browser_tests.sh"
  fi
  local stamp
  stamp="$(sha256sum <"$HERE/package-lock.json" | cut -c1-16)"
  if [[ ! -f "$VNU_JAR" || "$(cat "$CACHE/npm/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    mkdir -p "$CACHE/npm"
    cp "$HERE/package.json" "$HERE/package-lock.json" "$CACHE/npm/"
    # vnu.jar is in the package itself; its install script only looks for a Java to report.
    (cd "$CACHE/npm" && npm ci --ignore-scripts --no-audit --no-fund)
    echo "$stamp" > "$CACHE/npm/.stamp"
  fi
  stamp="$(sha256sum < "$HERE/requirements.txt" | cut -c1-16)"
  if [[ ! -x "$PY" || "$(cat "$CACHE/venv/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    python3 -m venv "$CACHE/venv"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "$stamp" > "$CACHE/venv/.stamp"
  fi
}

# --- checking ---------------------------------------------------------------------------------

skipped() { [[ " ${SKIP:-} " == *" $1 "* ]]; }

SERVER=""
stop_server() { if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; fi; }

# python3 -m http.server on a free port of 127.0.0.1; sets ORIGIN once it answers.
start_server() {
  local site="$1" port
  port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$PY" -m http.server "$port" --bind 127.0.0.1 --directory "$site" >"$REPORT/http-server.log" 2>&1 &
  SERVER=$!
  ORIGIN="http://127.0.0.1:$port"
  "$PY" - "$ORIGIN/" <<'EOF'
import sys, time, urllib.request
deadline = time.monotonic() + 30
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(f"no answer from {sys.argv[1]}")
        time.sleep(0.1)
EOF
}

# Runs one checker, whose last line of output is its summary line; a checker that crashes or
# prints no such line counts as one error, with its output in $REPORT/NAME.log.
run_checker() {
  local name="$1" out
  shift
  out="$("$@" 2>"$REPORT/$name.log")" || true
  if [[ "$(tail -n 1 <<<"$out")" =~ ^$name\ +checked= ]]; then
    tail -n 1 <<<"$out"
  else
    printf '%-8s  checked=0 errors=1 warnings=0  the checker did not finish: see %s\n' "$name" "$REPORT/$name.log"
    printf '%s\n' "$out" >>"$REPORT/$name.log"
  fi
}

# The HTML pages (or a sample) through vnu, then its JSON report summarised.
check_html() {
  local site="$1"
  "$PY" "$HERE/sitecheck.py" sample "$site" "$REPORT" "${VNU_MAX:-300}" >/dev/null
  # vnu writes its JSON report on stderr and exits 1 when it found errors.
  tr '\n' '\0' <"$REPORT/html-pages.txt" \
    | xargs -0 java -Xss8m -jar "$VNU_JAR" --errors-only --format json 2>"$REPORT/vnu.json" || true
  "$PY" "$HERE/sitecheck.py" html "$site" "$REPORT"
}

# axe in Chromium on a few pages, the site served by python3 -m http.server on 127.0.0.1.
check_a11y() {
  local site="$1" base="$2"
  "$PY" "$HERE/sitecheck.py" axe-pages "$site" "$REPORT" >"$REPORT/axe-pages.tsv"
  start_server "$site" || return 1
  node "$HERE/axe.js" "$ORIGIN" "$base" "$REPORT/axe-pages.tsv" "$REPORT" || true
  stop_server
}

# Runs every checker on $1 (a built site), writing details to $REPORT; prints the summary lines
# (also to $REPORT/summary.txt). Returns 0 when no checker found an error.
validate() {
  local site base how name
  site="$(cd "$1" && pwd)"
  echo "validating $site (details in $REPORT)"
  read -r base how < <("$PY" "$HERE/sitecheck.py" base "$site" "$REPORT" | tr '\t' ' ')
  echo "base URL $base (from $how)"
  : >"$REPORT/summary.txt"
  for name in html feeds sitemap links a11y; do
    skipped "$name" && continue
    case "$name" in
      html) run_checker html check_html "$site" ;;
      a11y) run_checker a11y check_a11y "$site" "$base" ;;
      *) run_checker "$name" "$PY" "$HERE/sitecheck.py" "$name" "$site" "$REPORT" ;;
    esac | tee -a "$REPORT/summary.txt"
  done
  ! grep -qv ' errors=0 ' "$REPORT/summary.txt"
}

# The example site at the repository root, built with the debug binary into a new folder.
build_example() {
  local out="$1"
  (cd "$ROOT" && cargo run --quiet -- build --output "$out") >&2
}

# --- self-test --------------------------------------------------------------------------------

# The planted site must fail each checker, for the defect planted for it (a word of the checker's
# details file names it); the example site must pass. Prints one line per expectation.
self_test() {
  local work failed=0 name word status
  work="$(mktemp -d /tmp/pamphlet-validate-selftest-XXXXXX)"
  python3 "$HERE/planted_site.py" "$work/planted"
  mkdir -p "$work/planted-report" "$work/example-report"
  status=0
  REPORT="$work/planted-report" BASE_URL=https://planted.example/ validate "$work/planted" || status=$?
  if [[ "$status" == 0 ]]; then echo "FAIL the planted site passed"; failed=1; fi
  # checker -> a word its details must contain (the planted defect)
  for pair in html:blink feeds:pubDate sitemap:no-such-page links:missing-page a11y:image-alt; do
    name="${pair%%:*}" word="${pair#*:}"
    if grep -q "^$name .* errors=0 " "$work/planted-report/summary.txt" \
        || ! grep -q "^error: .*$word" "$work/planted-report/$name.txt" 2>/dev/null; then
      echo "FAIL $name did not report the planted defect ($word)"; failed=1
    else
      echo "ok   $name reports the planted defect ($word)"
    fi
  done
  build_example "$work/example"
  status=0
  REPORT="$work/example-report" validate "$work/example" || status=$?
  if [[ "$status" != 0 ]]; then echo "FAIL the example site has errors (see above)"; failed=1
  else echo "ok   the example site passes every checker"; fi
  [[ "$failed" == 0 ]] && echo "self-test passed (work folder $work)" || echo "self-test FAILED (work folder $work)"
  return "$failed"
}

# --- main -------------------------------------------------------------------------------------

trap stop_server EXIT
case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
  --install) install_validators; exit 0 ;;
  --self-test) install_validators; self_test; exit $? ;;
esac
install_validators
REPORT="${REPORT_DIR:-$(mktemp -d /tmp/pamphlet-validate-XXXXXX)}"
mkdir -p "$REPORT"
if [[ $# -ge 1 ]]; then
  [[ -d "$1" ]] || { echo "validate.sh: $1 is not a folder (a site built by pamphlet build)" >&2; exit 2; }
  SITE="$1"
else
  SITE="$REPORT/site"
  build_example "$SITE"
fi
validate "$SITE"
