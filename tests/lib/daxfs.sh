# Sourced by guest tests that mount the DAX window with daxfsd.
daxfsd=$build/tools/daxfsd
work=${DAXMON_OUT:-/tmp/daxmon}
mkdir -p "$work"

# start_daxfsd SRC MNT [daxfsd options]: mount and wait until it is up.
# The server reports on its ready fd once mount(2) returned; if it fails
# it exits and the read sees end of file instead.  Sets daxfs_pid,
# daxfs_stats, daxfs_err.
start_daxfsd() {
	local src=$1 mnt=$2 fifo line=
	shift 2
	mkdir -p "$src" "$mnt"
	daxfs_stats=$work/daxfsd-stats.json
	daxfs_err=$work/daxfsd.err
	rm -f "$work/stall-released"
	fifo=$(mktemp -u /tmp/daxfsd-ready.XXXXXX)
	mkfifo "$fifo"
	"$daxfsd" --ready-fd 3 --stats "$daxfs_stats" "$@" "$src" "$mnt" \
		3> "$fifo" 2> "$daxfs_err" &
	daxfs_pid=$!
	read -r line < "$fifo"
	rm -f "$fifo"
	[ "$line" = ready ]
}

# stop_daxfsd MNT: unmount and wait for the server to exit (it writes its
# stats on the way out).
stop_daxfsd() {
	umount "$1" || fail "umount $1: busy?"
	wait "$daxfs_pid" || fail "daxfsd exited $?: $(tail -3 "$daxfs_err")"
}

# release_stall: let the server's held REMOVEMAPPING replies go, once
# however often it is called, from the test or a watchdog of it (the
# stall is a toggle, SIGUSR2, so a second one would hold them again).
release_stall() {
	[ -e "$work/stall-released" ] && return
	touch "$work/stall-released"
	kill -USR2 "$daxfs_pid"
}

# reclaim_policy POLICY: fuse's range reclaim policy for this script
# (module parameter dax_reclaim; guest-init restores the boot's after
# it).  fifo for tests that need the background worker to start at its
# threshold rather than when an allocation finds no range; a kernel
# without the parameter has only that behaviour.
reclaim_policy() {
	local param=/sys/module/fuse/parameters/dax_reclaim
	if [ ! -e "$param" ]; then
		[ "$1" = fifo ] || fail "no $param: this kernel has no reclaim policy $1"
		return 0
	fi
	echo "$1" > "$param" || fail "cannot select reclaim policy $1"
}

# mount_full_pool: the pool of the daxrace races.  A window of 16
# ranges, 13 files of one range read once each, and SRC/big of 4 ranges
# whose first 3 daxrace maps: no range is left free for the fourth.  The
# server holds REMOVEMAPPING (release_stall at EXIT), so the background
# worker (fifo: started once fewer than 3 are free; lfu: once a range
# is needed) frees none; it waits on the first file's range, the oldest
# and, read once, unused since, so under either policy it holds none of
# big's locks.  Sets src (other tests leave files in /tmp/src); mounted on
# /tmp/mnt.
mount_full_pool() {
	src=$(mktemp -d /tmp/src.XXXXXX)
	for i in $(seq 0 12); do make_file "$src/f.$i" 2; done
	make_file "$src/big" 8
	start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
		fail "mount: $(cat "$daxfs_err")"
	trap release_stall EXIT
	for i in $(seq 0 12); do
		timeout 60 dd if="/tmp/mnt/f.$i" of=/dev/null bs=4k count=1 status=none ||
			fail "reading f.$i through the window"
	done
}

# held_write_race WHAT DAXRACE_ARGS...: run daxrace against the pool of
# mount_full_pool, its writer held in its inline reclaim while the other
# side (WHAT, for a failure) is done; then the server may answer, the
# write must succeed and its byte be in big's fourth range on the
# server's side.  Unmounts.
held_write_race() {
	local what=$1 race
	shift
	start_ready 'let the writer go' "$work/race.out" "$build/tools/daxrace" "$@" ||
		fail "daxrace could not set the race up: $(cat "$work/race.out")"
	race=$tool_pid
	release_stall	# the writer's REMOVEMAPPING, and the worker's, may go now
	wait "$race" || fail "the write racing $what failed: $(cat "$work/race.out")"
	cat "$work/race.out"
	stop_daxfsd /tmp/mnt
	expect_eq "byte 6 MiB of the file on the server" 5a \
		"$(od -An -tx1 -j $((6 << 20)) -N1 "$src/big" | tr -d ' ')"
}

