# The tools' numbers against ground truth they did not produce: the
# server's request counts and the kernel's own trace buffer.  dax-stat
# (tp_btf and raw_tp), dax-lat, Prometheus text to a file and over HTTP,
# all during one pressure run.  Tools whose tables are made too small
# must count what they could not keep: kept + dropped = events.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
w=$repo/tests/workloads
tools=$build/tools

"$w/prepare.sh" /tmp/src
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 ||
	fail "mount: $(cat "$daxfs_err")"
echo 65536 > "$tracefs/buffer_size_kb"
for e in $(doc_events | cut -d' ' -f1); do echo 1 > "$tracefs/events/fuse/$e/enable"; done

start_tool "$work/stat.json" "$work/stat.err" "$tools/dax-stat" --json 1 || fail "dax-stat: $tool_line"
stat_pid=$tool_pid
start_tool "$work/stat-raw.json" "$work/stat-raw.err" "$tools/dax-stat" --raw-tp --json 1 ||
	fail "dax-stat --raw-tp: $tool_line"
raw_pid=$tool_pid
expect_eq "dax-stat --raw-tp attach line" "dax-stat: attached (raw_tp)" "$tool_line"
start_tool "$work/lat.json" "$work/lat.err" "$tools/dax-lat" -m --json || fail "dax-lat: $tool_line"
lat_pid=$tool_pid
start_tool "$work/lat-small.json" "$work/lat-small.err" "$tools/dax-lat" -P --max-entries 4 --json 1 ||
	fail "dax-lat --max-entries: $tool_line"
small_pid=$tool_pid
start_tool "$work/top-small.json" "$work/top-small.err" "$tools/dax-top" --max-entries 2 --json 1 ||
	fail "dax-top --max-entries: $tool_line"
top_pid=$tool_pid
start_tool /dev/null "$work/prom.err" "$tools/dax-stat" --prometheus="$work/daxmon.prom" 1 ||
	fail "dax-stat --prometheus: $tool_line"
prom_pid=$tool_pid
start_tool /dev/null "$work/http.err" "$tools/dax-stat" --listen 9465 || fail "dax-stat --listen: $tool_line"
http_pid=$tool_pid

expect_eq "capabilities of dax-stat once attached" 0000000000000000 \
	"$(awk '/^CapEff/ { print $2 }' /proc/$http_pid/status)"
grep -q 'serving http://127.0.0.1:9465/metrics' "$work/http.err" ||
	fail "dax-stat --listen does not bind to loopback: $(cat "$work/http.err")"

"$w/pressure.sh" /tmp/mnt || fail "pressure workload failed"

curl -sf http://127.0.0.1:9465/metrics > "$work/scrape.prom" || fail "scrape of /metrics failed"
promtool check metrics < "$work/scrape.prom" || fail "promtool rejects the scraped metrics"
grep -q '^daxmon_setup_seconds_bucket{mount="/tmp/mnt",le="+Inf"} [1-9]' "$work/scrape.prom" ||
	fail "no setup histogram for /tmp/mnt in the scrape"
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9465/nope)
expect_eq "HTTP status of another path" 404 "$code"
echo "ok: /metrics scraped over HTTP, promtool accepts it"

stop_daxfsd /tmp/mnt
for pid in $stat_pid $raw_pid $lat_pid $small_pid $top_pid $prom_pid $http_pid; do
	stop_tool "$pid" || fail "a tool exited $? (see $work/*.err)"
done
for e in $(doc_events | cut -d' ' -f1); do echo 0 > "$tracefs/events/fuse/$e/enable"; done
overruns=$(grep -h '^overrun' "$tracefs"/per_cpu/cpu*/stats | awk '{s += $2} END {print s}')
expect_eq "events lost by the trace buffer" 0 "$overruns"

promtool check metrics < "$work/daxmon.prom" || fail "promtool rejects the textfile"
echo "ok: the textfile passes promtool"

trace_count() { grep -c " $1: " "$tracefs/trace"; }
# dax-stat tp_btf, then --raw-tp, against the server and the trace buffer
for json in stat.json stat-raw.json; do
	read -r setups removed fwaits rerrs <<<"$(dax_stat_sums "$work/$json")" ||
		fail "dax-stat JSON ($json) does not parse"
	missed=$(json_missed "$work/$json")
	expect_only_missed "dax-stat ($json)" "$work/$json"
	expect_counted "dax-stat ($json) setups+upgrades = server SETUPMAPPING" \
		"$(stat_of SETUPMAPPING)" "$setups" "$missed"
	expect_counted "dax-stat ($json) removals - errors = server REMOVEMAPPING ranges" \
		"$(stat_of removemapping_ranges)" "$removed" "$missed"
	expect_counted "dax-stat ($json) fault waits = trace buffer" \
		"$(trace_count fuse_dax_fault_wait_begin)" "$fwaits" "$missed"
	expect_counted "dax-stat ($json) failed reclaims = trace buffer" \
		"$(grep -c ' fuse_dax_reclaim_end: .* ret -' "$tracefs/trace")" "$rerrs" "$missed"
	expect_short_within "dax-stat ($json)" "$missed"
