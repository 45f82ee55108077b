# What SIGKILL cannot end, and the way out.  fuse waits out a request the
# server has already read, for every FUSE filesystem: its answer (a
# mapping set up, bytes flushed) cannot be taken back.  So a task whose
# own FUSE_SETUPMAPPING the server has read and sits on stays asleep
# after SIGKILL; an operator ends it by aborting the connection
# (/sys/fs/fuse/connections/N/abort), which fails every request.  The
# waits behind a stalled reclaim are another matter: guest/kill-large
# and guest/kill-inline.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

src=$(mktemp -d /tmp/src.XXXXXX)	# other tests leave files in /tmp/src
make_file "$src/f" 2
# the server reads every SETUPMAPPING and answers it an hour later
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 --delay setupmapping=3600s ||
	fail "mount: $(cat "$daxfs_err")"
conn=$(stat -c %d /tmp/mnt)
[ -e "/sys/fs/fuse/connections/$conn/abort" ] || mount -t fusectl fusectl /sys/fs/fuse/connections
inst=$tracefs/instances/kill-abort
mkdir "$inst"
echo 1 > "$inst/events/fuse/fuse_dax_setup_begin/enable"
exec 7< "$inst/trace_pipe"
trap 'exec 7<&-; rmdir "$inst" 2>/dev/null' EXIT

walker read /tmp/mnt/f &
reader=$!
trace_wait 7 "-$reader" fuse_dax_setup_begin || fail "the reader never set up a range"
wait_blocked "$reader" || fail "the reader never slept on its SETUPMAPPING"
echo "ok: the reader waits for its SETUPMAPPING in $blocked_at"

# fuse_simple_request() tells the server (FUSE_INTERRUPT), then waits
# out the reply: right after kill(2) the reader still sleeps, SIGKILL
# pending (a killable sleep would have been woken by the kill)
kill -KILL "$reader"
state=$(awk '{print $3}' "/proc/$reader/stat")
pending=$(awk '/^(SigPnd|ShdPnd):/ {print $2}' "/proc/$reader/status" | paste -sd' ')
expect_eq "the reader's state right after SIGKILL" D "$state"
echo "ok: the reader sleeps on with SIGKILL pending (SigPnd ShdPnd: $pending)"

start=$(date +%s%N)
echo 1 > "/sys/fs/fuse/connections/$conn/abort"
wait "$reader"
rc=$?
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "the reader's exit status" 137 "$rc"
echo "ok: the abort ended the reader in ${took_ms} ms"
umount /tmp/mnt 2>/dev/null || umount -l /tmp/mnt || fail "cannot unmount after the abort"
# the server's thread still sits on the reply for the rest of its hour
kill -KILL "$daxfs_pid"
wait "$daxfs_pid" 2>/dev/null
rm -rf "$src"
echo "ok: unmounted after the abort"
