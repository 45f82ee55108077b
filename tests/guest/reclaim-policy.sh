# The range reclaim policy, fuse's module parameter dax_reclaim, A/B in
# one boot on the same sequences of reads (tests/workloads/daxpages).
#  - lfu, the default: a window that holds the working set keeps it.
#    A file of exactly the window's ranges, read all over through a shared
#    mapping, is set up once per range and never reclaimed.  fifo, the
#    policy before, frees ranges in the background once fewer than 20%
#    are free, whether or not anybody needs one, and sets the file up
#    again and again.
#  - On a Zipf sequence over a file 4x the window, lfu sets up fewer
#    ranges than fifo (make bench measures by how much).
#  - A sequential scan longer than the window sets each range up once
#    under both: lfu must not take the range being read, though it has
#    fewer uses than the ranges read before it.  Under lfu the worker
#    keeps three ranges free ahead of a scan of a file the pool cannot
#    hold: its first run starts before the pool runs out (before, a
#    fault had to wait for it).  Whether a fault waits all the same is
#    a race with the worker, under either policy: printed, not held.
#    Freeing ranges ahead of the scan stops with it:
#    the file the window holds is then set up once again.
#  - The parameter refuses a policy it does not know; the reclaim events
#    name the policy and each removal its uses and age.
# Counts are the server's.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
param=/sys/module/fuse/parameters/dax_reclaim
inst=$tracefs/instances/reclaim-policy
src=$(mktemp -d /tmp/src.XXXXXX)
cleanup() {
	rm -rf "$src"
	[ -d "$inst" ] && rmdir "$inst"
}
trap cleanup EXIT

[ -e "$param" ] || fail "no $param: this kernel has no choice of reclaim policy"
expect_eq "the default policy" lfu "$(cat "$param")"
echo lru 2> /dev/null > "$param" && fail "dax_reclaim took the unknown policy lru"
expect_eq "the policy after an unknown one was refused" lfu "$(cat "$param")"

ranges=$(( $(cat /sys/block/pmem0/size) * 512 >> 21 ))
make_file "$src/ws" $(( ranges * 2 ))
make_file "$src/big" $(( ranges * 8 ))
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
mkdir "$inst"
echo 8192 > "$inst/buffer_size_kb"
for e in fuse_dax_reclaim_begin fuse_dax_remove_end fuse_dax_fault_wait_begin; do
	echo 1 > "$inst/events/fuse/$e/enable"
done

# setups POLICY FILE READS PATTERN: the server's SETUPMAPPINGs for one
# daxpages run under POLICY, in $n; from an empty window: dropping the
# caches evicts the files' inodes, which gives their ranges back.
setups() {
	local before
	echo "$1" > "$param" || fail "cannot select policy $1"
	echo 2 > /proc/sys/vm/drop_caches
	refresh_stats
	before=$(stat_of SETUPMAPPING)
	"$build/tools/daxpages" "/tmp/mnt/$2" "$3" "$4" > "$work/daxpages.out" 2>&1 ||
		fail "daxpages $2 under $1: $(cat "$work/daxpages.out")"
	refresh_stats
	n=$(( $(stat_of SETUPMAPPING) - before ))
}

# Uniform reads of the file the window holds exactly
setups fifo ws 3000 uniform; fifo_ws=$n
setups lfu ws 3000 uniform; lfu_ws=$n
echo "window = working set ($ranges ranges), 3000 reads: fifo $fifo_ws setups, lfu $lfu_ws"
expect_eq "setups under lfu with the window holding the file" "$ranges" "$lfu_ws"
[ "$fifo_ws" -gt "$ranges" ] ||
	fail "fifo set up $fifo_ws ranges, no more than the file's $ranges: no reclaim to compare with"
grep -q 'fuse_dax_reclaim_begin: .* policy fifo ' "$inst/trace" || fail "no reclaim event names fifo"
echo > "$inst/trace"

setups fifo big 3000 zipf:1.1; fifo_zipf=$n
setups lfu big 3000 zipf:1.1; lfu_zipf=$n
echo "zipf 1.1 over $(( ranges * 4 )) ranges, 3000 reads: fifo $fifo_zipf setups, lfu $lfu_zipf"
[ "$lfu_zipf" -lt "$fifo_zipf" ] ||
	fail "lfu set up $lfu_zipf ranges, fifo $fifo_zipf: lfu should keep the hot ones"
grep -q 'fuse_dax_reclaim_begin: .* policy lfu ' "$inst/trace" || fail "no reclaim event names lfu"
grep -qE 'fuse_dax_remove_end: .* reason background .* uses [0-9]+ age_ms [0-9]+ ' "$inst/trace" ||
	fail "no background removal says its uses and age"

reads=$(( ranges * 512 * 5 / 2 ))	# 2.5 windows, page by page
for p in fifo lfu; do
	echo > "$inst/trace"
	setups $p big $reads seq
	expect_eq "setups of a sequential scan of $(( reads / 512 )) ranges under $p" \
		$(( (reads + 511) / 512 )) "$n"
	echo "sequential scan under $p: $(grep -c ' fuse_dax_fault_wait_begin: ' "$inst/trace") fault waits"
done
first=$(grep -m1 ' fuse_dax_reclaim_begin: ' "$inst/trace") ||
	fail "lfu's scan of $(( reads / 512 )) ranges ran no reclaim"
[[ $first =~ \ free\ ([0-9]+)\  ]] || fail "no free count in: $first"
[ "${BASH_REMATCH[1]}" -gt 0 ] ||
	fail "lfu's worker first ran for the scan with no range free (it waited for the pool to run out): $first"
echo "ok: lfu's worker started ahead of the scan, with ${BASH_REMATCH[1]} range(s) free"
# The scan was a stream of new ranges, which lfu frees ranges ahead of;
# the eviction of its file ends that: the window holds the file again.
setups lfu ws 3000 uniform
expect_eq "setups under lfu with the window holding the file, after the scan" "$ranges" "$n"

stop_daxfsd /tmp/mnt
echo "ok: lfu keeps a working set the window holds, keeps hot ranges, and scans once"
