# An open(2) of a file during the inline reclaim of a write to it must
# not fail the write.  fuse_open() removed the file's DAX entries without
# invalidate_lock; a reclaim that had looked them up then found one gone,
# invalidate_inode_pages2_range() said -EBUSY and so did write(2) (seen
# once in guest/stress).  daxrace --open holds the reclaiming writer
# between the lookup and the removal while it opens the file.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

mount_full_pool	# no range free for the write into big's fourth range

held_write_race "the open" --open /tmp/mnt/big
echo "ok: the write reclaimed a range of its file while the file was opened"
