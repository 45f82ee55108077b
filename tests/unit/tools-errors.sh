# On a kernel without the fuse_dax tracepoints (this host's), without
# privileges, and with bad options, every tool exits non-zero with one
# line that names the fix, and never crashes.
set -u
build=${DAXMON_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }

expect_error() {	# what expected-status expected-text command...
	local what=$1 status=$2 text=$3 out rc
	shift 3
	out=$("$@" 2>&1 < /dev/null)
	rc=$?
	[ $rc = "$status" ] || fail "$what: expected exit $status, saw $rc: $out"
	grep -qF -- "$text" <<<"$out" || fail "$what: expected '$text' in: $out"
	echo "ok: $what: $(head -1 <<<"$out")"
}

for t in dax-stat dax-lat dax-top; do
	bin=$build/tools/$t
	[ -x "$bin" ] || fail "$bin not built"
	if [ ! -e /sys/kernel/tracing/events/fuse/fuse_dax_setup_begin ] &&
	   ! grep -q ' __tracepoint_fuse_dax_setup_begin$' /proc/kallsyms; then
		expect_error "$t on a kernel without the events" 1 \
			"this kernel has no fuse_dax_* tracepoints: it needs the daxmon patches" "$bin" 1 1
	fi
	expect_error "$t without privileges" 1 "needs CAP_BPF and CAP_PERFMON" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$bin" 1 1
	expect_error "$t with a bad option" 2 "unrecognized option '--bogus'" "$bin" --bogus
	expect_error "$t with a bad interval" 2 "invalid interval 'x'" "$bin" x
	"$bin" --help | grep -q EXAMPLES || fail "$t --help has no EXAMPLES"
done
expect_error "dax-lat with -P and -I" 2 "-P and -I exclude each other" "$build/tools/dax-lat" -P -I
expect_error "dax-lat with a bad pid" 2 "invalid PID 'abc'" "$build/tools/dax-lat" -p abc
expect_error "dax-lat with no table" 2 "invalid --max-entries '0': from 1 to 65536" \
	"$build/tools/dax-lat" --max-entries 0
expect_error "dax-top with a huge table" 2 "invalid --max-entries '99999999': from 1 to 65536" \
	"$build/tools/dax-top" --max-entries 99999999
