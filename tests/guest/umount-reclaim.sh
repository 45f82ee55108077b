# A plain umount while background reclaim waits on a server that stopped
# answering: it holds a FUSE_REMOVEMAPPING and is then stopped (SIGSTOP),
# its /dev/fuse still open.  The reclaim worker holds a reference on the
# inode it reclaims from, so the unmount must stop it before the inodes
# go ("VFS: Busy inodes after unmount" otherwise), but must not wait for
# the server to do so: a non-DAX /dev/fuse unmount does not either.  The
# unmount ends the connection first, which ends the worker's request
# (patch 0008); what was fsync'ed before is in the file when the server
# comes back and writes its window back.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
# Only a kernel whose unmount waits for the server needs it to resume
watchdog_s=60

# 16 files of one range each fill the pool of 16: under fifo the last
# range taken leaves fewer than 20% free, which starts the worker with
# nobody waiting for a range (under lfu it would start only for a
# task needing one, which would then sleep behind the stalled server too)
reclaim_policy fifo
src=$(mktemp -d /tmp/src.XXXXXX)	# other tests leave files in /tmp/src
for i in $(seq 0 15); do make_file "$src/f.$i" 2; done
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"

inst=$tracefs/instances/umount-reclaim
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_remove_begin/enable"
exec 7< "$inst/trace_pipe"
# whatever happens, nothing is left waiting behind a stalled server
trap 'kill -CONT "$daxfs_pid" 2>/dev/null; release_stall; exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT

# stored through the window and fsync'ed while the server answers
python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
os.pwrite(fd, b"kept" * 1024, 4096)
os.fsync(fd)' /tmp/mnt/f.0 || fail "write and fsync of f.0"

kill -USR2 "$daxfs_pid"		# hold REMOVEMAPPING replies from now
dmesg_seen=$(dmesg | wc -l)
timeout 300 cat /tmp/mnt/f.* > /dev/null || fail "reading the files through the window"
line=$(timeout 300 grep -m1 -E 'fuse_dax_remove_begin: .* reason background ' <&7) ||
	fail "the pool is full but background reclaim never began"
echo "ok: no file open, the worker waits for the server: ${line##*fuse_dax_remove_begin: }"
kill -STOP "$daxfs_pid"
exec 7<&-
rmdir "$inst"

(trap - EXIT; sleep "$watchdog_s" && kill -CONT "$daxfs_pid" && release_stall) &
watchdog=$!
start=$(date +%s%N)
# -c: without it umount(8) first stats the mount point, which waits for
# a stopped server whether the mount uses DAX or not
umount -c /tmp/mnt
rc=$?
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ -e "$work/stall-released" ] &&
	fail "umount waited for the stopped server: done ${took_ms} ms after it began, once the watchdog resumed the server after ${watchdog_s} s"
pkill -P "$watchdog" sleep
wait "$watchdog" 2>/dev/null
expect_eq "umount exit status" 0 "$rc"
echo "ok: umount done in ${took_ms} ms, the server stopped and holding REMOVEMAPPING"
! dmesg | tail -n +$((dmesg_seen + 1)) | grep -E 'Busy inodes|WARNING:' ||
	fail "the kernel complained during the unmount"

kill -CONT "$daxfs_pid"
release_stall
wait "$daxfs_pid" || fail "daxfsd exited $?: $(tail -3 "$daxfs_err")"
got=$(dd if="$src/f.0" bs=4096 skip=1 count=1 status=none | md5sum)
want=$(python3 -c 'import sys; sys.stdout.buffer.write(b"kept" * 1024)' | md5sum)
expect_eq "f.0's fsync'ed bytes once the server is back" "$want" "$got"
echo "ok: no busy inode, the fsync'ed bytes in the file"
rm -rf "$src"
