# The guest runs the kernel tests/run was given (this checkout's build by
# default), with the pmem window reserved on its command line.
. "$(dirname "$0")/../lib/guest.sh"
[ -n "${DAXMON_KERNEL_RELEASE:-}" ] || fail "tests/run found no kernel.release beside the bzImage"
expect_eq "running kernel release" "$DAXMON_KERNEL_RELEASE" "$(uname -r)"
grep -qw 'memmap=[0-9]*M!1024M' /proc/cmdline || fail "no memmap= pmem region on the command line: $(cat /proc/cmdline)"
echo "ok: $(cat /proc/cmdline)"
