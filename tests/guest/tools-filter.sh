# -p and -c keep exactly the right tasks: two readers of their own files,
# dax-lat per process, unfiltered, filtered by one reader's pid, and by
# the cgroup the other runs in.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

mkdir -p /tmp/src
for run in all pid cgroup; do
	make_file /tmp/src/a.$run 8
	make_file /tmp/src/b.$run 8
done
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
cg=/sys/fs/cgroup/daxmon-test
mkdir -p "$cg"
mkfifo /tmp/gate-a /tmp/gate-b

# Two readers held at a gate, so their pids are known before they read;
# the second one in the cgroup.  Files of their own per run, so that each
# run maps its ranges anew.
hold_readers() {	# RUN
	sh -c 'read -r _ < /tmp/gate-a; exec cat /tmp/mnt/a.'"$1" > /dev/null &
	reader_a=$!
	sh -c 'echo $$ > '"$cg"'/cgroup.procs; read -r _ < /tmp/gate-b; exec cat /tmp/mnt/b.'"$1" > /dev/null &
	reader_b=$!
}

release_readers() {
	echo go > /tmp/gate-a
	echo go > /tmp/gate-b
	wait "$reader_a" "$reader_b" || fail "a reader failed"
}

pids_seen() {	# JSON: the pids with a setup histogram
	python3 -c 'import json, sys
print(" ".join(sorted({str(h["pid"]) for h in json.load(open(sys.argv[1]))["histograms"]
                       if h["kind"] == "setup"}, key=int)))' "$1"
}

run() {	# NAME DAX-LAT-OPTIONS, where READER_A stands for the first reader's pid
	local name=$1 args
	shift
	hold_readers "$name"
	args=("${@/READER_A/$reader_a}")
	start_tool "$work/$name.json" "$work/$name.err" "$build/tools/dax-lat" -P --json "${args[@]}" ||
		fail "dax-lat ${args[*]}: $tool_line"
	release_readers
	stop_tool "$tool_pid" || fail "dax-lat exited $?"
}

run all
expect_eq "processes seen without a filter" "$reader_a $reader_b" "$(pids_seen "$work/all.json")"
run pid -p READER_A
expect_eq "processes seen with -p $reader_a" "$reader_a" "$(pids_seen "$work/pid.json")"
run cgroup -c "$cg"
expect_eq "processes seen with -c $cg" "$reader_b" "$(pids_seen "$work/cgroup.json")"
stop_daxfsd /tmp/mnt
rmdir "$cg"
