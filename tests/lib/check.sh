# Sourced by every test script, on the host (tests/unit, tests/vm,
# tests/bench) and in the guest (through tests/lib/guest.sh): one way to
# fail, to compare and to skip.  A script's exit status is its verdict,
# as in kselftest: 0 PASS, 4 SKIP (it cannot run here), anything else
# FAIL.  The C host tests have the same in tests/lib/check.h.

# The tools, as tools/Makefile names them
daxmon_tools=$(sed -n 's/^TOOLS[[:space:]]*:= //p' "$(dirname "${BASH_SOURCE[0]}")/../../tools/Makefile")

# fail WHY...: the test fails here.  A script that knows more to show
# (a server's log) defines on_fail, which runs first.
fail() {
	echo "FAIL: $*"
	if declare -F on_fail > /dev/null; then on_fail; fi
	exit 1
}

# expect_eq WHAT EXPECTED SEEN
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', saw '$3'"
	echo "ok: $1 = $3"
}

# skip WHY...: the test cannot run here (kselftest's KSFT_SKIP).
skip() {
	echo "SKIP: $*"
	exit 4
}

# fail_later WHY...: a failure noted while the script goes on to find
# the others; it ends with check_failed_later.
failed_later=0
fail_later() {
	echo "FAIL: $*"
	failed_later=1
}
check_failed_later() {
	[ "$failed_later" = 0 ]
}
