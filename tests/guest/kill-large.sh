# One file larger than the window, the server holding every
# FUSE_REMOVEMAPPING: the case users report ("a single file larger than
# the window stalled entirely").  Background reclaim holds the file's
# invalidate_lock and range lock while it waits for the server, so every
# task on that file sleeps behind it: a page fault, a read(2), a write(2)
# behind the reader's inode lock, an fsync(2) behind the writer.  SIGKILL
# must end each of them while the server still holds (patch 0001); once
# it answers, the file reads back exact.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
# Only a kernel where a sleep ignores SIGKILL needs the server to resume
watchdog_s=60

src=$(mktemp -d /tmp/src.XXXXXX)	# other tests leave files in /tmp/src
make_file "$src/big" 128		# 64 ranges for a window of 16
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"
inst=$tracefs/instances/kill-large
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_remove_begin/enable"
exec 7< "$inst/trace_pipe"
# whatever happens, no task is left asleep behind a stalled server
trap 'release_stall; exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT

walker mmap /tmp/mnt/big &
faulter=$!
line=$(timeout 300 grep -m1 -E 'fuse_dax_remove_begin: .* reason background ' <&7) ||
	fail "the faulter filled the pool but background reclaim never began"
echo "ok: the worker reclaims a range of the file: ${line##*fuse_dax_remove_begin: }"
wait_blocked "$faulter" || fail "the faulter never slept behind the reclaim"
faulter_at=$blocked_at
echo "ok: the faulter sleeps in $faulter_at"

walker read /tmp/mnt/big &
reader=$!
wait_blocked "$reader" || fail "read(2) never slept behind the reclaim"
reader_at=$blocked_at
walker write /tmp/mnt/big > "$work/writer.out" &
writer=$!
wait_blocked "$writer" || fail "write(2) never slept behind the reader"
writer_at=$blocked_at
walker fsync /tmp/mnt/big &
syncer=$!
wait_blocked "$syncer" || fail "fsync(2) never slept behind the writer"
syncer_at=$blocked_at
echo "ok: read(2) sleeps in $reader_at, write(2) in $writer_at, fsync(2) in $syncer_at"

kill_before_release "$faulter" "the faulter" "$faulter_at"
kill_before_release "$syncer" "fsync(2)" "$syncer_at"
kill_before_release "$writer" "write(2)" "$writer_at"
kill_before_release "$reader" "read(2)" "$reader_at"
[ -s "$work/writer.out" ] && fail "the writer wrote before it was killed: $(cat "$work/writer.out")"

release_stall
exec 7<&-
rmdir "$inst"
timeout 300 cmp "$src/big" /tmp/mnt/big || fail "big differs through the window after the kills"
echo "ok: big reads back exact once the server answers"
stop_daxfsd /tmp/mnt
rm -rf "$src"	# 128 MiB of the guest's tmpfs, which later tests need
