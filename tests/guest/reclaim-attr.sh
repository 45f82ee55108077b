# A size change that stat(2) brings in during the inline reclaim of a
# write must not fail the write.  fuse_change_attributes_i() drops the
# file's pages with invalidate_inode_pages2(), DAX entries included,
# without invalidate_lock; a reclaim that had looked the entries up then
# found one gone, and invalidate_inode_pages2_range() said -EBUSY, so did
# write(2).  fuse_open() did the same until it left DAX entries alone;
# this is the same race through another caller, which fs/dax.c must
# survive whoever removed the entry.  daxrace --attr holds the reclaiming
# writer between the lookup and the removal while the file grows on the
# server's side and a stat asks the server.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

mount_full_pool	# no range free for the write into big's fourth range

start_ready 'let the writer go' "$work/race.out" "$build/tools/daxrace" --attr /tmp/mnt/big "$src/big" ||
	fail "daxrace could not set the race up: $(cat "$work/race.out")"
race=$tool_pid
release_stall	# the writer's REMOVEMAPPING, and the worker's, may go now
wait "$race" || fail "the write racing the size change failed: $(cat "$work/race.out")"
cat "$work/race.out"
stop_daxfsd /tmp/mnt
expect_eq "byte 6 MiB of the file on the server" 5a \
	"$(od -An -tx1 -j $((6 << 20)) -N1 "$src/big" | tr -d ' ')"
echo "ok: the write reclaimed a range of its file while a stat saw it grow"
