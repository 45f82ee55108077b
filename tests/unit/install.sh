# make install into a temporary DESTDIR puts exactly daxmon's files in
# the usual places, with the right modes, without building the kernel;
# the installed tools answer --help, man finds and renders the installed
# pages, the installed rules pass their promtool tests where they are;
# make uninstall leaves nothing of daxmon behind.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"
dest=$tmp/root
prefix=/usr/local
root=$dest$prefix
mk() { make -s -C "$repo" BUILD="$build" DESTDIR="$dest" PREFIX="$prefix" "$@"; }

mk -n install > "$tmp/plan" 2>&1 || fail "make -n install: $(cat "$tmp/plan")"
! grep -q 'kernel/build.sh' "$tmp/plan" || fail "make install would build the kernel"
echo "ok: make install does not build the kernel"

mk install > "$tmp/install.log" 2>&1 || fail "make install: $(cat "$tmp/install.log")"

# What must be there: sbin the tools, lib/daxmon the test VMM, man8 every
# page of docs/man, share/daxmon the rules and the dashboard.
{
	for t in $daxmon_tools; do echo "755 $prefix/sbin/$t"; done
	echo "755 $prefix/lib/daxmon/daxfsd"
	for p in "$repo"/docs/man/*.8; do echo "644 $prefix/share/man/man8/$(basename "$p")"; done
	echo "644 $prefix/share/daxmon/prometheus/daxmon.rules.yml"
	echo "644 $prefix/share/daxmon/prometheus/daxmon.rules.test.yml"
	echo "644 $prefix/share/daxmon/grafana/daxmon.json"
} | sort > "$tmp/expected"
(cd "$dest" && find . -type f -printf '%m /%P\n' | sort) > "$tmp/seen"
diff -u "$tmp/expected" "$tmp/seen" > "$tmp/diff" ||
	fail "installed files (mode path) differ from the expected list: $(cat "$tmp/diff")"
echo "ok: $(wc -l < "$tmp/seen") files installed, modes and places as expected"

for bin in $(printf "$root/sbin/%s " $daxmon_tools) "$root"/lib/daxmon/daxfsd; do
	name=$(basename "$bin")
	out=$("$bin" --help 2>&1 < /dev/null)
	rc=$?
	[ $rc = 0 ] || fail "$bin --help: expected exit 0, saw $rc: $out"
	grep -q "$name" <<<"$out" || fail "$bin --help does not name $name: $out"
	cmp -s "$bin" "$build/tools/$name" || fail "$bin is not $build/tools/$name"
	echo "ok: installed $name --help: $(grep -m1 . <<<"$out")"
done

for page in "$root"/share/man/man8/*.8; do
	name=$(basename "$page" .8)
	text=$(MANWIDTH=80 man -l "$page" 2> "$tmp/man.err" | col -b)
	grep -q "^NAME" <<<"$text" && grep -q "^SYNOPSIS" <<<"$text" ||
		fail "man -l $page renders no NAME and SYNOPSIS: $(head -5 <<<"$text") $(cat "$tmp/man.err")"
	# as a user reaches it: section 8 of a man tree
	found=$(MANWIDTH=80 man -M "$root/share/man" 8 "$name" 2> /dev/null | col -b | grep -m1 "^NAME")
	[ -n "$found" ] || fail "man -M $root/share/man 8 $name finds no page"
	echo "ok: man renders $name(8): $(grep -A1 '^NAME' <<<"$text" | tail -1 | sed 's/^ *//')"
done

if command -v promtool > /dev/null; then
	out=$(cd / && promtool test rules "$root/share/daxmon/prometheus/daxmon.rules.test.yml" 2>&1) ||
		fail "the installed rules fail their tests: $out"
	echo "ok: the installed rules pass promtool test rules where they are"
fi
jq -e '.title and (.panels | length > 0)' "$root/share/daxmon/grafana/daxmon.json" > /dev/null ||
	fail "the installed dashboard is not a dashboard"
echo "ok: the installed dashboard parses"

mk uninstall > "$tmp/uninstall.log" 2>&1 || fail "make uninstall: $(cat "$tmp/uninstall.log")"
left=$(cd "$dest" && find . -type f -o -name '*daxmon*' -o -name 'dax-*')
[ -z "$left" ] || fail "make uninstall left: $(tr "\n" " " <<<"$left")"
echo "ok: make uninstall removed every file and daxmon's directories"
mk uninstall > "$tmp/uninstall.log" 2>&1 || fail "make uninstall a second time: $(cat "$tmp/uninstall.log")"
echo "ok: make uninstall on nothing installed succeeds"
