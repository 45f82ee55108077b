# The guest harness itself: per-script verdicts reach the host, a kernel
# warning fails the script that caused it, guests that share a claims
# directory run each script once between them, and a panic or a hang
# ends the run within its time limit with the console log kept.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:-$repo/build}
fx=$repo/tests/vm/fixtures
out=$build/test-out/vm-selftest
. "$repo/tests/lib/check.sh"
verdict() { awk -F'\t' -v n="$2" '$1 == n { print $2 }' "$out/$1/results.tsv" 2>/dev/null; }

rm -rf "$out"
if "$repo/tests/vm/run-guest" -t 300 "$build/bzImage" "$out/mixed" \
	"$fx/pass.sh" "$fx/fail.sh" "$fx/skip.sh" "$fx/warn.sh" "$fx/after.sh"; then
	fail "run-guest succeeded although the guest logged a kernel warning"
fi
[ "$(verdict mixed pass)" = PASS ] || fail "pass.sh: expected PASS, saw '$(verdict mixed pass)'"
[ "$(verdict mixed fail)" = FAIL ] || fail "fail.sh: expected FAIL, saw '$(verdict mixed fail)'"
[ "$(verdict mixed skip)" = SKIP ] || fail "skip.sh: expected SKIP for exit 4, saw '$(verdict mixed skip)'"
[ "$(verdict mixed warn)" = FAIL ] || fail "warn.sh: expected FAIL for the kernel warning, saw '$(verdict mixed warn)'"
[ "$(verdict mixed after)" = PASS ] || fail "after.sh: expected PASS, saw '$(verdict mixed after)'"
grep -q 'this test fails' "$out/mixed/fail.log" || fail "fail.sh's output not kept"
grep -q 'kernel trouble while warn ran' "$out/mixed/warn.log" || fail "warn.log does not say why"
echo "ok: verdicts pass/fail/skip/warn/after = PASS/FAIL/SKIP/FAIL/PASS"

# More scripts than the kernel passes init arguments (32): every one runs
mkdir -p "$out/many-scripts"
many=()
for i in $(seq 1 40); do
	cp "$fx/pass.sh" "$out/many-scripts/p$i.sh"
	many+=("$out/many-scripts/p$i.sh")
done
"$repo/tests/vm/run-guest" -t 300 "$build/bzImage" "$out/many" "${many[@]}" ||
	fail "run-guest with 40 scripts: guest stopped early ($(grep -m1 -i panic "$out/many/console.log"))"
ran=$(awk -F'\t' '$2 == "PASS"' "$out/many/results.tsv" | wc -l)
[ "$ran" = 40 ] || fail "40 scripts: $ran passed"
echo "ok: 40 scripts in one guest, all run"

# two guests side by side (tests/run --boots): every script runs in
# exactly one of them, with its own verdict
"$repo/tests/vm/run-guest" -t 300 -c "$out/claims" "$build/bzImage" "$out/share1" \
	"$fx/pass.sh" "$fx/fail.sh" "$fx/after.sh" &
first=$!
"$repo/tests/vm/run-guest" -t 300 -c "$out/claims" "$build/bzImage" "$out/share2" \
	"$fx/pass.sh" "$fx/fail.sh" "$fx/after.sh" || fail "the second sharing guest did not finish"
wait $first || fail "the first sharing guest did not finish"
for n in pass:PASS fail:FAIL after:PASS; do
	runs=$(cat "$out"/share[12]/results.tsv 2> /dev/null | awk -F'\t' -v n="${n%:*}" '$1 == n' | cut -f2)
	[ "$runs" = "${n#*:}" ] || fail "${n%:*}.sh: expected one ${n#*:} in the two guests, saw '$(echo $runs)'"
done
echo "ok: two guests sharing claims ran pass/fail/after once each:" \
	"$(cut -f1 "$out/share1/results.tsv" 2> /dev/null | xargs) | $(cut -f1 "$out/share2/results.tsv" 2> /dev/null | xargs)"

start=$(date +%s)
if "$repo/tests/vm/run-guest" -t 300 "$build/bzImage" "$out/panic" "$fx/panic.sh" "$fx/after.sh"; then
	fail "run-guest succeeded although the guest panicked"
fi
grep -q 'Kernel panic' "$out/panic/console.log" || fail "panic not in the kept console log"
[ -z "$(verdict panic after)" ] || fail "after.sh ran after a panic"
echo "ok: panic reported after $(( $(date +%s) - start ))s, console kept"

start=$(date +%s)
if "$repo/tests/vm/run-guest" -t 45 "$build/bzImage" "$out/hang" "$fx/hang.sh" 2> "$out/hang.err"; then
	fail "run-guest succeeded although the guest hung"
fi
took=$(( $(date +%s) - start ))
grep -q 'did not finish within 45s' "$out/hang.err" || fail "hang not reported: $(cat "$out/hang.err")"
[ $took -lt 90 ] || fail "hung guest took ${took}s to be stopped, limit 45s"
[ -s "$out/hang/console.log" ] || fail "console log of the hung guest not kept"
echo "ok: hung guest stopped after ${took}s, console kept"
