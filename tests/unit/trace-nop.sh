# A disabled fuse_dax_* event costs its static-key NOP and nothing more:
# at every call site in the built fuse module, nothing is loaded for the
# event ahead of its branch (tests/lib/trace-nop says how this is read
# from the disassembly).  The series before the events took pointers
# failed: 22 loads at 10 of its 15 sites.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:-$repo/build}
. "$(dirname "$0")/../lib/check.sh"
grep -qx 'CONFIG_JUMP_LABEL=y' "$repo/kernel/config/base.config" ||
	fail "kernel/config/base.config has no CONFIG_JUMP_LABEL=y: without it no call site is a NOP"
# the 6.12 kernel (make kernel) and the mainline one (make kernel-mainline)
for dir in "$build" "$build/mainline"; do
	ko=$(find "$dir/modules" -name fuse.ko 2>/dev/null | head -1)
	[ -n "$ko" ] || fail "no fuse.ko under $dir/modules: build the kernels first (make kernel kernel-mainline), fuse as a module"
	echo "$ko:"
	"$repo/tests/lib/trace-nop" "$ko" fuse_dax_ || fail "an event's arguments are loaded before its static branch"
done
