# The tools without the fuse_dax events: --attach=fentry and
# --attach=kprobe probe fuse's functions instead.  During one pressure
# run, dax-stat, dax-lat and dax-top attach both ways (and auto) on this
# kernel and their numbers are held to the same ground truth as the
# tracepoints' (guest/tools-counts): the server's request counts, and
# the kernel's trace buffer.  What a mode cannot see (waits, inline
# reclaim runs, what reclaim freed) is said once, shown as "-", and left
# out of JSON and Prometheus, never a zero.
# On a kernel built without the events (the series less its tracepoint
# patch) the same script checks that auto falls back to fentry, against
# the server's counts alone.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
w=$repo/tests/workloads
tools=$build/tools
modes="auto fentry kprobe"
if [ -d "$tracefs/events/fuse/fuse_dax_setup_end" ]; then
	events=yes auto=tp_btf
else
	events=no auto=fentry
fi
echo "kernel with the fuse_dax events: $events"

# the guest's /tmp is memory, shared with the tests that come after
trap 'rm -rf /tmp/modes-src' EXIT
"$w/prepare.sh" /tmp/modes-src
start_daxfsd /tmp/modes-src /tmp/modes-mnt --dax-dev /dev/pmem0 ||
	fail "mount: $(cat "$daxfs_err")"
if [ $events = yes ]; then
	echo 65536 > "$tracefs/buffer_size_kb"
	echo > "$tracefs/trace"
	for e in fuse_dax_setup_end fuse_dax_remove_end; do
		echo 1 > "$tracefs/events/fuse/$e/enable"
	done
fi

# the mode a tool attaches in, asked for as $1
attached_as() { [ "$1" = auto ] && echo $auto || echo "$1"; }

pids=()
for m in $modes; do
	start_tool "$work/stat-$m.json" "$work/stat-$m.err" "$tools/dax-stat" \
		--attach=$m --json 1 || fail "dax-stat --attach=$m: $tool_line"
	expect_eq "dax-stat --attach=$m attach line" \
		"dax-stat: attached ($(attached_as $m))" "$tool_line"
	pids+=($tool_pid)
	start_tool "$work/lat-$m.json" "$work/lat-$m.err" "$tools/dax-lat" \
		--attach=$m -m --json || fail "dax-lat --attach=$m: $tool_line"
	pids+=($tool_pid)
	start_tool "$work/top-$m.json" "$work/top-$m.err" "$tools/dax-top" \
		--attach=$m --json 1 || fail "dax-top --attach=$m: $tool_line"
	pids+=($tool_pid)
	start_tool /dev/null "$work/prom-$m.err" "$tools/dax-stat" --attach=$m \
		--prometheus="$work/$m.prom" 1 || fail "dax-stat --prometheus --attach=$m: $tool_line"
	pids+=($tool_pid)
	start_tool "$work/table-$m.txt" "$work/table-$m.err" "$tools/dax-stat" \
		--attach=$m 1 || fail "dax-stat table --attach=$m: $tool_line"
	pids+=($tool_pid)
done

"$w/pressure.sh" /tmp/modes-mnt || fail "pressure workload failed"

stop_daxfsd /tmp/modes-mnt
for pid in "${pids[@]}"; do
	stop_tool "$pid" || fail "a tool exited $? (see $work/*.err)"
done
[ "$(stat_of SETUPMAPPING)" -gt 0 ] && [ "$(stat_of removemapping_ranges)" -gt 0 ] ||
	fail "the workload made no setups or no removals: nothing was tested"
if [ $events = yes ]; then
	for e in fuse_dax_setup_end fuse_dax_remove_end; do
		echo 0 > "$tracefs/events/fuse/$e/enable"
	done
	overruns=$(grep -h '^overrun' "$tracefs"/per_cpu/cpu*/stats | awk '{s += $2} END {print s}')
	expect_eq "events lost by the trace buffer" 0 "$overruns"
	cp "$tracefs/trace" "$work/trace"
	setup_events=$(grep -c ' fuse_dax_setup_end: ' "$work/trace")
	remove_events=$(grep -c ' fuse_dax_remove_end: ' "$work/trace")
	# A removal that the connection's end stops before it is a request
	# (ret -ENOTCONN) has events, but nothing for a function probe to see.
	sent_removals=$(grep ' fuse_dax_remove_end: ' "$work/trace" | grep -cv ' ret -107 ')
else
	# no events: the server's counts (tools-counts shows the two agree)
	setup_events=$(stat_of SETUPMAPPING)
	sent_removals=$(( $(stat_of removemapping_ranges) + $(stat_of failed_removemapping_ranges) ))
	remove_events=$sent_removals
