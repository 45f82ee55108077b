#!/bin/bash
# make test's look at the benchmark harness: run `tests/bench/run --quick`
# and check that every part produced its raw results and that the report
# and plots are made from them.  Timings and costs are not judged: one
# short round under TCG says nothing about them.  Counts that do not
# depend on timing (remaps under a policy, a model's prediction at the
# window it recorded) are.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:-$repo/build}
out=$build/bench-quick
res=$out/results
. "$repo/tests/lib/check.sh"
ok() { echo "ok: $*"; }

"$repo/tests/bench/run" --quick --build "$build" || { echo "FAIL: tests/bench/run --quick"; exit 1; }

# rows FILE AWK-CONDITION: how many data rows of a CSV satisfy it
rows() { awk -F, "NR > 1 && ($2)" "$res/$1" | wc -l; }

for t in none tracefs dax-lat dax-top dax-stat bpftrace perf trace-cmd; do
	for w in randread mmap-randread; do
		n=$(rows cost.csv "\$2 == \"$t\" && \$3 == \"$w\" && \$6 > 0")
		[ "$n" = 1 ] && ok "cost: $t $w measured" || fail_later "cost: $t $w: $n rows with throughput > 0"
	done
done
for t in dax-lat dax-stat dax-top dax-stat-fentry dax-stat-kprobe bpftrace dax-size; do
	f=$res/progs.$t.1.json
	n=$(jq '[.[] | select(.run_cnt > 0 and .run_time_ns > 0)] | length' "$f" 2>/dev/null || echo 0)
	[ "$n" -gt 0 ] && ok "per-event: $t, $n programs ran" || fail_later "per-event: no program of $t ran ($f)"
done
for t in dax-lat dax-top dax-stat dax-size libbpf-funclatency libbpf-runqlat bpftrace bcc-funclatency; do
	n=$(rows startup.csv "\$2 == \"$t\" && \$3 > 0 && \$4 > 0")
	[ "$n" = 1 ] && ok "start-up: $t measured" || fail_later "start-up: $t: $n rows"
done
for t in dax-lat dax-top dax-stat dax-size; do
	n=$(rows startup-steps.csv "\$2 == \"$t\" && \$4 >= 0")
	[ "$n" = 5 ] && ok "start-up: $t's 5 steps" || fail_later "start-up: $t: $n of 5 steps"
done
n=$(rows cliff.csv '$5 > 0 && $6 != ""')
[ "$n" = 4 ] && ok "cliff: 4 runs with throughput and SETUPMAPPING" || fail_later "cliff: $n of 4 runs complete"
n=$(rows cliff.csv '$3 == 8 && $7 > 0')
[ "$n" -ge 1 ] && ok "cliff: faults waited on the window of 1/4 the working set" ||
	fail_later "cliff: no fault waited on a window of 1/4 the working set"

# two rounds, each in a boot of its own when the host has two CPUs
for c in zipf:1.1 seq cliff-seq-read cliff-rand-read; do
	for p in fifo lfu; do
		for rep in 1 2; do
			n=$(rows reclaim.csv "\$1 == $rep && \$2 == \"$c\" && \$3 == \"$p\" && \$9 != \"\"")
			[ "$n" = 1 ] && ok "reclaim: $c under $p counted in round $rep" ||
				fail_later "reclaim: $c under $p: $n rows in round $rep"
		done
	done
done
# The window holds the cliff's working set: each pattern starts from an
# empty window, and lfu sets each range up once in each; fifo throws
# ranges out at its threshold and sets them up again.
ranges=$(( $(awk -F, 'NR > 1 && $2 == "cliff-seq-read" {print $4; exit}' "$res/reclaim.csv") / 2 ))
for p in lfu fifo; do
	eval "$p=$(awk -F, -v p=$p 'NR > 1 && $2 ~ /^cliff-/ && $3 == p {s += $9} END {print s + 0}' "$res/reclaim.csv")"
done
n=$(rows reclaim.csv '$2 ~ /^cliff-/ && $3 == "lfu"')
off=$(rows reclaim.csv "\$2 ~ /^cliff-/ && \$3 == \"lfu\" && \$9 != $ranges")
[ "$n" -gt 0 ] && [ "$off" = 0 ] &&
	ok "reclaim: lfu set up each of the cliff's $ranges ranges once in each of $n patterns" ||
	fail_later "reclaim: lfu set up other than the cliff's $ranges ranges in $off of $n patterns"
[ "$fifo" -gt "$lfu" ] && ok "reclaim: fifo set up $fifo ranges in the cliff, lfu $lfu" ||
	fail_later "reclaim: fifo set up $fifo ranges in the cliff, no more than lfu's $lfu: no reclaim to compare"

