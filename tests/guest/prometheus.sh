# A real Prometheus (Debian's) scrapes dax-stat --listen every second,
# with the rules of docs/prometheus loaded, while the pressure workload
# runs on a DAX mount.  Its HTTP API must then agree with daxfsd's own
# request counts, give a positive rate() and a finite, positive
# histogram_quantile() of the fault waits, have every rule healthy, and
# return data for every expression of the Grafana dashboard
# (docs/grafana).  Prometheus and dax-stat listen on loopback ports picked
# here; Prometheus keeps its data in a temporary directory.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
w=$repo/tests/workloads
rules=$repo/docs/prometheus/daxmon.rules.yml
dashboard=$repo/docs/grafana/daxmon.json
mnt=/tmp/mnt
prom_pid=
stat_pid=
prom_dir=$(mktemp -d /tmp/prometheus.XXXXXX)

# On a failure too: nothing of this test may outlive it.
cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2> /dev/null && wait "$prom_pid"
	[ -n "$stat_pid" ] && kill -INT "$stat_pid" 2> /dev/null && wait "$stat_pid"
	mountpoint -q "$mnt" && umount -l "$mnt"
	rm -rf "$prom_dir"
}
trap cleanup EXIT

# query EXPR: an instant query at this moment.  Sets n (the number of
# series in the result) and value (the first one's value, "" if none).
query() {
	local out
	n='' value=''
	out=$(curl -sG "$api/query" --data-urlencode "query=$1") ||
		fail "Prometheus API: no answer to $1"
	read -r n value <<<"$(jq -r 'select(.status == "success")
		| "\(.data.result | length) \(.data.result[0].value[1] // "")"' <<<"$out")"
	[ -n "$n" ] || fail "Prometheus API: $1: $out"
}

# in_range V LOW HIGH: V is a finite number with LOW < V <= HIGH.
in_range() {
	python3 -c 'import math, sys
v, lo, hi = map(float, sys.argv[1:])
sys.exit(not (math.isfinite(v) and lo < v <= hi))' "$1" "$2" "$3" 2> /dev/null
}

# Two free loopback ports: bound together so they differ, then let go
# for dax-stat and Prometheus (nothing else runs in the guest to take
# them in between).
read -r stat_port prom_port <<<"$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')"
[ -n "$prom_port" ] || fail "no free loopback ports"
api=http://127.0.0.1:$prom_port/api/v1

"$w/prepare.sh" /tmp/src
start_daxfsd /tmp/src "$mnt" --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
start_tool /dev/null "$work/dax-stat.err" "$build/tools/dax-stat" --listen "127.0.0.1:$stat_port" ||
	fail "dax-stat --listen: $tool_line"
stat_pid=$tool_pid

# Every 5 s, timeout as long (it may not exceed the interval).  At 1 s
# on the debug kernel, Prometheus' scrapes and rule evaluations took the
# guest's CPU: the counts took 45 minutes to agree, and rate() over the
# run was 0, as if no scrape during the workload came back within 1 s.
cat > "$work/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
  scrape_timeout: 5s
  evaluation_interval: 5s
rule_files:
  - $rules
scrape_configs:
  - job_name: daxmon
    static_configs:
      - targets: ['127.0.0.1:$stat_port']
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$prom_dir" \
	--web.listen-address="127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
prom_pid=$!

ready() {
	kill -0 "$prom_pid" 2> /dev/null || fail "prometheus exited: $(tail -5 "$work/prometheus.log")"
	seen=$(curl -s -w ' (HTTP %{http_code})' "http://127.0.0.1:$prom_port/-/ready")
	[[ $seen == *"(HTTP 200)" ]]
}
poll 120 "Prometheus ready on 127.0.0.1:$prom_port" ready
target_up() {
	query "up{job=\"daxmon\",instance=\"127.0.0.1:$stat_port\"}"
	seen="up = '$value'"
	[ "$value" = 1 ]
}
poll 30 "dax-stat scraped" target_up
echo "ok: Prometheus on 127.0.0.1:$prom_port scrapes dax-stat on 127.0.0.1:$stat_port"

start=$(date +%s)
"$w/pressure.sh" "$mnt" || fail "pressure workload failed"
end=$(date +%s)
echo "ok: pressure workload ran $((end - start)) s"

# A range that reaches back to before the run from now, with room for the
# queries that follow: where it starts before the first sample, rate()
# extrapolates by half a scrape interval only.
window() { secs=$(( $(date +%s) - start + 120 )); span=${secs}s; }

# The server's counts now (SIGUSR1: daxfsd renames a complete stats
# file into place), and what Prometheus scraped last.  Setups are over
# with the workload; the background worker may still remove ranges for a
# moment, so both sides are read again until they agree.
counts_agree() {
	refresh_stats
	server_setups=$(stat_of SETUPMAPPING)
	server_removed=$(stat_of removemapping_ranges)
	query "sum(daxmon_setups_total{mount=\"$mnt\"}) + sum(daxmon_upgrades_total{mount=\"$mnt\"})"
	prom_setups=$value
	query "sum(daxmon_removals_total{mount=\"$mnt\"}) - sum(daxmon_remove_errors_total{mount=\"$mnt\"})"
	prom_removed=$value
	# a run the kernel skipped (a preemptible kernel; dax-stat counts
	# them) loses its update: short by at most that many (a removal
	# outside eviction is one range a request)
	query "sum(daxmon_dropped_updates_total{cause=\"missed\"})"
	missed=${value%.*}
	seen="server: SETUPMAPPING $server_setups, REMOVEMAPPING ranges $server_removed;"
	seen+=" Prometheus: setups+upgrades '$prom_setups', removals-errors '$prom_removed',"
	seen+=" runs skipped '$missed'"
	[[ $prom_setups =~ ^[0-9]+$ && $prom_removed =~ ^[0-9]+$ && $missed =~ ^[0-9]+$ ]] &&
		[ "$prom_setups" -le "$server_setups" ] && [ "$prom_removed" -le "$server_removed" ] &&
		[ $(( server_setups - prom_setups + server_removed - prom_removed )) -le "$missed" ]
}
poll 30 "scraped counters = daxfsd's counts" counts_agree
[ "$server_setups" -gt 0 ] || fail "the workload set up no mapping"
echo "ok: scraped setups+upgrades $prom_setups, server SETUPMAPPING $server_setups"
echo "ok: scraped removals-errors $prom_removed, server REMOVEMAPPING ranges $server_removed ($missed runs skipped)"