fi

for m in $modes; do
	as=$(attached_as $m)
	read -r setups removed fwaits rerrs <<<"$(dax_stat_sums "$work/stat-$m.json")" ||
		fail "dax-stat --attach=$m JSON does not parse"
	missed=$(json_missed "$work/stat-$m.json")
	lat_missed=$(json_missed "$work/lat-$m.json")
	expect_counted "$m: dax-stat setups+upgrades = server SETUPMAPPING" \
		"$(stat_of SETUPMAPPING)" "$setups" "$missed"
	expect_counted "$m: dax-stat removals - errors = server REMOVEMAPPING ranges" \
		"$(stat_of removemapping_ranges)" "$removed" "$missed"
	expect_short_within "$m: dax-stat" "$missed"
	expect_counted "$m: dax-lat setup count = setups" \
		"$setup_events" "$(dax_lat_count "$work/lat-$m.json" setup)" "$lat_missed"
	# the tracepoints count every removal; the function probes, those sent
	want=$sent_removals
	[ "$as" = tp_btf ] && want=$remove_events
	expect_counted "$m: dax-lat remove count = ranges removed ($as)" \
		"$want" "$(dax_lat_count "$work/lat-$m.json" remove)" "$lat_missed"
	expect_short_within "$m: dax-lat" "$lat_missed"
	top=$(jq -s '[.[].mounts[].setups] | add' "$work/top-$m.json")
	stat=$(jq -s '[.[].mounts[].setups] | add' "$work/stat-$m.json")
	# each short by no more than the runs the kernel skipped of its own
	apart=$(( top > stat ? top - stat : stat - top ))
	[ "$apart" -le $(( missed + $(json_missed "$work/top-$m.json") )) ] ||
		fail "$m: dax-top setups $top, dax-stat's $stat: apart by more than their skipped runs"
	echo "ok: $m: dax-top setups = $top, dax-stat setups (no upgrades) = $stat"
	bg=$(jq -s '[.[].mounts[].reclaims.background] | add' "$work/stat-$m.json")
	[ "$bg" -gt 0 ] || fail "$m: dax-stat saw no background reclaim run"
	[ "$as" = tp_btf ] && continue

	# what the function probes cannot see
	expect_eq "$m: fault waits and reclaim errors left out of JSON" "- -" "$fwaits $rerrs"
	expect_eq "$m: dax-lat has no fault-wait histogram" 0 \
		"$(dax_lat_count "$work/lat-$m.json" fault-wait)"
	inl=$(jq -s '[.[].mounts[].reclaims | has("inline")] | any' "$work/stat-$m.json")
	expect_eq "$m: inline reclaim runs left out of JSON" false "$inl"
	jq -e -s '[.[].mounts[] | has("fault_waits")] | any | not' "$work/top-$m.json" > /dev/null ||
		fail "$m: dax-top JSON has fault waits it cannot see"
	jq -e -s '[.[].mounts[] | has("removed_uses") or has("removed_age_ms")] | any | not' \
		"$work/stat-$m.json" > /dev/null || fail "$m: dax-stat JSON has range uses it cannot see"
	for f in stat lat top prom table; do
		expect_eq "$m: $f: said once what it cannot see" 1 \
			"$(grep -c "^dax-[a-z]*: $as cannot see fault and allocation waits, inline reclaim runs, ranges freed by reclaim and failed runs, the uses and age of removed ranges: shown as -$" "$work/$f-$m.err")"
	done
	# RC:INL, FWAIT, FWAIT_MS, AWAIT, AWAIT_MS, RC_USES, RC_AGE_S
	awk '$0 !~ /^MOUNT/ { if ($10 != "-" || $12 != "-" || $13 != "-" || $14 != "-" || $15 != "-" || $16 != "-" || $17 != "-") bad = 1; n++ }
	     END { exit bad || !n }' "$work/table-$m.txt" ||
		fail "$m: the table shows numbers where it cannot see: $(head -3 "$work/table-$m.txt")"
	promtool check metrics < "$work/$m.prom" || fail "$m: promtool rejects the textfile"
	! grep -E '^daxmon_(fault|alloc)_wait|^daxmon_reclaimed_ranges|^daxmon_reclaim_errors|^daxmon_removed_uses|^daxmon_removed_age|mode="inline"' \
		"$work/$m.prom" || fail "$m: Prometheus has series it cannot see"
	grep -q '^daxmon_setups_total{mount="[^"]*"} [1-9]' "$work/$m.prom" ||
		fail "$m: no setups in the Prometheus textfile"
	echo "ok: $m: what it cannot see said, shown as -, left out"
done
