# An evicted inode gives back all its ranges in FUSE_REMOVEMAPPING
# requests of at most 256 ranges (FUSE_REMOVEMAPPING_MAX_ENTRY with 4 KiB
# pages), and each range's fuse_dax_remove_* events carry its own
# request's size and result.  One 520 MiB file is mapped whole in a
# 704 MiB window (/dev/pmem1: free ranges stay above the reclaim
# threshold, so no other REMOVEMAPPING is sent), the server fails the
# second request (its last 4 ranges) with EIO, and the inode is evicted:
# 256 removals with batch 256 and ret 0, then 4 with batch 4 and ret -5,
# as the server saw them.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
ranges=260
[ -b /dev/pmem1 ] && [ $(( $(cat /sys/block/pmem1/size) * 512 >> 20 )) -ge 650 ] ||
	fail "needs a /dev/pmem1 of 650 MiB or more (tests/run boots with -m 32,704): $(ls /dev/pmem* 2>&1)"
src=/tmp/evict-src inst=$tracefs/instances/evict-batches
cleanup() {
	rm -rf "$src"
	[ -d "$inst" ] && rmdir "$inst"
}
trap cleanup EXIT
mkdir -p "$src"
truncate -s $((ranges * 2))M "$src/big"	# sparse: no memory of the tmpfs /tmp
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem1 --fail-removemapping 2 ||
	fail "mount: $(cat "$daxfs_err")"
mkdir "$inst"
echo 4096 > "$inst/buffer_size_kb"
for e in fuse_dax_remove_begin fuse_dax_remove_end; do echo 1 > "$inst/events/fuse/$e/enable"; done

# a byte of every range through read(2): the whole file mapped
python3 - /tmp/mnt/big $ranges <<'PY' || fail "reading a byte of each range"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for i in range(int(sys.argv[2])):
    os.pread(fd, 1, i << 21)
os.close(fd)
PY
# the file is closed: dropping the inode cache evicts it, and the
# eviction's requests are answered before the write returns
echo 2 > /proc/sys/vm/drop_caches
echo 0 > "$inst/tracing_on"
stop_daxfsd /tmp/mnt

tally=$(sed -n 's/.*fuse_dax_remove_end: .* reason evict batch \([0-9]*\) ret \(-\{0,1\}[0-9]*\) .*/\1 \2/p' "$inst/trace" |
	sort | uniq -c | awk '{print $1 " ranges with batch " $2 " ret " $3}' | paste -sd, -)
echo "remove_end (evict): $tally"
expect_eq "fuse_dax_remove_begin (evict)" $ranges "$(grep -c 'fuse_dax_remove_begin: .* reason evict ' "$inst/trace")"
expect_eq "fuse_dax_remove_end (evict) by request" \
	"256 ranges with batch 256 ret 0,4 ranges with batch 4 ret -5" "$tally"
expect_eq "SETUPMAPPING (server)" $ranges "$(stat_of SETUPMAPPING)"
expect_eq "REMOVEMAPPING requests (server)" 2 "$(stat_of REMOVEMAPPING)"
expect_eq "ranges removed (server)" 256 "$(stat_of removemapping_ranges)"
expect_eq "ranges of the failed request (server)" 4 "$(stat_of failed_removemapping_ranges)"
