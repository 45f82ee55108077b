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

# start_tool OUT ERR COMMAND...: run a daxmon tool in the background and
# return once it says on stderr that it is attached (or exited: then
# tool_line is its last line, the error).  Its stderr keeps flowing to ERR.  Sets
# tool_pid and tool_line.
start_tool() {
	local out=$1 err=$2 pipe ready
	shift 2
	pipe=$(mktemp -u /tmp/tool-err.XXXXXX)
	ready=$(mktemp -u /tmp/tool-ready.XXXXXX)
	mkfifo "$pipe" "$ready"
	"$@" > "$out" 2> "$pipe" &
	tool_pid=$!
	# pass stderr on; say when the attached line (or the end) comes
	{
		while IFS= read -r line; do
			echo "$line"
			case $line in *": attached ("*) break ;; esac
		done
		echo "${line:-exited}" > "$ready"
		cat
	} < "$pipe" >> "$err" &
	IFS= read -r tool_line < "$ready"
	rm -f "$pipe" "$ready"
	case $tool_line in
	*": attached ("*) return 0 ;;
	*) echo "start_tool: $1: $tool_line"; return 1 ;;
	esac
}

# stop_tool PID: ^C, as a user would, and wait for its last output.
stop_tool() {
	kill -INT "$1"
	wait "$1"
}
