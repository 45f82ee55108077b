# A plain umount while background reclaim waits on the server.  The
# reclaim worker holds a reference on the inode it reclaims from; an
# unmount that tore the superblock down under it would leave that inode
# behind ("VFS: Busy inodes after unmount", then a use after free when
# the worker lets go).  The unmount must wait for the worker, as
# virtio-fs does, and finish once the server answers.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
wait_s=60	# TCG's slowness allowed for; only a broken kernel reaches it

# 16 files of one range each fill the pool of 16: the last range taken
# leaves none free, which starts the worker
src=$(mktemp -d /tmp/src.XXXXXX)	# other tests leave files in /tmp/src
for i in $(seq 0 15); do make_file "$src/f.$i" 2; done
# the server holds REMOVEMAPPING replies from the start
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"

inst=$tracefs/instances/umount-reclaim
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_remove_begin/enable"
exec 7< "$inst/trace_pipe"
# whatever happens, nothing is left waiting behind a stalled server
trap 'release_stall; exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT

dmesg_seen=$(dmesg | wc -l)
timeout $wait_s cat /tmp/mnt/f.* > /dev/null || fail "reading the files through the window"
line=$(timeout $wait_s grep -m1 -E 'fuse_dax_remove_begin: .* reason background ' <&7) ||
	fail "the pool is full but background reclaim never began"
echo "ok: no file open, the worker reclaiming: ${line##*fuse_dax_remove_begin: }"

# umount(2) returns only once the superblock is gone; wait until it
# either did (the bug) or sleeps flushing the worker (the fix).
umount /tmp/mnt 7<&- &
um=$!
flushing() { grep -q -e __flush_work -e cancel_delayed_work_sync "/proc/$um/stack" 2>/dev/null; }
deadline=$((SECONDS + wait_s))
while kill -0 "$um" 2>/dev/null && ! flushing && ((SECONDS < deadline)); do
	sleep 0.1
done
if ! kill -0 "$um" 2>/dev/null; then
	wait "$um"
	fail "umount finished (exit $?) while the reclaim worker still held an inode"
fi
flushing || fail "umount neither finished nor waits for the worker after ${wait_s}s: $(cat "/proc/$um/stack")"
echo "ok: umount waits for the worker while the server holds its REMOVEMAPPING"

release_stall
wait "$um" || fail "umount exited $? once the server answered"
wait "$daxfs_pid" || fail "daxfsd exited $?: $(tail -3 "$daxfs_err")"
removed=$(stat_of removemapping_ranges)
((removed >= 1)) || fail "the server removed $removed ranges, expected the worker's"
! dmesg | tail -n +$((dmesg_seen + 1)) | grep -E 'Busy inodes|WARNING:' ||
	fail "the kernel complained during the unmount"
echo "ok: umount finished after the worker's REMOVEMAPPING ($removed range(s)), no busy inode"
