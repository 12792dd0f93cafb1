#!/usr/bin/env bash
# Runs pollscope-bench and every peer benchmark (Tokio, Asio, Qt; see
# shared/bench/peers) on this machine, ALTERNATING runtimes round by round
# (round 1: ours, ours+trace, tokio, asio, qt at each worker count; round 2:
# the same; ...) so that host noise hits all of them alike, then prints per
# worker count and workload each runtime's rate (median over rounds), our
# ratio to each peer (ours/theirs, higher is better), the trace slowdown, and
# the timers' p50/p99 lateness.
#
# usage: bench/compare.sh [--threads K[,K2,...]] [--rounds R] [--reps N]
#                         [--workloads a,b,...] [--no-trace]
#        --threads defaults to 1, the core count and twice the core count
# env:   PEERS          peers to compare with (default "tokio asio qt")
#        PEERS_DIR      the peers' sources (default ../shared/bench/peers beside the repo)
#        PEERS_BUILD    where run-all builds them (default ~/.cache/pollscope-peers)
#        BENCH_BUILD    our build dir (default <repo>/build-bench; configured
#                       Release with POLLSCOPE_BUILD_APP=ON when missing, so
#                       --trace is available)
#        BENCH_BIN      use this pollscope-bench binary instead of building one
#        PEER_TIMEOUT   seconds one run may take (default 150)
#        KEEP           folder to keep the raw CSV of every run in (default: a temp dir, removed)
# exit:  0 when every run passed its checks, else 1 (the table still prints)
set -u

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
ncores="$(nproc)"
threads="1,$ncores,$((2 * ncores))"
rounds=3
reps="${BENCH_REPS:-5}"
workloads=""
with_trace=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --workloads | --workload) workloads="$2"; shift 2 ;;
    --no-trace) with_trace=0; shift ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

peers="${PEERS:-tokio asio qt}"
peers_dir="${PEERS_DIR:-$repo/../shared/bench/peers}"
build_root="${PEERS_BUILD:-${XDG_CACHE_HOME:-$HOME/.cache}/pollscope-peers}"
build_dir="${BENCH_BUILD:-$repo/build-bench}"
peer_timeout="${PEER_TIMEOUT:-150}"
header="runtime,workload,threads,n,seconds,rate_per_s"

if [ -n "${KEEP:-}" ]; then
  out="$KEEP"
  mkdir -p "$out"
else
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi

failed=0
note() { echo "# $*" >&2; }

# ---- our binary
if [ -n "${BENCH_BIN:-}" ]; then
  ours="$BENCH_BIN"
else
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    note "configuring $build_dir"
    cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPOLLSCOPE_BUILD_APP=ON \
      >"$out/configure.log" 2>&1 || { echo "compare.sh: cmake configure failed (see $out/configure.log)" >&2; exit 1; }
  fi
  note "building pollscope-bench in $build_dir"
  cmake --build "$build_dir" --target pollscope-bench -j2 >"$out/build.log" 2>&1 ||
    { tail -n 20 "$out/build.log" >&2; echo "compare.sh: build failed" >&2; exit 1; }
  ours="$build_dir/bench/pollscope-bench"
fi
[ -x "$ours" ] || { echo "compare.sh: no $ours" >&2; exit 1; }
if [ "$with_trace" = 1 ] && "$ours" --trace --reps 1 --n 1 --workloads chained_spawn 2>&1 | grep -q 'built without pollscope_trace'; then
  note "pollscope-bench was built without pollscope_trace: no trace column"
  with_trace=0
fi

# ---- peer binaries (run-all stages and builds them; one tiny run each)
peer_bin() {
  case "$1" in
    tokio) echo "$build_root/tokio/target/release/peer-tokio" ;;
    asio) echo "$build_root/asio/build/peer-asio" ;;
    qt) echo "$build_root/qt/build/peer-qt" ;;
    *) return 1 ;;
  esac
}
runnable_peers=""
for p in $peers; do
  note "building peer $p (run-all)"
  PEERS="$p" PEERS_BUILD="$build_root" BENCH_REPS=1 "$peers_dir/run-all" --workloads chained_spawn \
    >"$out/build-$p.log" 2>&1
  bin="$(peer_bin "$p")" || { note "unknown peer $p"; failed=1; continue; }
  if [ -x "$bin" ]; then
    runnable_peers="$runnable_peers $p"
  else
    note "peer $p did not build: $(grep -m1 '^# peer' "$out/build-$p.log")"
    failed=1
  fi
done

# ---- alternating rounds
thread_counts="$(echo "$threads" | tr ',' ' ' | xargs -n1 | awk '!seen[$0]++' | xargs)"
args=(--reps "$reps")
[ -n "$workloads" ] && args+=(--workloads "$workloads")
runtimes="pollscope"
[ "$with_trace" = 1 ] && runtimes="$runtimes pollscope+trace"
runtimes="$runtimes$runnable_peers"

