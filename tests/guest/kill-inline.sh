# A writer in its own inline reclaim, the server holding every
# FUSE_REMOVEMAPPING.  With no free range left, write(2) reclaims one of
# its own file's ranges and waits for the server's answer, holding the
# inode lock; a reader and an fsync(2) of that file sleep behind it.
# SIGKILL must end each of them while the server still holds (patch
# 0001); every write that returned is in the file after the unmount.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
# Only a kernel where a sleep ignores SIGKILL needs the server to resume
watchdog_s=60

src=$(mktemp -d /tmp/src.XXXXXX)	# other tests leave files in /tmp/src
# 13 ranges of 16 read first leave 3 free: no background reclaim yet.
# The writer's mappings start it (fifo: the first below 20% free; lfu:
# the first that finds none), and it takes fill's ranges, the oldest and,
# read once each, as unused as the writer's: the writer's own ranges are
# left to its inline reclaim under either policy
make_file "$src/fill" 26
make_file "$src/own" 16
cp "$src/own" "$work/own.before"
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"
inst=$tracefs/instances/kill-inline
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_remove_begin/enable"
exec 7< "$inst/trace_pipe"
# whatever happens, no task is left asleep behind a stalled server
trap 'release_stall; exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT

for ((i = 0; i < 13; i++)); do
	timeout 60 dd if=/tmp/mnt/fill of=/dev/null bs=4k count=1 skip=$((i * 512)) status=none ||
		fail "reading fill's range $i through the window"
done
walker write /tmp/mnt/own > "$work/writer.out" &
writer=$!
trace_wait 7 "-$writer" 'fuse_dax_remove_begin' ||
	fail "the writer never reclaimed a range of its own"
case $trace_line in
*" reason inline "*) ;;
*) fail "the writer's removal is not an inline reclaim: $trace_line" ;;
esac
wait_blocked "$writer" || fail "the writer never slept in its inline reclaim"
writer_at=$blocked_at
echo "ok: the writer reclaims inline (${trace_line##*fuse_dax_remove_begin: }), asleep in $writer_at"

walker read /tmp/mnt/own &
reader=$!
wait_blocked "$reader" || fail "read(2) never slept behind the writer"
reader_at=$blocked_at
walker fsync /tmp/mnt/own &
syncer=$!
wait_blocked "$syncer" || fail "fsync(2) never slept behind the writer"
echo "ok: read(2) sleeps in $reader_at, fsync(2) in $blocked_at"

kill_before_release "$writer" "the writer in inline reclaim" "$writer_at"
kill_before_release "$syncer" "fsync(2)" "$blocked_at"
kill_before_release "$reader" "read(2)" "$reader_at"

# Once the server answers, the range the killed writer was removing
# returns to the pool (kmemleak on the debug kernel would see it lost)
release_stall
exec 7<&-
rmdir "$inst"
timeout 300 cat /tmp/mnt/fill /tmp/mnt/own > /dev/null || fail "reading through the window after the kills"
stop_daxfsd /tmp/mnt
python3 - "$work/own.before" "$src/own" "$work/writer.out" <<'PY' || fail "own after the unmount"
import sys
want = bytearray(open(sys.argv[1], "rb").read())
n = 0
for line in open(sys.argv[3]):
    off = int(line.split()[1])
    want[off:off + 4096] = b"w" * 4096
    n += 1
got = open(sys.argv[2], "rb").read()
if n == 0:
    sys.exit("the writer wrote nothing before its inline reclaim")
if got != want:
    bad = next(i for i in range(len(want)) if got[i] != want[i])
    sys.exit("differs from the writes that returned, first at byte %d" % bad)
print("ok: own is the %d writes that returned on the old contents" % n)
PY
rm -rf "$src" "$work/own.before"
