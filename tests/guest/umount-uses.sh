# The uses a file remembers for its reclaimed ranges (lfu, patch 0010:
# an xarray in fi->dax) go with its inode, also when an unmount evicts
# it: the evictions of an unmount skip fuse_dax_inode_cleanup(), as
# SB_ACTIVE is clear by then.  Each of many files has one range read and
# then reclaimed (it is not the file's first range, so its entry takes an
# xarray node of its own, a radix_tree_node); once the unmount is over,
# those nodes must be freed, not kept.  Counted from /proc/slabinfo.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

[ -r /proc/slabinfo ] || fail "no /proc/slabinfo: the kernel needs CONFIG_SLUB_DEBUG"
reclaim_policy lfu
files=1024
src=$(mktemp -d /tmp/src.XXXXXX)
trap 'rm -rf "$src"' EXIT
# two ranges each, sparse: the server reads zeros
for i in $(seq 1 $files); do truncate -s 4M "$src/f.$i"; done

# radix_tree_node objects in use, after the caches are dropped
nodes() {
	echo 3 > /proc/sys/vm/drop_caches
	awk '$1 == "radix_tree_node" { print $2 }' /proc/slabinfo
}

before=$(nodes)
[ -n "$before" ] || fail "no radix_tree_node cache in /proc/slabinfo"
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
# a byte of each file's second range, through the window: $files ranges
# through a window of 16, so all but the last few are reclaimed and
# remembered by their files
python3 -c '
import os, sys
for i in range(1, int(sys.argv[2]) + 1):
    fd = os.open(f"{sys.argv[1]}/f.{i}", os.O_RDONLY)
    if len(os.pread(fd, 1, 2 << 20)) != 1:
        sys.exit(f"f.{i}: short read")
    os.close(fd)
' /tmp/mnt $files || fail "reading the files through the window"
refresh_stats
removed=$(stat_of removemapping_ranges)
[ "$removed" -ge $(( files / 2 )) ] ||
	fail "only $removed ranges reclaimed for $files files: nothing remembered to leak"
stop_daxfsd /tmp/mnt

# inodes, and the xarray nodes with them, are freed after an RCU grace
# period: wait for the count to come back, or give up on a leak
back() {
	local now
	now=$(nodes)
	seen="$now radix_tree_node objects, $before before the mount, $removed ranges reclaimed"
	[ "$now" -lt $(( before + removed / 2 )) ]
}
poll 30 "the xarray nodes of the files' remembered uses freed after the unmount" back
echo "ok: $seen"
