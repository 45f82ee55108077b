# Bad dax mount options fail with the documented errno and a kernel log
# line that says why; dax_dev= needs CAP_SYS_ADMIN in the initial user
# namespace; a mount shows its window in /proc/mounts.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

# expect_mount_error WHAT ERRNO-TEXT KLOG-TEXT daxfsd-options...
expect_mount_error() {
	local what=$1 errtext=$2 klog=$3 before
	shift 3
	before=$(dmesg | wc -l)
	if start_daxfsd /tmp/src /tmp/mnt "$@"; then
		stop_daxfsd /tmp/mnt
		fail "$what: mount succeeded"
	fi
	wait "$daxfs_pid"
	grep -q "$errtext" "$daxfs_err" || fail "$what: expected '$errtext' from daxfsd, saw: $(cat "$daxfs_err")"
	if [ -n "$klog" ]; then
		dmesg | tail -n +"$((before + 1))" | grep -q "$klog" ||
			fail "$what: expected '$klog' in the kernel log, saw: $(dmesg | tail -n +"$((before + 1))")"
	fi
	echo "ok: $what: $(head -1 "$daxfs_err")"
}

expect_mount_error "dax= without dax_dev=" "Invalid argument" "dax needs dax_dev=" -o dax=always
expect_mount_error "dax=bogus" "Invalid argument" "" -o dax=bogus,dax_dev=/dev/pmem0
# The kernel's own checks: options passed with -o, so that daxfsd does
# not open the device itself first.
expect_mount_error "dax_dev= not a block device" "Block device required" "cannot open" -o dax=always,dax_dev=/dev/null

truncate -s 64M /tmp/loopfile
loop=$(losetup --find --show /tmp/loopfile) || fail "no loop device"
expect_mount_error "dax_dev= without DAX" "Operation not supported" "is not DAX-capable" -o "dax=always,dax_dev=$loop"
losetup -d "$loop"

# "smaller than one range" cannot be provoked here: legacy pmem regions
# must be 2 MiB aligned, so any of them holds at least one range.

start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "first mount on pmem0 failed: $(cat "$daxfs_err")"
first=$daxfs_pid
opts=$(awk '$2 == "/tmp/mnt" {print $4}' /proc/mounts)
[[ ,$opts, == *,dax_dev=/dev/pmem0,* && ,$opts, == *,dax=always,* ]] ||
	fail "/proc/mounts does not show the window: $opts"
echo "ok: /proc/mounts shows the window: $opts"
expect_mount_error "dax_dev= in use" "Device or resource busy" "already in use" -o dax=always,dax_dev=/dev/pmem0
daxfs_pid=$first
stop_daxfsd /tmp/mnt
echo "ok: pmem0 usable again after unmount"

# Unprivileged: as nobody, mount(2) itself refuses.
chmod 777 /tmp/mnt /tmp/src
before=$(dmesg | wc -l)
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$daxfsd" -o dax=always,dax_dev=/dev/pmem0 /tmp/src /tmp/mnt 2>&1)
rc=$?
expect_eq "daxfsd exit as nobody" 1 "$rc"
grep -q "Operation not permitted" <<<"$out" || fail "as nobody: expected EPERM, saw: $out"
echo "ok: unprivileged: $out"

# In a user namespace the fuse mount itself is allowed; dax_dev= is not.
unshare -Urm "$daxfsd" -o dax=always,dax_dev=/dev/pmem0 /tmp/src /tmp/mnt > "$work/userns.out" 2>&1
rc=$?
expect_eq "daxfsd exit in a user namespace with dax_dev=" 1 "$rc"
grep -q "Operation not permitted" "$work/userns.out" || fail "userns: expected EPERM, saw: $(cat "$work/userns.out")"
dmesg | tail -n +"$((before + 1))" | grep -q "dax_dev needs CAP_SYS_ADMIN" ||
	fail "userns: no 'dax_dev needs CAP_SYS_ADMIN' in the kernel log"
echo "ok: user namespace: $(head -1 "$work/userns.out")"

# A privileged mount for an unprivileged server: /dev/fuse opened by
# nobody, its fd handed to root (as a setuid mount helper would be), who
# mounts with dax_dev=.  The server would get the device: refused.
out=$(python3 - <<'PY'
import ctypes, os, socket
a, b = socket.socketpair(socket.AF_UNIX)
pid = os.fork()
if pid == 0:
    os.setgid(65534)
    os.setuid(65534)
    socket.send_fds(a, [b"x"], [os.open("/dev/fuse", os.O_RDWR)])
    os._exit(0)
_, fds, _, _ = socket.recv_fds(b, 1, 1)
os.waitpid(pid, 0)
libc = ctypes.CDLL(None, use_errno=True)
opts = f"fd={fds[0]},rootmode=40000,user_id=0,group_id=0,dax=always,dax_dev=/dev/pmem0"
if libc.mount(b"daxmon", b"/tmp/mnt", b"fuse", 0, opts.encode()):
    print("mount:", os.strerror(ctypes.get_errno()))
else:
    libc.umount2(b"/tmp/mnt", 2)	# MNT_DETACH: nobody serves it
    print("mounted")
PY
)
expect_eq "root's mount for a server that opened /dev/fuse as nobody" \
	"mount: Operation not permitted" "$out"
