#!/usr/bin/env bash
# Import-speed benchmark: `pamphlet import wordpress` on synthetic WordPress exports made by
# scripts/gen_wxr.py. Prints one table row per size: the export's size, the median wall time
# of RUNS imports (each into a fresh folder), the peak memory of the worst run, and the files
# the import wrote.
#
# usage: scripts/bench_import.sh [SIZES] [RUNS]
#   SIZES  post counts, space-separated (default "1000 20000")
#   RUNS   imports per size (default 3); the median is reported
# env:
#   WORK      scratch folder for exports and imported sites (default /tmp/pamphlet-import-bench)
#   PAMPHLET  the binary to measure (default: cargo build --release, then target/release/pamphlet,
#             or $CARGO_TARGET_DIR/release/pamphlet)
#   SEED      the generator's seed (default 1)
#   UPLOADS   1 to also generate placeholder uploads and import with --uploads, so copying media
#             is measured too (default 0)
#   BUILD     1 to also time `pamphlet build` of each imported site (default 0)
#   LOCK      a lock file: the cargo build and every timed run hold it (`flock`), so runs do not
#             overlap another benchmark on a shared machine; the wait is not timed. Do not also
#             run the whole script under `flock` on the same file.
# Exports are generated once per size and seed and kept in WORK. Timing: scripts/timing.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZES="${1:-1000 20000}"
RUNS="${2:-3}"
WORK="${WORK:-/tmp/pamphlet-import-bench}"
SEED="${SEED:-1}"
UPLOADS="${UPLOADS:-0}"
BUILD="${BUILD:-0}"
LOCK="${LOCK:-}"
mkdir -p "$WORK"

# shellcheck source=scripts/timing.sh
source scripts/timing.sh

if [[ -z "${PAMPHLET:-}" ]]; then
  locked cargo build --release --quiet
  PAMPHLET="${CARGO_TARGET_DIR:-$PWD/target}/release/pamphlet"
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "pamphlet: $("$PAMPHLET" --version)"
echo "runs per size: $RUNS (median wall time; peak resident memory of the worst run); uploads: $([[ "$UPLOADS" == 1 ]] && echo copied || echo not given)"
echo
printf '| %8s | %9s | %11s | %11s | %11s | %13s | %s\n' "posts" "export" "wall time" "peak memory" "files" "files/report" "all runs (s)"
printf '|%s|%s|%s|%s|%s|%s|%s\n' "----------" "-----------" "-------------" "-------------" "-------------" "---------------" "--------------"
builds=()
for size in $SIZES; do
  export_file="$WORK/wp-$size-s$SEED.xml"
  uploads_dir="$WORK/uploads-$size-s$SEED"
  if [[ ! -f "$export_file" || ( "$UPLOADS" == 1 && ! -d "$uploads_dir" ) ]]; then
    gen_args=(--posts "$size" --seed "$SEED" --out "$export_file")
    [[ "$UPLOADS" == 1 ]] && gen_args+=(--uploads-dir "$uploads_dir")
    python3 scripts/gen_wxr.py "${gen_args[@]}" 2> /dev/null
  fi
  import_args=(import wordpress "$export_file" --into "$WORK/site-$size")
  [[ "$UPLOADS" == 1 ]] && import_args+=(--uploads "$uploads_dir")
  times=() peak=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/site-$size"
    if ! timed "$WORK/report-$size.txt" "$PAMPHLET" "${import_args[@]}"; then
      echo "the import of $export_file failed:" >&2
      tail -n 20 "$WORK/stderr.txt" >&2
      exit 1
    fi
    read -r t m <<< "$RESULT"
    times+=("$t")
    (( m > peak )) && peak=$m
  done
  files=$(find "$WORK/site-$size" -type f | wc -l)
  reported=$(grep -oE 'files +[0-9]+ written' "$WORK/report-$size.txt" | grep -oE '[0-9]+' || echo "?")
  bytes=$(stat -L -c %s "$export_file")
  printf '| %8d | %6d MB | %9.2f s | %8d MB | %11d | %13s | %s\n' \
    "$size" $((bytes / 1000000)) "$(printf '%s\n' "${times[@]}" | median)" $((peak / 1024)) "$files" "$reported" "${times[*]}"
  if [[ "$BUILD" == 1 ]]; then
    rm -rf "$WORK/out-$size"
    if timed "$WORK/build-$size.txt" "$PAMPHLET" build --root "$WORK/site-$size" --output "$WORK/out-$size"; then
      read -r t m <<< "$RESULT"
      builds+=("$size posts: built in $t s, peak $((m / 1024)) MB: $(tail -1 "$WORK/build-$size.txt")")
    else
      cp "$WORK/stderr.txt" "$WORK/build-$size.errors.txt"
      builds+=("$size posts: the build FAILED ($(grep -v '^Command exited' "$WORK/stderr.txt" | tail -1)); the first:
  $(grep -m1 '^error' "$WORK/stderr.txt")
  (all of them in $WORK/build-$size.errors.txt)")
    fi
  fi
done
echo
echo "files: every file in the imported site (posts, pages, site.yaml, copied uploads);"
echo "files/report: the importer's own count of files written (uploads not included)."
for line in "${builds[@]+"${builds[@]}"}"; do
  echo "build of the import, $line"
done
