# Sourced by guest tests: helpers that make a failure say what was
# expected and what was seen.
set -u
repo=${DAXMON_REPO:?run by tests/vm/guest-init}
build=${DAXMON_BUILD:-$repo/build}
tracefs=/sys/kernel/tracing

fail() { echo "FAIL: $*"; exit 1; }

expect_eq() {	# what expected seen
	[ "$2" = "$3" ] || fail "$1: expected '$2', saw '$3'"
	echo "ok: $1 = $3"
}

# "EVENT FIELD..." lines for every event docs/tracepoints.md names.
doc_events() { "$repo/tests/lib/doc-events" "$repo/docs/tracepoints.md"; }
