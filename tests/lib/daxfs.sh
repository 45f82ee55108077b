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

# mount_full_pool: the pool of the daxrace races.  A window of 16
# ranges, 13 files of one range read through, and SRC/big of 4 ranges
# whose first 3 daxrace maps: no range is left free for the fourth.  The
# server holds REMOVEMAPPING (release_stall at EXIT), so the background
# worker, started once fewer than 3 are free, frees none.  Sets src (other
# tests leave files in /tmp/src); mounted on /tmp/mnt.
mount_full_pool() {
	src=$(mktemp -d /tmp/src.XXXXXX)
	for i in $(seq 0 12); do make_file "$src/f.$i" 2; done
	make_file "$src/big" 8
	start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
		fail "mount: $(cat "$daxfs_err")"
	trap release_stall EXIT
	timeout 60 cat /tmp/mnt/f.* > /dev/null || fail "reading the files through the window"
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
