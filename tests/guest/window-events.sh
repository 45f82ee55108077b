# Under pressure every fuse_dax event fires, and the kernel's own count
# of setups and removals equals what the server received.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
w=$repo/tests/workloads

"$w/prepare.sh" /tmp/src
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
echo 65536 > "$tracefs/buffer_size_kb"
echo > "$tracefs/trace"
for e in $(doc_events | cut -d' ' -f1); do echo 1 > "$tracefs/events/fuse/$e/enable"; done
"$w/pressure.sh" /tmp/mnt || fail "pressure workload failed"

# Waits, made certain: with REMOVEMAPPING replies held no range comes
# back.  A process faults on files until the pool is empty and it sleeps;
# then a read of a file that has no range sleeps too.  A second trace
# instance says when; the held replies are let go on any failure, so the
# sleepers never outlive the test.
waits=$tracefs/instances/daxmon-waits
mkdir "$waits"
echo 1 > "$waits/events/fuse/fuse_dax_fault_wait_begin/enable"
echo 1 > "$waits/events/fuse/fuse_dax_alloc_wait_begin/enable"
dd if=/dev/urandom of=/tmp/src/fresh bs=1M count=1 status=none
wait_for() { timeout 60 grep -q -m1 "$1" "$waits/trace_pipe"; }
release() { kill -USR2 "$daxfs_pid"; }
kill -USR2 "$daxfs_pid"		# hold REMOVEMAPPING replies
python3 -c 'import mmap, sys
for p in sys.argv[1:]:
    with open(p, "rb") as f, mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as m:
        m[0]' /tmp/mnt/small.* /tmp/mnt/big.* &
toucher=$!
wait_for fuse_dax_fault_wait_begin || { release; fail "no fault wait with the pool empty"; }
cat /tmp/mnt/fresh > /dev/null &
reader=$!
wait_for fuse_dax_alloc_wait_begin || { release; fail "no allocation wait with the pool empty"; }
echo "ok: a fault and a read wait for a range while REMOVEMAPPING is held"
release
wait "$toucher" || fail "the faulting process failed after the wait"
wait "$reader" || fail "the reading process failed after the wait"
rmdir "$waits"
stop_daxfsd /tmp/mnt
for e in $(doc_events | cut -d' ' -f1); do echo 0 > "$tracefs/events/fuse/$e/enable"; done

overruns=$(grep -h '^overrun' "$tracefs"/per_cpu/cpu*/stats | awk '{s += $2} END {print s}')
expect_eq "events lost by the trace buffer" 0 "$overruns"
count() { grep -c " $1: " "$tracefs/trace"; }
for e in $(doc_events | cut -d' ' -f1); do
	n=$(count "$e")
	[ "$n" -gt 0 ] || fail "$e never fired"
	echo "ok: $e fired $n times"
done
grep -q ' fuse_dax_setup_end: .* upgrade 1 ' "$tracefs/trace" || fail "no upgrade of a read-only range"
grep -q ' fuse_dax_reclaim_end: .* reason inline ' "$tracefs/trace" || fail "no inline reclaim"
grep -q ' fuse_dax_reclaim_end: .* reason background ' "$tracefs/trace" || fail "no background reclaim"
echo "ok: upgrades, inline and background reclaim seen"

expect_eq "setup events = server SETUPMAPPING" "$(stat_of SETUPMAPPING)" "$(count fuse_dax_setup_end)"
# removals at unmount fail with -ENOTCONN and never reach the server
removed=$(grep ' fuse_dax_remove_end: ' "$tracefs/trace" | grep -c ' ret 0 ')
expect_eq "removal events (ret 0) = server REMOVEMAPPING ranges" "$(stat_of removemapping_ranges)" "$removed"