# refresh_stats: the server's counts as of now in $daxfs_stats (SIGUSR1:
# daxfsd renames a complete stats file into place), five seconds at most.
refresh_stats() {
	local i
	rm -f "$daxfs_stats"
	kill -USR1 "$daxfs_pid"
	for ((i = 0; i < 50; i++)); do [ -s "$daxfs_stats" ] && return 0; sleep 0.1; done
	fail "daxfsd wrote no stats file on SIGUSR1"
}

# tell_changed: the server says its files changed (SIGRTMIN: daxfsd
# refreshes the window from them and sends FUSE_NOTIFY_INVAL_INODE for
# each); returns once daxfsd says it told the kernel (the kernel has
# handled a notification when the write of it returns).
tell_changed() {
	local i before
	before=$(grep -c 'told the kernel' "$daxfs_err")
	kill -RTMIN "$daxfs_pid"
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c 'told the kernel' "$daxfs_err")" != "$before" ] && return 0
		sleep 0.1
	done
	fail "daxfsd did not tell the kernel its files changed: $(tail -3 "$daxfs_err")"
}

# stat_of KEY: a number from the server's stats JSON ("SETUPMAPPING",
# "removemapping_ranges", ...).
stat_of() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["requests"][sys.argv[2]] if sys.argv[2] in d["requests"] else d[sys.argv[2]])' \
		"$daxfs_stats" "$1"
}

# make_file PATH MIB: deterministic contents, so a copy can be checked.
make_file() {
	dd if=/dev/urandom of="$1" bs=1M count="$2" status=none
}

# touch_mapped FILE...: map every file read-only, then fault each in.
# exec: the background job is python itself, so its pid is the one the
# trace shows and a kill reaches; mapping first keeps the files reachable
# after a lazy unmount.
touch_mapped() {
	exec python3 -c '
import mmap, sys
maps = []
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        maps.append(mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ))
for m in maps:
    m[0]
' "$@"
}

# walker MODE FILE: one task going through FILE a 2 MiB range at a time,
# as a user's would.  "mmap" faults a page of each range in through a
# shared mapping, "read" and "write" pread/pwrite 4 KiB of each ("write"
# says "wrote OFFSET" once each pwrite returned), "fsync" only calls
# fsync(2).  exec: the job is python itself, so its pid is the one a kill
# reaches and the trace shows.
walker() {
	exec python3 -c '
import mmap, os, sys
mode, path = sys.argv[1:]
step = 2 << 20
fd = os.open(path, os.O_RDWR)
size = os.fstat(fd).st_size
if mode == "mmap":
    m = mmap.mmap(fd, size)
    for off in range(0, size, step):
        m[off]
elif mode == "read":
    for off in range(0, size, step):
        os.pread(fd, 4096, off)
elif mode == "write":
    for off in range(0, size, step):
        os.pwrite(fd, b"w" * 4096, off)
        print("wrote", off, flush=True)
elif mode == "fsync":
    os.fsync(fd)
' "$@"
}

# wait_blocked PID: until PID sleeps with a fuse function on its kernel
# stack, five minutes at most (as trace_wait): a hang guard, the state
# is what is awaited.
# Asleep is D, or S for a request the server has not answered yet (fuse
# waits for a reply interruptibly until a signal comes).  Leaves the
# fuse frames, innermost first, in blocked_at.
wait_blocked() {
	local deadline=$((SECONDS + 300)) state
	while ((SECONDS < deadline)); do
		state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
		if [[ $state == [DS] ]] && grep -q fuse "/proc/$1/stack" 2>/dev/null; then
			blocked_at=$(grep -o -E '[a-z_0-9]*fuse[a-z_0-9]*' "/proc/$1/stack" |
				head -3 | paste -sd '<')
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# kill_before_release PID WHAT WHERE: SIGKILL PID, asleep (in WHERE)
# behind the server's stall, and fail unless it is gone while the server
# still holds REMOVEMAPPING.  A watchdog lets the server go after watchdog_s seconds,
# so that a kernel where the sleep ignores SIGKILL fails the test rather
# than hanging it.  Sets took_ms.
kill_before_release() {
	local pid=$1 what=$2 where=$3 watchdog start rc=0
	(trap - EXIT; sleep "$watchdog_s" && release_stall) 7<&- &
	watchdog=$!
	start=$(date +%s%N)
	kill -KILL "$pid"
	wait "$pid" || rc=$?
	took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ -e "$work/stall-released" ] &&
		fail "$what outlived the server's stall: gone ${took_ms} ms after SIGKILL, once the watchdog resumed the server after ${watchdog_s} s (asleep in $where)"
	pkill -P "$watchdog" sleep
	wait "$watchdog" 2>/dev/null
	expect_eq "$what exit status" 137 "$rc"
	echo "ok: $what gone ${took_ms} ms after SIGKILL (it slept in $where), the server still holding"
}