# rate(): positive, and no more than the count over the window (half as
# much again for what extrapolation to the window's edges may add): a
# sanity bound, against a wrong unit or a counter counted twice.
window
query "rate(daxmon_setups_total{mount=\"$mnt\"}[$span])"
in_range "$value" 0 "$((server_setups * 3 / 2 / secs + 1))" ||
	fail "rate(daxmon_setups_total[$span]): expected > 0 and at most about $server_setups/$span, saw '$value'"
echo "ok: rate(daxmon_setups_total[$span]) = $value /s"
query "max_over_time(mount:daxmon_setups:rate1m{mount=\"$mnt\"}[$span])"
in_range "$value" 0 1e9 || fail "recording rule mount:daxmon_setups:rate1m: expected > 0 during the run, saw '$value'"
echo "ok: recording rule mount:daxmon_setups:rate1m peaked at $value /s"

query "daxmon_fault_waits_total{mount=\"$mnt\"}"
in_range "$value" 0 1e18 || fail "the workload made no page fault wait (daxmon_fault_waits_total '$value'): nothing to measure"
# Every wait lasted less than the run; interpolated inside a bucket a
# factor of two wide, its p99 is at most twice that.
maxwait=$((2 * (end - start + 1)))
p99="histogram_quantile(0.99, sum by (le) (rate(daxmon_fault_wait_seconds_bucket{mount=\"$mnt\"}[$span])))"
query "$p99"
in_range "$value" 0 "$maxwait" ||
	fail "$p99: expected a finite number in (0, $maxwait], saw '$value'"
echo "ok: fault-wait p99 over the run = $value s"
# The rule's value at its highest during the run: now, more than five
# minutes after the last wait ended (the debug kernel gets here slowly),
# its rate is 0 in every bucket and the quantile NaN, as it should be.
window
query "max_over_time(mount:daxmon_fault_wait_seconds:p99_5m{mount=\"$mnt\"}[$span])"
in_range "$value" 0 "$maxwait" ||
	fail "recording rule mount:daxmon_fault_wait_seconds:p99_5m: expected a finite number in (0, $maxwait] during the run, saw '$value'"
echo "ok: recording rule mount:daxmon_fault_wait_seconds:p99_5m peaked at $value s"

# Every rule of the file loaded and evaluated without an error.
want=$(grep -cE '^ *- (record|alert):' "$rules")
rules_state=$(curl -s "$api/rules" | jq -r '[.data.groups[].rules[]]
	| "\(length) \(map(select(.health != "ok")) | map("\(.name): \(.health) \(.lastError // "")") | join("; "))"')
expect_eq "rules loaded by Prometheus" "$want" "${rules_state%% *}"
[ "${rules_state#* }" = "" ] || fail "rules not healthy: ${rules_state#* }"
echo "ok: all $want rules healthy"

# Every dashboard expression, with the template variables set to this
# guest's target and mount, returns data.
window
"$repo/tests/lib/dashboard-exprs" "$dashboard" instance="127.0.0.1:$stat_port" mount="$mnt" \
	__rate_interval="$span" __range="$span" > "$work/dashboard-exprs" ||
	fail "cannot list the dashboard's expressions"
checked=0
: > "$work/dashboard-results"
while IFS=$'\t' read -r where expr; do
	query "$expr"
	printf '%s\t%s\t%s\n' "$n" "$value" "$where" >> "$work/dashboard-results"
	[ "$n" -gt 0 ] || fail "dashboard $where returns no data: $expr (target: $(curl -s "$api/targets" |
		jq -c '[.data.activeTargets[] | {health, lastError, lastScrape, lastScrapeDuration}]'))"
	checked=$((checked + 1))
done < "$work/dashboard-exprs"
[ "$checked" -gt 10 ] || fail "expected more than 10 dashboard expressions, saw $checked"
echo "ok: all $checked dashboard expressions return data"

targets=$(curl -s "$api/targets" | jq -r '.data.activeTargets[]
	| .health + (if .lastError != "" then ": " + .lastError else "" end)')
expect_eq "dax-stat target health (and last scrape error)" up "$targets"

kill "$prom_pid"
wait "$prom_pid" || fail "prometheus exited $? on SIGTERM: $(tail -5 "$work/prometheus.log")"
prom_pid=
stop_tool "$stat_pid" || fail "dax-stat exited $? (see $work/dax-stat.err)"
stat_pid=
stop_daxfsd "$mnt"
echo "ok: Prometheus, dax-stat and daxfsd stopped cleanly"
