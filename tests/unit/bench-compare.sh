# tests/bench/compare: the same results compare clean; a figure made
# worse beyond its spread is a regression (exit 1), made better is an
# improvement (exit 0); a chart is drawn.  The result sets are made here
# in the format tests/bench/bench.sh writes.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
compare=$repo/tests/bench/compare
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/../lib/check.sh"

# results DIR SCALE: five rounds; dax-lat's randread throughput times SCALE
results() {
	mkdir -p "$1"
	python3 - "$1" "$2" <<'PY'
import json, sys
d, scale = sys.argv[1], float(sys.argv[2])
jitter = [1.00, 0.98, 1.02, 0.99, 1.01]
with open(d + "/cost.csv", "w") as f:
    f.write("rep,tracer,workload,file_mib,window_mib,kib_per_s\n")
    for rep, j in enumerate(jitter, 1):
        for t in ("none", "dax-lat", "bpftrace"):
            for w in ("randread", "seqread"):
                kib = 1000 * j * (scale if (t, w) == ("dax-lat", "randread") else 1)
                f.write(f"{rep},{t},{w},64,32,{kib:.0f}\n")
with open(d + "/startup.csv", "w") as f:
    f.write("rep,tool,attach_ms,peak_rss_kib\n")
    for rep, j in enumerate(jitter, 1):
        f.write(f"{rep},dax-lat,{2000 * j:.0f},7000\n")
with open(d + "/cliff.csv", "w") as f:
    f.write("rep,pattern,window_mib,working_set_mib,kib_per_s,setupmappings,fault_waits,fault_wait_p99_us\n")
    for rep, j in enumerate(jitter, 1):
        for win, kib in ((8, 100), (64, 1000)):
            f.write(f"{rep},rand-read,{win},32,{kib * j:.0f},{512 // win},0,0\n")
for rep in range(1, 6):
    json.dump([{"id": 1, "name": "p", "run_cnt": 10, "run_time_ns": 10000}],
              open(f"{d}/progs.dax-lat.{rep}.json", "w"))
PY
}

results "$dir/old" 1
results "$dir/same" 1
results "$dir/worse" 0.8
results "$dir/better" 1.2

"$compare" "$dir/old" "$dir/same" > "$dir/out" || fail "identical results: exit $?: $(cat "$dir/out")"
grep -q "0 moved" "$dir/out" || fail "identical results moved: $(cat "$dir/out")"
echo "ok: identical results compare clean"

"$compare" --png "$dir/cmp.png" "$dir/old" "$dir/worse" > "$dir/out" 2>&1
[ $? = 1 ] || fail "a 20% slower dax-lat was not a regression: $(cat "$dir/out")"
grep -q "cost dax-lat randread 64 MiB .* | regression |" "$dir/out" ||
	fail "the regression is not named: $(cat "$dir/out")"
[ "$(grep -c '| regression |' "$dir/out")" = 1 ] || fail "more than one regression: $(cat "$dir/out")"
head -c 4 "$dir/cmp.png" | grep -q PNG || fail "no PNG chart"
echo "ok: a 20% slower figure is the one regression, exit 1, chart drawn"

"$compare" "$dir/old" "$dir/better" > "$dir/out" || fail "an improvement failed the comparison: $(cat "$dir/out")"
grep -q "| improvement |" "$dir/out" || fail "the improvement is not named: $(cat "$dir/out")"
echo "ok: a 20% faster figure is an improvement, exit 0"

"$compare" "$dir/old" "$dir/nothing" > "$dir/out" 2>&1 && fail "missing results compared fine"
grep -q "cannot read results" "$dir/out" || fail "missing results: $(cat "$dir/out")"
echo "ok: missing results are an error that says so"

# per-event nanoseconds of a plain TCG boot and of an -icount one are
# two clocks: half the time under -icount is not an improvement
results "$dir/icount" 1
sed -i 's/"run_time_ns": 10000/"run_time_ns": 5000/' "$dir"/icount/progs.dax-lat.*.json
echo '{"parts": "per_event", "icount_parts": "per_event"}' > "$dir/icount/host-parts.json"
"$compare" --all "$dir/old" "$dir/icount" > "$dir/out" || fail "plain against -icount: exit $?: $(cat "$dir/out")"
! grep -q "per-event" "$dir/out" || fail "per-event ns compared across clocks: $(cat "$dir/out")"
cp "$dir/icount/host-parts.json" "$dir/same/"
"$compare" --all "$dir/icount" "$dir/same" > "$dir/out" 2>&1
grep -q "per-event dax-lat (ns per program run, -icount) .* | regression |" "$dir/out" ||
	fail "per-event ns of two -icount sets not compared: $(cat "$dir/out")"
echo "ok: per-event figures are compared within one clock only"
