# On a kernel without the fuse_dax tracepoints (this host's), without
# privileges, and with bad options, every tool exits non-zero with one
# line that names the fix, and never crashes.
set -u
build=${DAXMON_BUILD:?}
. "$(dirname "$0")/../lib/check.sh"

expect_error() {	# what expected-status expected-text command...
	local what=$1 status=$2 text=$3 out rc
	shift 3
	out=$("$@" 2>&1 < /dev/null)
	rc=$?
	[ $rc = "$status" ] || fail "$what: expected exit $status, saw $rc: $out"
	grep -qF -- "$text" <<<"$out" || fail "$what: expected '$text' in: $out"
	echo "ok: $what: $(head -1 <<<"$out")"
}

for t in $daxmon_tools; do
	bin=$build/tools/$t
	[ -x "$bin" ] || fail "$bin not built"
	if [ $t = dax-size ]; then
		# function probes only, on every kernel
		expect_error "$t --attach=tracepoint" 1 \
			"has no tracepoint mode: it probes fuse_setup_one_mapping" "$bin" --attach=tracepoint 1 1
	elif [ ! -e /sys/kernel/tracing/events/fuse/fuse_dax_setup_begin ] &&
	   ! grep -q ' __traceiter_fuse_dax_setup_begin$' /proc/kallsyms; then
		expect_error "$t --attach=tracepoint on a kernel without the events" 1 \
			"this kernel has no fuse_dax_* tracepoints: it needs the daxmon patches" \
			"$bin" --attach=tracepoint 1 1
		# auto: nothing else to attach to either, and why
		if ! grep -q ' fuse_request_end$' /proc/kallsyms; then
			expect_error "$t without fuse" 1 "fuse is not loaded: modprobe fuse" "$bin" 1 1
		elif ! grep -q ' fuse_dax_free_mem_worker$' /proc/kallsyms; then
			expect_error "$t on a fuse without DAX" 1 \
				"this kernel's fuse has no DAX: it needs CONFIG_FUSE_DAX=y" "$bin" 1 1
			expect_error "$t --attach=kprobe on a fuse without DAX" 1 \
				"this kernel's fuse has no DAX: it needs CONFIG_FUSE_DAX=y" \
				"$bin" --attach=kprobe 1 1
		fi
	fi
	expect_error "$t without privileges" 1 "needs CAP_BPF and CAP_PERFMON" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$bin" 1 1
	expect_error "$t with a bad option" 2 "unrecognized option '--bogus'" "$bin" --bogus
	expect_error "$t with a bad interval" 2 "invalid interval 'x'" "$bin" x
	expect_error "$t with a bad --attach" 2 \
		"invalid --attach 'uprobe': auto, tracepoint, fentry or kprobe" "$bin" --attach=uprobe
	expect_error "$t with --raw-tp and --attach=fentry" 2 \
		"--raw-tp and --attach=fentry exclude each other" "$bin" --raw-tp --attach=fentry
	"$bin" --help | grep -q EXAMPLES || fail "$t --help has no EXAMPLES"
done
expect_error "dax-lat with -P and -I" 2 "-P and -I exclude each other" "$build/tools/dax-lat" -P -I
expect_error "dax-lat with a bad pid" 2 "invalid PID 'abc'" "$build/tools/dax-lat" -p abc
expect_error "dax-lat with no table" 2 "invalid --max-entries '0': from 1 to 65536" \
	"$build/tools/dax-lat" --max-entries 0
expect_error "dax-top with a huge table" 2 "invalid --max-entries '99999999': from 1 to 65536" \
	"$build/tools/dax-top" --max-entries 99999999

# Bad numbers and addresses are refused while parsing: exit 2 and one
# line naming the value (then argp's "Try --help" hint), before anything
# is loaded.  Run without privileges, so that a value the parser let
# through would end in the preflight's "needs CAP_BPF" (exit 1) instead.
expect_refused() {	# tool expected-text args...
	local t=$1 text=$2 out rc
	shift 2
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$build/tools/$t" "$@" 2>&1 < /dev/null)
	rc=$?
	[ $rc = 2 ] || fail "$t $*: expected exit 2 while parsing, saw $rc: $out"
	[ "$(head -1 <<<"$out")" = "$t: $text" ] ||
		fail "$t $*: expected the first line '$t: $text', saw: $out"
	[ "$(sed 1d <<<"$out")" = "Try \`$t --help' or \`$t --usage' for more information." ] ||
		fail "$t $*: expected one line and argp's hint, saw: $out"
	echo "ok: $t $* refused: $text"
}

