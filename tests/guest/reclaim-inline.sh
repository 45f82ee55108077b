# An inline reclaim reports once however often it must look again, and
# counts as freed only the range it removed.  A read(2) with no free
# range reclaims one of its own file's ranges; when the range it chose
# is taken into use before it locks it, it tries another.
# tests/workloads/daxbusy --inline makes that happen every time: the read
# chooses FILE's first range and waits for a page of it that a pipe
# holds; meanwhile a read(2) into a userfaultfd buffer takes the range
# into use; then the pipe lets the page go, and the read removes FILE's
# second range instead.  The server holds every REMOVEMAPPING until
# then, so no range comes free behind the read's back: one
# fuse_dax_reclaim_begin and one _end "freed 1" for FILE, and one
# removal, of its second range.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
inst=$tracefs/instances/reclaim-inline
src=$(mktemp -d /tmp/src.XXXXXX)
cleanup() {
	release_stall
	rm -rf "$src"
	[ -d "$inst" ] && rmdir "$inst"
}

# OLD's range, FILE's first two and NR of FILLER's take the whole pool
ranges=$(( $(cat /sys/block/pmem0/size) * 512 >> 21 ))
nr=$(( ranges - 3 ))
[ "$nr" -ge 1 ] || fail "a pool of $ranges ranges is too small"
make_file "$src/old" 2
make_file "$src/file" 6
truncate -s $(( nr * 2 ))M "$src/filler"
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"
trap cleanup EXIT
mkdir "$inst"
echo 1024 > "$inst/buffer_size_kb"
for e in fuse_dax_reclaim_begin fuse_dax_reclaim_end fuse_dax_remove_end; do
	echo 1 > "$inst/events/fuse/$e/enable"
done

start_ready 'let the server go' "$work/daxbusy.out" \
	"$build/tools/daxbusy" --inline /tmp/mnt/old /tmp/mnt/file /tmp/mnt/filler "$nr" ||
	fail "daxbusy could not set the race up: $(cat "$work/daxbusy.out")"
busy=$tool_pid
release_stall
wait "$busy" || fail "daxbusy: $(cat "$work/daxbusy.out")"
cat "$work/daxbusy.out"
ino=$(printf '0x%x' "$(stat -c %i /tmp/mnt/file)")
echo 0 > "$inst/tracing_on"
stop_daxfsd /tmp/mnt

trace=$work/reclaim-inline.trace
cat "$inst/trace" > "$trace"
grep " ino $ino reason inline " "$trace"
expect_eq "inline reclaims of FILE begun" 1 \
	"$(grep -c "fuse_dax_reclaim_begin: .* ino $ino reason inline " "$trace")"
expect_eq "inline reclaims of FILE ended" "to_free 1 freed 1 ret 0" \
	"$(sed -n "s/.*fuse_dax_reclaim_end: .* ino $ino reason inline \(to_free [0-9]* freed [0-9]* ret -*[0-9]*\) .*/\1/p" "$trace" | paste -sd, -)"
expect_eq "FILE's ranges removed inline (its second)" "offset 0x200000" \
	"$(sed -n "s/.*fuse_dax_remove_end: .* ino $ino \(offset 0x[0-9a-f]*\) .* reason inline .* ret 0 .*/\1/p" "$trace" | paste -sd, -)"
echo "ok: one inline reclaim, which skipped the range in use and freed the next"
