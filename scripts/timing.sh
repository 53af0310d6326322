# Timing helpers shared by scripts/bench.sh and scripts/bench_import.sh; source it after
# setting WORK (a scratch folder) and, optionally, LOCK (a file that every timed run holds
# with `flock`, so runs do not overlap another benchmark on a shared machine).
# Timings use /usr/bin/time (Debian's `time` package) when present, else bash's clock (and no
# memory figure).

TIME_BIN="$(command -v /usr/bin/time || true)"

# locked CMD... → runs CMD holding $LOCK when one is set
locked() {
  if [[ -n "${LOCK:-}" ]]; then
    flock "$LOCK" "$@"
  else
    "$@"
  fi
}

# timed OUT CMD... → sets RESULT to "seconds peak_kb"; the command's stdout goes to OUT and
# its stderr to $WORK/stderr.txt. Returns the command's failure (RESULT is then empty).
timed() {
  local out="$1"; shift
  RESULT=""
  if [[ -n "$TIME_BIN" ]]; then
    locked "$TIME_BIN" -f "%e %M" -o "$WORK/time.txt" "$@" > "$out" 2> "$WORK/stderr.txt" || return 1
    RESULT="$(tail -1 "$WORK/time.txt")"
  else
    local start end
    start=$(date +%s.%N)
    locked "$@" > "$out" 2> "$WORK/stderr.txt" || return 1
    end=$(date +%s.%N)
    RESULT="$(echo "$end - $start" | bc) 0"
  fi
}

# median < numbers, one per line → their median
median() {
  sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
