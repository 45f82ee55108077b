# A page fault waiting for a free range can be killed (patch 0001): with
# the pool empty and the server holding REMOVEMAPPING, a task asleep in
# the fault wait dies of SIGKILL at once; a non-fatal signal leaves
# another waiter asleep; when the server resumes, that one finishes and
# every byte read through the window is what the server has.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
# Only a kernel without the fix needs the server to resume: the watchdog
# does that after this, long after a killed task's exit on the slowest
# kernel here (7 s on the debug kernel sharing the host with another boot)
watchdog_s=60

# 20 files of one range each for a pool of 16
mkdir -p /tmp/src
for i in $(seq 0 19); do make_file /tmp/src/f.$i 2; done
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"

waits=$tracefs/instances/daxmon-kill
mkdir "$waits"
echo 1 > "$waits/events/fuse/fuse_dax_fault_wait_begin/enable"
echo 1 > "$waits/events/fuse/fuse_dax_fault_wait_end/enable"
exec 7< "$waits/trace_pipe"
# whatever happens, no task is left asleep behind a stalled server
trap release_stall EXIT

# toucher FILE...: touch each file through a shared mapping and keep the
# mappings; on SIGUSR1, say so; at the end print "sha256 NAME DIGEST" of
# every mapping's contents as read through the window.
# (exec: the background job is python itself, so its pid is the one
# the trace shows and the one a kill reaches)
toucher() {
	exec python3 -c '
import hashlib, mmap, signal, sys
signal.signal(signal.SIGUSR1, lambda s, f: print("got SIGUSR1", flush=True))
maps = []
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    m[0]
    maps.append((p, m))
for p, m in maps:
    print("sha256", p, hashlib.sha256(m).hexdigest(), flush=True)
' "$@"
}

kill -USR2 "$daxfs_pid"		# hold REMOVEMAPPING replies
toucher /tmp/mnt/f.{0..16} > "$work/victim.out" &
victim=$!
trace_wait 7 "-$victim" fuse_dax_fault_wait_begin || fail "the victim never waited for a range"
toucher /tmp/mnt/f.{17..19} > "$work/survivor.out" &
survivor=$!
trace_wait 7 "-$survivor" fuse_dax_fault_wait_begin || fail "the survivor never waited for a range"
echo "ok: two tasks wait for a range, the pool is empty and REMOVEMAPPING held"

# A non-fatal signal does not end the wait: the waker skips a task in a
# killable sleep, so right after kill(2) it is still asleep with the
# signal pending.
kill -USR1 "$survivor"
state=$(awk '{print $3}' "/proc/$survivor/stat")
pending=$(awk '/^ShdPnd:/ {print $2}' "/proc/$survivor/status")
expect_eq "survivor state after SIGUSR1" D "$state"
(( 0x$pending & 1 << (10 - 1) )) || fail "SIGUSR1 not pending on the waiting survivor: ShdPnd $pending"
echo "ok: SIGUSR1 pending while the survivor waits (ShdPnd $pending)"

# SIGKILL must end the victim's wait without any help from the server:
# the victim must be gone while the watchdog, which keeps a kernel
# without the fix from hanging the test, has not yet let the server go.
(trap - EXIT; sleep $watchdog_s; release_stall) 7<&- &
watchdog=$!
start=$(date +%s%N)
kill -KILL "$victim"
wait "$victim"
rc=$?
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ -e "$work/stall-released" ] &&
	fail "the victim outlived the server's stall (gone ${took_ms} ms after SIGKILL, the watchdog resumed the server after ${watchdog_s} s): SIGKILL did not end the fault wait"
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
expect_eq "victim exit status" 137 "$rc"
echo "ok: victim gone ${took_ms} ms after SIGKILL, the server still holding REMOVEMAPPING"
trace_wait 7 "-$victim" fuse_dax_fault_wait_end || fail "no fault_wait_end for the killed victim"
case $trace_line in
*" ret -512 "*) echo "ok: fault_wait_end reports the kill (ret -512, -ERESTARTSYS)" ;;
*) fail "fault_wait_end of the killed victim: $trace_line" ;;
esac
state=$(awk '{print $3}' "/proc/$survivor/stat")
expect_eq "survivor still waiting after the victim died" D "$state"

release_stall
wait "$survivor" || fail "the survivor failed after the server resumed: $(tail -2 "$work/survivor.out")"
grep -qx "got SIGUSR1" "$work/survivor.out" || fail "the survivor's SIGUSR1 handler never ran"
exec 7<&-
rmdir "$waits"
n=0
while read -r _ path digest; do
	expect_eq "$(basename "$path") through the window" \
		"$(sha256sum < "/tmp/src/$(basename "$path")" | cut -d' ' -f1)" "$digest"
	n=$((n + 1))
done < <(grep '^sha256 ' "$work/survivor.out")
expect_eq "files the survivor read" 3 "$n"
for i in $(seq 0 19); do
	cmp -s "/tmp/src/f.$i" "/tmp/mnt/f.$i" || fail "f.$i differs through the window after the kill"
done
echo "ok: all 20 files read back exact after the kill"
stop_daxfsd /tmp/mnt
