# Sourced by guest tests: helpers that make a failure say what was
# expected and what was seen.
set -u
repo=${DAXMON_REPO:?run by tests/vm/guest-init}
build=${DAXMON_BUILD:-$repo/build}
tracefs=/sys/kernel/tracing

. "$repo/tests/lib/check.sh"

# "EVENT FIELD..." lines for every event docs/tracepoints.md names.
doc_events() { "$repo/tests/lib/doc-events" "$repo/docs/tracepoints.md"; }

# trace_wait FD TASK EVENT: read the trace pipe open on FD until a task
# matching TASK ("-PID", or "fio-[0-9]+") hits EVENT, five minutes at
# most: a guard against a hang, not a clock (fio's first mapping once
# took over a minute on the debug kernel sharing the host with another
# boot).  The line is left in trace_line.  grep reads ahead, so await
# only events caused after the previous one was read.
trace_wait() {
	trace_line=$(timeout 300 grep -m1 -E -- "$2 +\[[0-9]+\].* $3:" <&"$1")
}

# start_tool OUT ERR COMMAND...: run a daxmon tool in the background and
# return once it says on stderr that it is attached (or exited: then
# tool_line is its last line, the error).  Its stderr keeps flowing to
# ERR.  Sets tool_pid and tool_line.
start_tool() { start_watched ': attached \(' "$@"; }

# start_ready REGEX LOG COMMAND...: the same for any program: stdout and
# stderr both go to LOG, and the line matching REGEX may be on either.
start_ready() {
	local regex=$1 log=$2
	shift 2
	: > "$log"
	start_watched "$regex" "$log" "$log" "$@"
}

# start_watched REGEX OUT ERR COMMAND...: COMMAND's stdout to OUT, its
# stderr (or both, if OUT is ERR) read a line at a time until one matches
# REGEX, then passed on to ERR.
start_watched() {
	local regex=$1 out=$2 err=$3 pipe ready fd last=exited
	shift 3
	pipe=$(mktemp -u /tmp/tool-err.XXXXXX)
	ready=$(mktemp -u /tmp/tool-ready.XXXXXX)
	mkfifo "$pipe" "$ready"
	if [ "$out" = "$err" ]; then
		"$@" > "$pipe" 2>&1 &
	else
		"$@" > "$out" 2> "$pipe" &
	fi
	tool_pid=$!
	{
		while IFS= read -r line; do
			echo "$line"
			[[ $line =~ $regex ]] && break
			last=$line
		done
		echo "${line:-$last}" > "$ready"
		cat
	} < "$pipe" >> "$err" &
	# opened read-write so that the open does not wait for the writer
	exec {fd}<> "$ready"
	IFS= read -r -t 300 tool_line <&"$fd" || tool_line="nothing ready within 300 s"
	exec {fd}<&-
	rm -f "$pipe" "$ready"
	[[ $tool_line =~ $regex ]] && return 0
	echo "start_tool: $1: $tool_line"
	return 1
}

# stop_tool PID [SIGNAL [AGAIN]]: ^C (or SIGNAL), as a user would, and
# wait for its last output; its exit status is stop_tool's.  With AGAIN,
# the signal goes again every AGAIN seconds, as a user presses ^C again
# at a tool known to miss one.  One still there 120 s after the signal is
# killed and said so, so a stuck tool fails its test at once rather than
# at the script's time limit.
stop_tool() {
	local sig=${2:-INT} again=${3:-120} watchdog rc=0
	kill -"$sig" "$1"
	(
		left=120
		while [ $left -gt 0 ]; do
			sleep "$again" || exit 0	# stopped: the tool is gone
			left=$((left - again))
			[ $left -le 0 ] || kill -"$sig" "$1" || exit 0
		done
		kill -KILL "$1" &&
			echo "stop_tool: $1 still there 120 s after SIG$sig: killed"
	) 2> /dev/null &
	watchdog=$!
	wait "$1" || rc=$?
	pkill -P "$watchdog" sleep	# not left to outlive the test
	wait "$watchdog"
	return $rc
}