: >"$out/all.csv"
: >"$out/trace-events.csv"
for ((r = 1; r <= rounds; r++)); do
  for th in $thread_counts; do
    for rt in $runtimes; do
      case "$rt" in
        pollscope) cmd=("$ours" --threads "$th" "${args[@]}") ;;
        pollscope+trace) cmd=("$ours" --trace --threads "$th" "${args[@]}") ;;
        *) cmd=("$(peer_bin "$rt")" --threads "$th" "${args[@]}") ;;
      esac
      note "round $r/$rounds, $th workers: $rt"
      f="$out/round$r-t$th-$rt.csv"
      timeout --kill-after=5 "$peer_timeout" "${cmd[@]}" >"$f" 2>"$out/round$r-t$th-$rt.err"
      rc=$?
      if [ "$rc" -ne 0 ]; then
        note "$rt failed in round $r at $th workers (exit $rc): $(grep -v '^#' "$out/round$r-t$th-$rt.err" | tail -n 1)"
        failed=1
      fi
      grep -v -x -F "$header" "$f" >>"$out/all.csv"
      # our recorder's events per repetition (stderr comment lines), with the worker count in front
      grep '^# pollscope+trace,.*,events_per_rep,' "$out/round$r-t$th-$rt.err" 2>/dev/null |
        sed "s/^# /$th,/" >>"$out/trace-events.csv"
    done
  done
done

# ---- table
for th in $thread_counts; do
echo
echo "threads=$th rounds=$rounds reps=$reps  ($(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); kernel $(uname -r))"
awk -F, -v th="$th" -v runtimes="$runtimes" -v peers="$runnable_peers" -v evfile="$out/trace-events.csv" '
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    if (n == 0) return ""
    for (i = 2; i <= n; i++) {
      t = a[i] + 0
      for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
      a[j + 1] = t
    }
    return (n % 2) ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function human(x) {
    if (x == "") return "-"
    if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
    if (x >= 1e3) return sprintf("%.1fk", x / 1e3)
    return sprintf("%.0f", x)
  }
  BEGIN {
    while ((getline l < evfile) > 0) { split(l, f, ","); if (f[1] == th) ev[f[3]] = ev[f[3]] " " f[5] }
  }
  $3 != th { next }
  $2 == "timers_late_us" { p50[$1] = p50[$1] " " $5; p99[$1] = p99[$1] " " $6; next }
  NF == 6 {
    if (!($2 in seen)) { seen[$2] = 1; order[++nw] = $2 }
    rate[$1 "," $2] = rate[$1 "," $2] " " $6
    secs[$1 "," $2] = secs[$1 "," $2] " " $5
  }
  END {
    nr = split(runtimes, rt, " "); np = split(peers, pr, " ")
    line = sprintf("%-14s", "workload")
    for (i = 1; i <= nr; i++) line = line sprintf(" %15s", rt[i])
    for (i = 1; i <= np; i++) line = line sprintf(" %10s", "vs " pr[i])
    if (index(runtimes, "+trace")) line = line sprintf(" %10s", "trace/off")
    print "rate per second (median over rounds); vs X = pollscope/X, higher is better"
    print line
    for (w = 1; w <= nw; w++) {
      wl = order[w]
      line = sprintf("%-14s", wl)
      for (i = 1; i <= nr; i++) { m[i] = median(rate[rt[i] "," wl]); line = line sprintf(" %15s", human(m[i])) }
      ours = median(rate["pollscope," wl])
      for (i = 1; i <= np; i++) {
        th = median(rate[pr[i] "," wl])
        line = line sprintf(" %10s", (ours != "" && th > 0) ? sprintf("%.2fx", ours / th) : "-")
      }
      if (index(runtimes, "+trace")) {
        tr = median(rate["pollscope+trace," wl])
        line = line sprintf(" %10s", (tr != "" && ours > 0) ? sprintf("%.2fx", tr / ours) : "-")
      }
      print line
    }
    print ""
    print "timers lateness of wake-ups, microseconds (median over rounds of each run'"'"'s p50 / p99)"
    for (i = 1; i <= nr; i++)
      if (rt[i] in p50)
        printf "%-16s p50 %8.0f   p99 %8.0f\n", rt[i], median(p50[rt[i]]), median(p99[rt[i]])
    if (index(runtimes, "+trace")) {
      print ""
      print "trace cost: extra ns per recorded event = (t_trace - t_off) / events per repetition"
      for (w = 1; w <= nw; w++) {
        wl = order[w]
        e = median(ev[wl]); t1 = median(secs["pollscope+trace," wl]); t0 = median(secs["pollscope," wl])
        if (e > 0 && t1 != "" && t0 != "")
          printf "%-14s events/rep %9d   slowdown %5.2fx   %6.1f ns/event\n", wl, e, t1 / t0, (t1 - t0) * 1e9 / e
      }
    }
  }
' "$out/all.csv"
done
[ -n "${KEEP:-}" ] && echo "raw CSV: $out/all.csv"
exit "$failed"
