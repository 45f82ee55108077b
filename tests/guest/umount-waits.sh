# Unmounting while the pool is under pressure: umount -l with a fault
# asleep in the range wait and reclaim blocked on the server, and a
# plain umount right after a workload, while background reclaim still
# runs.  Nothing hangs, the server exits, and the files are intact under
# a new mount.  The daxmon tools watching all this carry on.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
w=$repo/tests/workloads
tools=$build/tools

mkdir -p /tmp/src
for i in $(seq 0 19); do make_file /tmp/src/f.$i 2; done
sha() { (cd /tmp/src && sha256sum f.*); }
sha > "$work/before"
inst=$tracefs/instances/umount-waits
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_fault_wait_begin/enable"
exec 7< "$inst/trace_pipe"
trap 'exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT


# tools watching, started once: they must outlive the mounts
start_tool "$work/stat.out" "$work/stat.err" "$tools/dax-stat" --json 1 || fail "dax-stat: $tool_line"
stat_pid=$tool_pid
start_tool "$work/top.out" "$work/top.err" "$tools/dax-top" -b 1 || fail "dax-top: $tool_line"
top_pid=$tool_pid

# 1. umount -l with a fault asleep in the range wait
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"
touch_mapped /tmp/mnt/f.{0..19} 7<&- &
victim=$!
trace_wait 7 "-$victim" fuse_dax_fault_wait_begin ||
	fail "the toucher never waited for a range"
umount -l /tmp/mnt || fail "umount -l with a fault waiting"
! grep -q ' /tmp/mnt ' /proc/mounts || fail "/tmp/mnt still in the mount table after umount -l"
echo "ok: umount -l returned with a fault asleep in the range wait"
# the fault still sleeps; the server, told to stop, lets its held
# replies go, the waiter finishes, the last user leaves
kill -TERM "$daxfs_pid"
wait "$victim" || fail "the waiting toucher failed after the lazy unmount: exit $?"
wait "$daxfs_pid" || fail "daxfsd exited $? after the lazy unmount"
echo "ok: the waiter finished and daxfsd exited once the server let go"

# 2. plain umount straight after a workload that left reclaim running
"$w/prepare.sh" /tmp/src2 > /dev/null
start_daxfsd /tmp/src2 /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
RANGES=16 "$w/pressure.sh" /tmp/mnt || fail "pressure workload"
stop_daxfsd /tmp/mnt
echo "ok: umount right after the workload, server exited 0"

# the files are what they were
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "remount: $(cat "$daxfs_err")"
for i in $(seq 0 19); do
	cmp -s "/tmp/src/f.$i" "/tmp/mnt/f.$i" || fail "f.$i differs through the window after the unmounts"
done
stop_daxfsd /tmp/mnt
sha > "$work/after"
cmp -s "$work/before" "$work/after" || fail "the server's files changed: $(diff "$work/before" "$work/after")"
echo "ok: all files intact"

# the tools lived through it, and wrote well-formed output all along
for p in $stat_pid $top_pid; do
	kill -0 "$p" 2>/dev/null || fail "a tool (pid $p) died when its mount went away: $(cat "$work/stat.err" "$work/top.err")"
done
stop_tool "$stat_pid" || fail "dax-stat exited $? on SIGINT"
stop_tool "$top_pid" || fail "dax-top exited $? on SIGINT"
jq -e . "$work/stat.out" > /dev/null || fail "dax-stat wrote bad JSON: $(tail -c 300 "$work/stat.out")"
echo "ok: dax-stat and dax-top ran through three mounts and unmounts and exited 0"