# dax_stat_sums FILE: "SETUPS REMOVED FAULT_WAITS RECLAIM_ERRORS" over all
# intervals and mounts of dax-stat --json: setups with upgrades (the
# server's SETUPMAPPING), ranges removed without error (its
# removemapping_ranges), reclaim runs that failed, inline or background;
# "-" for what the attach mode cannot see (fentry, kprobe).
dax_stat_sums() {
	python3 - "$1" <<'PY'
import json, sys
s = [0, 0, 0, 0]
for line in open(sys.argv[1]):
    for m in json.loads(line)["mounts"]:
        s[0] += m["setups"] + m["upgrades"]
        s[1] += sum(m["removals"].values()) - m["remove_errors"]
        # left out where the attach mode cannot see them: "-"
        s[2] = s[2] + m["fault_waits"] if "fault_waits" in m else "-"
        s[3] = (s[3] + sum(m["reclaim_errors"].values())
                if "reclaim_errors" in m else "-")
print(*s)
PY
}

# json_dropped FILE, json_missed FILE: the updates a tool's --json said
# it could not make, summed over its reports ("dropped": full tables and
# buffers, and runs of its programs the kernel skipped), and of those the
# skipped runs alone ("missed": a preemptible kernel skips a program's
# run on a CPU while a task preempted inside it holds it there;
# DAX_DROP_MISSED in bpf/daxmon.h).
json_dropped() {
	jq -s '[.[].dropped] | add // 0' "$1"
}
json_missed() {
	jq -s '[.[].missed] | add // 0' "$1"
}

# expect_only_missed WHAT FILE: the tool's --json in FILE dropped no
# update but for runs the kernel skipped.
expect_only_missed() {
	expect_eq "$1: updates dropped but for skipped runs" 0 \
		"$(( $(json_dropped "$2") - $(json_missed "$2") ))"
}

# expect_counted WHAT TRUTH SEEN MISSED: a tool's count against ground
# truth: equal, or short by no more than MISSED, the runs of the tool's
# programs the kernel skipped; never more than the truth.  Shortfalls
# add up in counted_short for expect_short_within.
counted_short=0
expect_counted() {
	local what=$1 truth=$2 seen=$3 missed=$4
	if [ "$seen" = "$truth" ]; then
		echo "ok: $what = $seen"
		return 0
	fi
	[ "$seen" -lt "$truth" ] && [ $((truth - seen)) -le "$missed" ] ||
		fail "$what: expected '$truth', saw '$seen' (the kernel skipped $missed runs of the tool's programs)"
	counted_short=$((counted_short + truth - seen))
	echo "ok: $what = $seen: $((truth - seen)) short of $truth, within the $missed runs the kernel skipped"
}

# expect_short_within WHAT MISSED: the counts expect_counted checked
# since the last call are short by no more than MISSED in all (a skipped
# run loses one event at most).
expect_short_within() {
	[ "$counted_short" -le "$2" ] ||
		fail "$1: $counted_short short in all, more than the $2 runs the kernel skipped"
	counted_short=0
}

# dax_lat_count FILE KIND: samples of KIND ("setup", "fault-wait", ...)
# over all intervals and histograms of dax-lat --json.
dax_lat_count() {
	jq -s --arg kind "$2" '[.[].histograms[] | select(.kind == $kind) | .count] | add // 0' "$1"
}

# poll TRIES WHAT FUNCTION: call FUNCTION once a second until it
# succeeds, at most TRIES times; FUNCTION says what it saw in $seen.
poll() {
	local tries=$1 what=$2 i
	seen=
	for ((i = 1; i <= tries; i++)); do
		"$3" && return 0
		sleep 1
	done
	fail "$what: not after $tries tries; last seen: $seen"
}