listen_hint="want [ADDR:]PORT, e.g. 9465 or 0.0.0.0:9465"
expect_refused dax-stat "bad --listen '999.1.1.1:80': $listen_hint" --listen 999.1.1.1:80
expect_refused dax-stat "bad --listen '127.0.0.1:0': $listen_hint" --listen 127.0.0.1:0
expect_refused dax-stat "bad --listen '65536': $listen_hint" --listen 65536
expect_refused dax-stat "bad --listen '-9465': $listen_hint" --listen -9465
expect_refused dax-stat "bad --listen 'localhost:94x': $listen_hint" --listen localhost:94x
expect_refused dax-lat "invalid --linear step '-1': a positive number" --linear -1
expect_refused dax-lat "invalid --linear step '99999999999999999999': a positive number" \
	--linear 99999999999999999999
expect_refused dax-lat "invalid --linear step '0': a positive number" --linear 0
expect_refused dax-lat "invalid PID ' 12'" -p ' 12'
expect_refused dax-top "invalid PID '+12'" -p +12
expect_refused dax-top "invalid ROWS '5x': a positive number" -r 5x
expect_refused dax-top "invalid ROWS '-5': a positive number" -r -5
expect_refused dax-top "invalid --max-entries '+5': from 1 to 65536" --max-entries +5
# node_exporter's textfile directory, owned by its user: dax-stat
# replaces the file after it drops its privileges, so it is refused
# before anything is loaded, not at every interval
promdir=$(mktemp -d)
chown 65534:65534 "$promdir"
expect_error "dax-stat --prometheus into another user's directory" 1 \
	"cannot write --prometheus=$promdir/daxmon.prom without privileges, as dax-stat runs once attached: Permission denied" \
	"$build/tools/dax-stat" --prometheus="$promdir/daxmon.prom" 1 1
[ -z "$(ls -A "$promdir")" ] || fail "dax-stat's check left a file in $promdir: $(ls -A "$promdir")"
rmdir "$promdir"
# where it can write, the check leaves nothing behind
promdir=$(mktemp -d)
"$build/tools/dax-stat" --prometheus="$promdir/daxmon.prom" 1 1 > /dev/null 2>&1
[ -z "$(ls -A "$promdir")" ] || fail "dax-stat's check left a file in $promdir: $(ls -A "$promdir")"
rmdir "$promdir"
echo "ok: dax-stat's check of --prometheus's directory leaves no file"
expect_refused dax-stat "invalid interval '-1': a positive number" -- -1
expect_refused dax-stat "invalid interval '2147483648': a positive number" 2147483648
expect_refused dax-lat "invalid count '99999999999999999999': a positive number" 1 99999999999999999999
expect_refused dax-top "invalid count '0': a positive number" 1 0
size_hint="a size such as 512M or 4G, a multiple of 2M"
expect_refused dax-size "invalid --sizes entry '3M': $size_hint" --sizes 1G,3M
expect_refused dax-size "invalid --sizes entry '0': $size_hint" --sizes 0
expect_refused dax-size "invalid --sizes entry '99999999999999999T': $size_hint" --sizes 99999999999999999T
expect_refused dax-size "invalid --sizes entry '1Gx': $size_hint" --sizes 1Gx
expect_refused dax-size "invalid --sizes ',': a list such as 512M,1G,2G" --sizes ,
expect_refused dax-size "invalid --policy 'lru': lfu or fifo" --policy lru
expect_refused dax-size "invalid --sample '0': from 1 (every range) to 16777216" --sample 0
expect_refused dax-size "invalid --buffer '3K': a power of two from 4K to 1G" --buffer 3K
expect_refused dax-size "invalid --within '-5': a percentage from 0 to 1000" --within -5
expect_refused dax-size "invalid --plot '': a file name" --plot ''
expect_refused dax-size "no -p here: every process on a mount shares its pool, which dax-size models whole" -p 1
expect_refused dax-size "no -c here: every process on a mount shares its pool, which dax-size models whole" -c /sys/fs/cgroup
expect_error "dax-size --plot without gnuplot" 1 "--plot needs gnuplot (Debian: apt install gnuplot-nox)" \
	env PATH=/nonexistent "$build/tools/dax-size" --plot /tmp/x.png
# the file is opened before anything is loaded, not after a recording
expect_error "dax-size --plot into a missing directory" 1 \
	"cannot write --plot /nonexistent/x.png: No such file or directory" \
	"$build/tools/dax-size" --plot /nonexistent/x.png 1 1

# Every tool has the same hidden -h.
for t in $daxmon_tools; do
	"$build/tools/$t" -h 2>&1 | grep -q "^Usage: $t " || fail "$t -h prints no usage"
done
echo "ok: -h prints the usage of every tool"
