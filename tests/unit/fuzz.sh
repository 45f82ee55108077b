# The libFuzzer targets of tests/fuzz: the committed corpus of each runs
# clean, then a short fuzz run from it finds nothing; a build with a bug
# planted in the dax-stat check must be caught by the corpus alone, or
# the harness checks nothing.  New inputs go to a scratch directory: the
# committed corpus changes only by hand (tests/fuzz/README.md).
set -u
build=${DAXMON_BUILD:?}
repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${DAXMON_FUZZ_SECONDS:-15}
. "$(dirname "$0")/../lib/check.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for name in $(printf '%s-options ' $daxmon_tools) mountinfo; do
	bin=$build/tools/fuzz/$name
	corpus=$repo/tests/fuzz/corpus/$name
	[ -x "$bin" ] || fail "$bin not built (make tools)"
	n=$(find "$corpus" -type f | wc -l)
	[ "$n" -gt 0 ] || fail "no corpus for $name"
	"$bin" -runs=0 "$corpus" > "$scratch/$name.replay" 2>&1 ||
		fail "$name: the committed corpus fails: $(grep -m1 ERROR "$scratch/$name.replay")"
	mkdir "$scratch/$name"
	"$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="$scratch/" "$scratch/$name" "$corpus" > "$scratch/$name.log" 2>&1 ||
		fail "$name: $(grep -m1 -E 'ERROR|runtime error' "$scratch/$name.log"), input in $(ls "$scratch"/{crash,timeout,oom,leak}-* 2>/dev/null)"
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$scratch/$name.log")
	[ "${runs:-0}" -ge 1000 ] || fail "$name: only ${runs:-0} runs in $seconds s"
	echo "ok: $name: $n inputs replayed, $runs runs in $seconds s, nothing found"
done

planted=$build/tools/fuzz/dax-stat-options-planted
"$planted" -runs=0 -artifact_prefix="$scratch/" "$repo/tests/fuzz/corpus/dax-stat-options" \
	> "$scratch/planted.log" 2>&1 && fail "the planted bug went unnoticed"
grep -q 'deadly signal' "$scratch/planted.log" ||
	fail "the planted run failed, but not on the planted bug: $(tail -3 "$scratch/planted.log")"
echo "ok: the corpus finds the bug planted in dax-stat's settings check"
