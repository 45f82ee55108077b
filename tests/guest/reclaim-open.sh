# An open(2) of a file during the inline reclaim of a write to it must
# not fail the write.  fuse_open() removed the file's DAX entries without
# invalidate_lock; a reclaim that had looked them up then found one gone,
# invalidate_inode_pages2_range() said -EBUSY and so did write(2) (seen
# once in guest/stress).  daxrace --open holds the reclaiming writer
# between the lookup and the removal while it opens the file.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

# A pool of 16: 13 files of one range, and one of 4 ranges whose first 3
# daxrace maps, leave no range free for its write into the fourth.  The
# server holds REMOVEMAPPING, so the background worker (started once
# fewer than 3 are free) frees none.
src=$(mktemp -d /tmp/src.XXXXXX)	# other tests leave files in /tmp/src
for i in $(seq 0 12); do make_file "$src/f.$i" 2; done
make_file "$src/big" 8
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"
trap release_stall EXIT
timeout 60 cat /tmp/mnt/f.* > /dev/null || fail "reading the files through the window"

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
