# daxfsd's request path without a kernel: proto_test feeds hand-made
# requests to proto_handle() and reads the replies from a pipe (INIT,
# malformed sizes, ENOSYS, FORGET, SETUP/REMOVEMAPPING on a window file,
# --delay, the REMOVEMAPPING stall, the stats JSON); then the same run
# under valgrind must show no errors and no leaks.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"

make -s -C "$repo/tools/daxfsd" O="$tmp" proto-test >"$tmp/build.log" 2>&1 ||
	fail "expected proto_test to build, saw: $(cat "$tmp/build.log")"

mkdir "$tmp/run"
"$tmp/proto_test" "$tmp/run" 2>"$tmp/err" || fail "expected proto_test to pass, saw exit $? ($(cat "$tmp/err"))"

if ! command -v valgrind >/dev/null; then
	skip "valgrind not installed"
fi
rm -rf "$tmp/run" && mkdir "$tmp/run"
valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all "$tmp/proto_test" "$tmp/run" >"$tmp/vg.out" 2>"$tmp/vg.err"
rc=$?
# proto_test's own stderr lines start with "daxfsd:"; anything else is valgrind.
grep -v '^daxfsd: ' "$tmp/vg.err" >"$tmp/vg.reports"
[ $rc = 0 ] || fail "expected a clean valgrind run, saw exit $rc: $(head -40 "$tmp/vg.err")"
[ ! -s "$tmp/vg.reports" ] || fail "expected no valgrind reports, saw: $(head -40 "$tmp/vg.reports")"
echo "ok: valgrind: no errors, no leaks ($(grep -c '^ok:' "$tmp/vg.out") checks)"
