# A writeback that finds a DAX entry locked by another writeback must
# wait for it, not skip it: the entry would keep the TOWRITE mark its own
# tagging set, and every later reclaim of the range would fail with EBUSY
# (read(2) failed so in guest/stress).  daxrace --flush holds a close(2)
# in the writeback of a stored page while another process reads the
# file with no free range, so that its inline reclaim writes the same
# page back.  dax-stat counts the reclaim runs that failed: none.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

# fifo: the reader's inline reclaim must take big's first range, the
# stored one; lfu would pass it over (the store used it) and take the
# second
reclaim_policy fifo
mount_full_pool	# no range free for the read of big's fourth range
printf '\0' | dd of="$src/big" conv=notrunc status=none	# not the byte stored
stat_pid= race=
# on a failure too: nothing held, no tool left attached
cleanup() {
	release_stall
	[ -n "$race" ] && kill -KILL "$race" 2>/dev/null
	[ -n "$stat_pid" ] && kill -INT "$stat_pid" 2>/dev/null
}
trap cleanup EXIT
start_tool "$work/stat.json" "$work/stat.err" "$build/tools/dax-stat" --json 5 ||
	fail "dax-stat: $tool_line"
stat_pid=$tool_pid

start_ready 'let the writer go' "$work/race.out" "$build/tools/daxrace" --flush /tmp/mnt/big ||
	fail "daxrace could not set the race up: $(cat "$work/race.out")"
race=$tool_pid
release_stall	# the reader's REMOVEMAPPING may go now
wait "$race"
rc=$?
race=
cat "$work/race.out"
stop_daxfsd /tmp/mnt
stop_tool "$stat_pid" || fail "dax-stat exited $?: $(tail -2 "$work/stat.err")"
stat_pid=
read -r _ _ _ rerrs <<<"$(dax_stat_sums "$work/stat.json")" || fail "dax-stat JSON does not parse"
echo "dax-stat: $rerrs failed reclaims"
[ $rc = 0 ] || fail "the read racing the writeback failed"
expect_eq "failed reclaims (dax-stat)" 0 "$rerrs"
expect_eq "byte 0 of the file on the server" 5a \
	"$(od -An -tx1 -N1 "$src/big" | tr -d ' ')"
echo "ok: the read reclaimed the range whose page a close(2) was writing back"
