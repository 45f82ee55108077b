# The host goes away under load: the FUSE server is killed while a
# FUSE_SETUPMAPPING is in flight, while FUSE_REMOVEMAPPING replies are
# held with a fault waiting for a range, and the connection is aborted
# through /sys/fs/fuse/connections while a workload runs.  Each time the
# tasks in the mount end (SIGBUS or an I/O error, not a hang), the mount
# can be torn down, and a file written and fsynced before is intact when
# a new server mounts the same directory.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
limit_s=60	# every task must be gone this long after the fault

mkdir -p /tmp/src /tmp/ref
for i in $(seq 0 19); do make_file /tmp/src/f.$i 2; done
make_file /tmp/ref/kept 3
inst=$tracefs/instances/server-faults
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_setup_begin/enable"
echo 1 > "$inst/events/fuse/fuse_dax_fault_wait_begin/enable"
exec 7< "$inst/trace_pipe"
trap 'exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT



# gone_within PID WHAT: PID exits within the limit; prints how it ended
gone_within() {
	local pid=$1 what=$2 start rc ms
	start=$(date +%s%N)
	( trap - EXIT; sleep $limit_s; kill -KILL "$pid" 2>/dev/null ) 7<&- &
	local watchdog=$!
	wait "$pid"
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	[ "$ms" -lt $((limit_s * 1000)) ] || fail "$what still there ${limit_s} s after the fault (hung)"
	echo "ok: $what ended ${ms} ms after the fault, exit status $rc"
	last_rc=$rc
}

# write_kept: a file written through the window and fsynced
write_kept() {
	dd if=/tmp/ref/kept of=/tmp/mnt/kept bs=1M conv=fsync status=none ||
		fail "writing kept through the window"
}

# check_kept: a new server on the same directory, and kept intact
check_kept() {
	start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "remount: $(cat "$daxfs_err")"
	cmp /tmp/ref/kept /tmp/mnt/kept || fail "kept differs after $1"
	for i in $(seq 0 19); do
		cmp -s "/tmp/src/f.$i" "/tmp/mnt/f.$i" || fail "f.$i differs after $1"
	done
	stop_daxfsd /tmp/mnt
	rm -f /tmp/src/kept
	echo "ok: after $1, data fsynced before is intact"
}

# teardown WHAT: the dead server's mount goes away
teardown() {
	umount /tmp/mnt 2>/dev/null || umount -l /tmp/mnt || fail "cannot unmount after $1"
	! grep -q ' /tmp/mnt ' /proc/mounts || fail "/tmp/mnt still mounted after $1"
	echo "ok: mount torn down after $1"
}

# 1. Killed while a SETUPMAPPING is in flight (each delayed 5 s)
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 --delay setupmapping=5s ||
	fail "mount: $(cat "$daxfs_err")"
write_kept
touch_mapped /tmp/mnt/f.0 &
victim=$!
trace_wait 7 "-$victim" fuse_dax_setup_begin || fail "pid $victim never hit fuse_dax_setup_begin"
kill -KILL "$daxfs_pid"
gone_within "$victim" "a fault waiting on SETUPMAPPING"
[ "$last_rc" = 135 ] || fail "the fault should end in SIGBUS (exit 135), got $last_rc"
wait "$daxfs_pid" 2>/dev/null
teardown "a kill during SETUPMAPPING"
check_kept "a kill during SETUPMAPPING"

# 2. Killed while REMOVEMAPPING replies are held and a fault waits for
# a range: nothing will ever free one.
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 --stall-removemapping ||
	fail "mount: $(cat "$daxfs_err")"
write_kept
touch_mapped /tmp/mnt/f.{0..19} &
victim=$!
trace_wait 7 "-$victim" fuse_dax_fault_wait_begin || fail "pid $victim never hit fuse_dax_fault_wait_begin"
kill -KILL "$daxfs_pid"
gone_within "$victim" "a fault waiting for a range"
wait "$daxfs_pid" 2>/dev/null
teardown "a kill during REMOVEMAPPING"
check_kept "a kill during REMOVEMAPPING"

# 3. The connection aborted under a mixed workload
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
write_kept
conn=$(stat -c %d /tmp/mnt)
[ -e "/sys/fs/fuse/connections/$conn/abort" ] || mount -t fusectl fusectl /sys/fs/fuse/connections
fio --name=rw --filename=/tmp/mnt/f.5 --rw=randrw --bs=4k --ioengine=psync \
    --time_based --runtime=60 --output=/dev/null --eta=never 7<&- &
rw=$!
# fio's job process (a child of $rw) maps its file: the load is on
trace_wait 7 "fio-[0-9]+" fuse_dax_setup_begin ||
	fail "fio never mapped its file"
touch_mapped /tmp/mnt/f.{0..4} /tmp/mnt/f.{6..19} &
mapper=$!
trace_wait 7 "-$mapper" fuse_dax_setup_begin || fail "pid $mapper never hit fuse_dax_setup_begin"
echo 1 > "/sys/fs/fuse/connections/$conn/abort"
gone_within "$mapper" "an mmap reader after the abort"
# fio ends either way: I/O needing the server fails, I/O to a range
# already mapped goes on in the window until its runtime is up (what it
# writes after the abort is lost with the server, as it would be)
gone_within "$rw" "fio read/write after the abort"
wait "$daxfs_pid" 2>/dev/null
teardown "an abort"
check_kept "an abort"