done
missed=$(json_missed "$work/stat.json")

# Why the ranges went: their uses and ages, against the uses and age_ms
# of the removal events (the ages are taken a moment apart, and
# dax-stat's JSON has whole milliseconds per interval)
read -r uses age_ms intervals <<<"$(jq -rs '[([.[].mounts[].removed_uses[]] | add),
	([.[].mounts[].removed_age_ms[]] | add), length] | @tsv' "$work/stat.json")"
trace_uses=$(sed -n 's/.* fuse_dax_remove_end: .* uses \([0-9]*\) .*/\1/p' "$tracefs/trace" |
	awk '{s += $1} END {print s + 0}')
trace_age=$(sed -n 's/.* fuse_dax_remove_end: .* age_ms \([0-9]*\) .*/\1/p' "$tracefs/trace" |
	awk '{s += $1} END {print s + 0}')
if [ "$missed" = 0 ]; then
	expect_eq "dax-stat uses of the ranges removed = sum of remove_end events' uses" \
		"$trace_uses" "$uses"
	awk -v a="$age_ms" -v t="$trace_age" -v n="$(trace_count fuse_dax_remove_end)" -v i="$intervals" \
		'BEGIN { d = a - t; if (d < 0) d = -d; exit !(t > 0 && d <= n + 3 * i + t / 100) }' ||
		fail "dax-stat's ages of removed ranges ($age_ms ms) differ from the events' ($trace_age ms)"
	echo "ok: dax-stat's uses and ages of removed ranges agree with the events"
else
	# a removal dax-stat did not see leaves out its uses and age
	[ "$uses" -gt 0 ] && [ "$uses" -le "$trace_uses" ] ||
		fail "dax-stat's uses of removed ranges ($uses): none, or more than the events' ($trace_uses)"
	awk -v a="$age_ms" -v t="$trace_age" -v n="$(trace_count fuse_dax_remove_end)" -v i="$intervals" \
		'BEGIN { exit !(a > 0 && a <= t + n + 3 * i + t / 100) }' ||
		fail "dax-stat's ages of removed ranges ($age_ms ms): none, or more than the events' ($trace_age ms)"
	echo "ok: dax-stat's uses and ages of removed ranges within the events' ($uses of $trace_uses uses), $missed runs skipped"
fi

lat_missed=$(json_missed "$work/lat.json")
expect_only_missed dax-lat "$work/lat.json"
expect_counted "dax-lat setup count = setup events" "$(trace_count fuse_dax_setup_end)" \
	"$(dax_lat_count "$work/lat.json" setup)" "$lat_missed"
expect_counted "dax-lat remove count = remove events" "$(trace_count fuse_dax_remove_end)" \
	"$(dax_lat_count "$work/lat.json" remove)" "$lat_missed"
expect_counted "dax-lat fault-wait count = fault wait events" "$(trace_count fuse_dax_fault_wait_end)" \
	"$(dax_lat_count "$work/lat.json" fault-wait)" "$lat_missed"
expect_short_within "dax-lat" "$lat_missed"

# 4 histograms for ~25 processes: most samples find the table full
read -r kept dropped missed < <(python3 - "$work/lat-small.json" <<'PY'
import json, sys
kept = dropped = missed = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    kept += sum(h["count"] for h in o["histograms"])
    dropped += o["dropped"]
    missed += o["missed"]
print(kept, dropped, missed)
PY
) || fail "dax-lat --max-entries JSON does not parse"
ends=0
for e in setup remove reclaim fault_wait alloc_wait; do
	ends=$((ends + $(trace_count "fuse_dax_${e}_end")))
done
[ $((dropped - missed)) -gt 0 ] || fail "dax-lat with 4 table entries dropped nothing ($kept kept)"
# the table's drops, and the runs the kernel skipped (a begin's and its
# end's may both be skipped: at most one sample each)
expect_counted "dax-lat --max-entries 4: kept + table drops = end events" "$ends" \
	"$((kept + dropped - missed))" "$missed"
grep -q '^dax-lat: [0-9]* updates not counted (.*): a table is full: raise --max-entries$' \
	"$work/lat-small.err" || fail "dax-lat did not say it dropped samples: $(cat "$work/lat-small.err")"
echo "ok: $dropped samples dropped and said so"
evicted=$(grep -o '"rows_evicted":[0-9]*' "$work/top-small.json" | awk -F: '{ s += $2 } END { print s + 0 }')
[ "$evicted" -gt 0 ] || fail "dax-top with 2 table entries never said it lost a row"
echo "ok: dax-top says it lost $evicted rows to its full table"
