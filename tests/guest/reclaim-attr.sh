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

held_write_race "the size change" --attr /tmp/mnt/big "$src/big"
echo "ok: the write reclaimed a range of its file while a stat saw it grow"
