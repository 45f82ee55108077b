# An open(2) of a file during the inline reclaim of a write to it must
# not fail the write.  fuse_open() removed the file's DAX entries without
# invalidate_lock; a reclaim that had looked them up then found one gone,
# invalidate_inode_pages2_range() said -EBUSY and so did write(2) (seen
# once in guest/stress).  daxrace --open holds the reclaiming writer
# between the lookup and the removal while it opens the file.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

mount_full_pool	# no range free for the write into big's fourth range

start_ready 'let the writer go' "$work/race.out" "$build/tools/daxrace" --open /tmp/mnt/big ||
	fail "daxrace could not set the race up: $(cat "$work/race.out")"
race=$tool_pid
release_stall	# the writer's REMOVEMAPPING, and the worker's, may go now
wait "$race" || fail "the write racing the open failed: $(cat "$work/race.out")"
cat "$work/race.out"
stop_daxfsd /tmp/mnt
expect_eq "byte 6 MiB of the file on the server" 5a \
	"$(od -An -tx1 -j $((6 << 20)) -N1 "$src/big" | tr -d ' ')"
echo "ok: the write reclaimed a range of its file while the file was opened"
