# The background reclaim counts as freed only the ranges it removed.  The
# worker chooses a range, then takes the file's locks; a range taken into
# use in between is skipped, and must not be reported as freed.
# tests/workloads/daxbusy makes that happen every time: FILE's only range
# is the oldest, so the worker chooses it first and waits for a page of it
# that a pipe holds (fuse_dax_break_layouts(), no lock held); meanwhile a
# read(2) takes the range into use and sleeps in its copy to a userfaultfd
# buffer; then the pipe lets the page go.  The worker tries 10 ranges
# (FUSE_DAX_RECLAIM_CHUNK): FILE's first, then 9 others it removes, so
# fuse_dax_reclaim_end must say "freed 9", as many as its
# fuse_dax_remove_end events and the server's removed ranges.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
inst=$tracefs/instances/reclaim-in-use
src=$(mktemp -d /tmp/src.XXXXXX)
cleanup() {
	rm -rf "$src"
	[ -d "$inst" ] && rmdir "$inst"
}
trap cleanup EXIT

# The pool's size, and the worker's threshold as fs/fuse/dax.c has it
# for the fifo policy: started once fewer than 20% of the ranges are
# free, whether or not an allocation found none (lfu waits for that).
# FILE's range and NR of FILLER's take it there.
reclaim_policy fifo
ranges=$(( $(cat /sys/block/pmem0/size) * 512 >> 21 ))
threshold=$(( ranges * 20 / 100 ))
[ "$threshold" -ge 1 ] || threshold=1
nr=$(( ranges - threshold ))
[ "$nr" -ge 10 ] || fail "a pool of $ranges ranges is too small: the worker must find 9 to free"
make_file "$src/file" 2
truncate -s $(( nr * 2 ))M "$src/filler"
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
mkdir "$inst"
echo 1024 > "$inst/buffer_size_kb"
for e in fuse_dax_reclaim_begin fuse_dax_reclaim_end fuse_dax_remove_end; do
	echo 1 > "$inst/events/fuse/$e/enable"
done

"$build/tools/daxbusy" /tmp/mnt/file /tmp/mnt/filler "$nr" > "$work/daxbusy.out" 2>&1 ||
	fail "daxbusy: $(cat "$work/daxbusy.out")"
cat "$work/daxbusy.out"
ino=$(printf '0x%x' "$(stat -c %i /tmp/mnt/file)")
stop_daxfsd /tmp/mnt
echo 0 > "$inst/tracing_on"

trace=$work/reclaim-in-use.trace
cat "$inst/trace" > "$trace"
grep 'fuse_dax_reclaim_end: .* reason background ' "$trace" || fail "no background reclaim ended"
expect_eq "background reclaims" 1 "$(grep -c 'fuse_dax_reclaim_begin: .* reason background ' "$trace")"
removed=$(grep -c 'fuse_dax_remove_end: .* reason background .* ret 0 ' "$trace")
expect_eq "ranges the worker removed (fuse_dax_remove_end)" 9 "$removed"
expect_eq "FILE's range removed (it was in use)" 0 \
	"$(grep -c "fuse_dax_remove_end: .* ino $ino .* reason background " "$trace")"
expect_eq "fuse_dax_reclaim_end" "to_free 10 freed $removed ret 0" \
	"$(sed -n 's/.*fuse_dax_reclaim_end: .* reason background \(to_free [0-9]* freed [0-9]* ret -*[0-9]*\) .*/\1/p' "$trace")"
# ground truth for the events: the unmount's removals included
expect_eq "ranges removed (server)" \
	"$(grep -c 'fuse_dax_remove_end: .* ret 0 ' "$trace")" "$(stat_of removemapping_ranges)"
echo "ok: the worker skipped the range in use and reported $removed freed"