# dax-size: each case recorded at 32 MiB and run at 32, 16 and 64 MiB;
# at the recording's own window the model follows the kernel closely
# (within 2% for lfu on the full bench's cases), so a prediction far off
# there means the part read the wrong recording or the model broke
for c in zipf:1.1 rand-read; do
	# two rounds, each in a boot of its own when the host has two CPUs
	for rep in 1 2; do
		n=$(rows size.csv "\$1 == $rep && \$2 == \"$c\" && \$6 != \"\" && \$7 > 0")
		[ "$n" = 3 ] && ok "size: $c predicted and measured at 3 windows in round $rep" ||
			fail_later "size: $c: $n of 3 windows with a prediction and a count in round $rep"
	done
	# the recording's own window: a count, not a timing, so judged
	read -r pred meas <<<"$(awk -F, -v c="$c" 'NR > 1 && $1 == 1 && $2 == c && $4 == $5 { print $6, $7 }' "$res/size.csv")"
	if [ -n "${meas:-}" ] && [ "$meas" -gt 0 ] &&
	   [ $(( (pred > meas ? pred - meas : meas - pred) * 4 )) -le "$meas" ]; then
		ok "size: $c at the recording window, $pred predicted for $meas measured"
	else
		fail_later "size: $c at the recording window, ${pred:-none} predicted for ${meas:-none} measured (beyond 25%)"
	fi
done

# the share part, in its own boot under -icount: every tracer's round
# has the workload's CPU; the BPF tools' programs ran and took time
for t in none tracefs dax-lat dax-top dax-stat bpftrace perf trace-cmd; do
	n=$(rows share.csv "\$2 == \"$t\" && \$3 > 0")
	[ "$n" = 1 ] && ok "share: $t's workload CPU measured" || fail_later "share: $t: $n rows with workload CPU"
done
for t in dax-lat dax-top dax-stat bpftrace; do
	n=$(rows share.csv "\$2 == \"$t\" && \$5 > 0 && \$6 > 0")
	[ "$n" = 1 ] && ok "share: $t's BPF time measured" || fail_later "share: $t: no BPF time"
done
# every part but cost ran under -icount: per-event (BPF run times),
# start-up, share, cliff and reclaim (throughput a busy host moved by up
# to 2x) and size (fifo's worker against the reads); with two host CPUs
# in two boots side by side, each under -icount
icount_boots=1
[ "$(nproc)" -lt 2 ] || icount_boots=2
n=$(cat "$build"/bench-guest-quick-icount*/qemu-args 2>/dev/null | grep -c -- '-icount shift=3,')
[ "$n" = $icount_boots ] && ok "$n -icount boots" ||
	fail_later "$n -icount boots, $icount_boots wanted (build/bench-guest-quick-icount*/qemu-args)"
expect_eq "the parts under -icount" per_event,startup,share,cliff,reclaim,size "$(jq -r .icount_parts "$res/host.json")"
[ "$icount_boots" = 1 ] || expect_eq "the lanes" 2 "$(jq -r '.lanes | length' "$res/host.json")"
n=$(awk '/^## / { sec = $0 }
	/under QEMU `-icount shift=3`/ && sec ~ /^## (What each event costs the kernel|Start-up and memory|The window-size cliff|Reclaim policies|dax-size: predicted)/ && !(sec in seen) { seen[sec] = 1; n++ }
	END { print n + 0 }' "$out/benchmarks.md")
[ "$n" = 5 ] && ok "report: per-event, start-up, cliff, reclaim and size say they ran under -icount" ||
	fail_later "report: $n of the per-event, start-up, cliff, reclaim and size sections say they ran under -icount"

for png in cost cliff reclaim; do
	head -c 8 "$out/$png.png" 2>/dev/null | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' &&
		ok "$png.png is a PNG" || fail_later "$png.png missing or not a PNG"
done
md=$out/benchmarks.md
for h in "What watching the pool costs" "What each event costs the kernel" \
	 "Start-up and memory" "The window-size cliff" "Reclaim policies: lfu against fifo" \
	 "dax-size: predicted against measured" "What this does not show" \
	 "What watching the pool costs, in CPU"; do
	grep -q "^## $h" "$md" && ok "report: $h" || fail_later "report has no section '$h'"
done
# the report's first cell for dax-lat (mmap-randread) is dax-lat's throughput over
# the no-tracer run's, from the CSV
want=$(awk -F, '$3 == "mmap-randread" { kib[$2] = $6 } END { printf "%.2f", kib["dax-lat"] / kib["none"] }' "$res/cost.csv")
cell=$(grep -m1 '^| dax-lat |' "$md" | awk -F'|' '{print $3}' | tr -d ' ' | sed 's/(.*//')
[ "$want" = "$cell" ] && ok "report: dax-lat mmap-randread ratio $cell is the CSV's" ||
	fail_later "report: dax-lat mmap-randread ratio '$cell', the CSV gives $want"
check_failed_later
