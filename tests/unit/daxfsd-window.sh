# daxfsd's DAX window logic without a kernel: window_test (linked with
# window.c and coherence.c) uses a regular file as the window and checks
# setup, writeback clamping, write/truncate/fallocate coherence, and 3000
# random operations against a model of the file; then the same checks
# (300 random steps) under valgrind must show no errors and no leaks.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
# On disk if possible (O_DIRECT); window_test falls back to buffered.
tmp=$(mktemp -d /var/tmp/daxfsd-window.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"

make -s -C "$repo/tools/daxfsd" O="$tmp" window-test >"$tmp/build.log" 2>&1 ||
	fail "expected window_test to build, saw: $(cat "$tmp/build.log")"

mkdir "$tmp/run"
"$tmp/window_test" "$tmp/run" || fail "expected window_test to pass, saw exit $?"

if ! command -v valgrind >/dev/null; then
	skip "valgrind not installed"
fi
rm -rf "$tmp/run" && mkdir "$tmp/run"
valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all "$tmp/window_test" "$tmp/run" 300 >"$tmp/vg.out" 2>"$tmp/vg.err"
rc=$?
[ $rc = 0 ] || fail "expected a clean valgrind run, saw exit $rc: $(head -40 "$tmp/vg.err")"
[ ! -s "$tmp/vg.err" ] || fail "expected no valgrind reports, saw: $(head -40 "$tmp/vg.err")"
echo "ok: valgrind: no errors, no leaks ($(grep -c '^ok:' "$tmp/vg.out") checks)"
