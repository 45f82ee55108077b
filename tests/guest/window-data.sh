# Data through the DAX window is exact: a sequential copy, and random
# read/write/O_DIRECT/mmap/msync/truncate/punch-hole mixes checked against
# a model of each file, one process alone and three at once on a working
# set larger than the window; then again after umount and remount.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
model=$repo/tests/workloads/model.py

mkdir -p /tmp/ref
make_file /tmp/ref/seq 48
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"

dd if=/tmp/ref/seq of=/tmp/mnt/seq bs=1M status=none conv=fsync || fail "copy to the window"
cmp /tmp/ref/seq /tmp/mnt/seq || fail "sequential copy differs through DAX"
echo "ok: 48 MiB sequential write, read back exact"

digest() { sed -n 's/.*sha256 \([0-9a-f]*\)$/\1/p' "$1"; }
"$model" /tmp/mnt/model.0 1 400 > "$work/model.0" || fail "$(tail -1 "$work/model.0")"
echo "$(tail -1 "$work/model.0")"
for i in 1 2 3; do
	"$model" /tmp/mnt/model.$i $((i + 10)) 200 24 > "$work/model.$i" &
	pids[$i]=$!
done
for i in 1 2 3; do
	wait "${pids[$i]}" || fail "process $i: $(tail -1 "$work/model.$i")"
	echo "$(tail -1 "$work/model.$i")"
done
stop_daxfsd /tmp/mnt
remaps=$(stat_of SETUPMAPPING)
[ "$remaps" -gt 64 ] || fail "only $remaps SETUPMAPPING: the window was not under pressure"
echo "ok: $remaps SETUPMAPPING, $(stat_of removemapping_ranges) ranges removed"

start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "remount: $(cat "$daxfs_err")"
cmp /tmp/ref/seq /tmp/mnt/seq || fail "sequential file differs after remount"
for i in 0 1 2 3; do
	expect_eq "model.$i after remount" "$(digest "$work/model.$i")" \
		"$(sha256sum < /tmp/mnt/model.$i | cut -d' ' -f1)"
done
stop_daxfsd /tmp/mnt
