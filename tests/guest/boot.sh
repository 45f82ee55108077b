# The guest runs the kernel this checkout built, with the pmem window
# reserved on its command line.
. "$(dirname "$0")/../lib/guest.sh"
expect_eq "running kernel release" "$(cat "$build/kernel.release")" "$(uname -r)"
grep -qw 'memmap=[0-9]*M!1024M' /proc/cmdline || fail "no memmap= pmem region on the command line: $(cat /proc/cmdline)"
echo "ok: $(cat /proc/cmdline)"
