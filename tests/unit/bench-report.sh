# tests/bench/report: runs of some parts (tests/bench/run --parts) are
# kept one entry each in host-parts.json, a later run taking over the
# parts it ran, and the report names each run beside the figures it
# made; the older one-run file (a JSON object) still reads.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
report=$repo/tests/bench/report
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/../lib/check.sh"

res=$dir/results
cp -r "$repo/docs/benchmarks/results" "$res"
rm -f "$res/host-parts.json"

# run COMMIT PARTS: the host record tests/bench/run writes for a run
run() {
	printf '{"date": "2026-12-04", "commit": "%s", "seconds": 600, "parts": "%s"}\n' \
		"$1" "$2" > "$dir/run.json"
	"$report" --add-part-run "$res" "$dir/run.json" || fail "--add-part-run $1 $2 failed"
}

# runs: "commit:parts" per entry of host-parts.json
runs() {
	python3 -c 'import json, sys
print(" ".join(r["commit"] + ":" + r["parts"] for r in json.load(open(sys.argv[1]))))' \
		"$res/host-parts.json"
}

run aaaaaaa per_event,startup,reclaim,size
expect_eq "the first run of some parts" "aaaaaaa:per_event,startup,reclaim,size" "$(runs)"
run bbbbbbb per_event
expect_eq "a second run takes over its part" "aaaaaaa:startup,reclaim,size bbbbbbb:per_event" "$(runs)"
run ccccccc startup,reclaim,size
expect_eq "a run of all an older run's parts drops it" "bbbbbbb:per_event ccccccc:startup,reclaim,size" "$(runs)"

"$report" "$res" "$dir/plots" "$dir/report.md" > "$dir/report.out" 2>&1 ||
	fail "the report failed: $(tail -3 "$dir/report.out")"
for r in "bbbbbbb:per_event" "ccccccc:startup,reclaim,size"; do
	grep -q -- "--parts ${r#*:}\`, the figures of these parts above) on 2026-12-04 at commit ${r%%:*}" \
		"$dir/report.md" || fail "the report does not name the run $r"
	echo "ok: the report names the run $r"
done
grep -q "This part ran on its own (\`tests/bench/run --parts startup,reclaim,size\`) on 2026-12-04 at commit ccccccc" \
	"$dir/report.md" || fail "the size section does not say which run made it"
echo "ok: the size section names its run"

# the file as one run of some parts wrote it before it was a list
printf '{"date": "2026-12-01", "commit": "ddddddd", "seconds": 60, "parts": "size"}\n' \
	> "$res/host-parts.json"
"$report" "$res" "$dir/plots" "$dir/report.md" > "$dir/report.out" 2>&1 ||
	fail "the report failed on a one-run file: $(tail -3 "$dir/report.out")"
grep -q "at commit ddddddd" "$dir/report.md" || fail "the one-run file's run is not named"
echo "ok: a one-run host-parts.json still reads"
run eeeeeee per_event
expect_eq "adding to a one-run file" "ddddddd:size eeeeeee:per_event" "$(runs)"

# with_rows CSV ROW...: the report of the committed results, CSV's rows
# replaced by the ROWs, in $dir/report.md
with_rows() {
	local csv=$1 res=$dir/results-rows
	shift
	rm -rf "$res"
	cp -r "$repo/docs/benchmarks/results" "$res"
	{ head -1 "$repo/docs/benchmarks/results/$csv"; printf '%s\n' "$@"; } > "$res/$csv"
	"$report" "$res" "$dir/plots" "$dir/report.md" > "$dir/report.out" 2>&1 ||
		fail "the report failed: $(tail -3 "$dir/report.out")"
}

# A fault wait under lfu where fifo had none is worse, not left out: the
# one wait of a scan is the one a user sees (issue 22's goal).
with_rows reclaim.csv \
	"1,seq,fifo,32,128,20000,10.0,,40,0,0" \
	"1,seq,lfu,32,128,20000,10.0,,40,1,5000" \
	"1,uniform,fifo,32,128,20000,10.0,,100,5,600" \
	"1,uniform,lfu,32,128,20000,10.0,,100,5,620"
goal=$(grep -- "- no case worse than fifo" "$dir/report.md")
expect_eq "a wait where fifo had none" \
	"- no case worse than fifo by more than 5% in SETUPMAPPINGs or fault-wait p99, every round: **not met** (worse: \`seq\` 32 MiB)" \
	"$goal"

# dax-size's advice: the smallest window within 10% of the fewest setups,
# from the predictions and from the runs, compared round by round; a
# round whose prediction points elsewhere is named.
with_rows size.csv \
	"1,zipf:1.1,fifo,32,32,4000,4100" "1,zipf:1.1,fifo,64,32,2000,2100" \
	"1,zipf:1.1,fifo,128,32,1000,300" "2,zipf:1.1,fifo,32,32,4000,4100" \
	"2,zipf:1.1,fifo,64,32,1050,2100" "2,zipf:1.1,fifo,128,32,1000,300"
expect_eq "the advice compared round by round" \
	"The advice (the smallest of these windows within 10% of the fewest setups, dax-size's default) from the predictions is the one the measured runs give in 1 of 2 rounds of the cases: \`zipf:1.1\` fifo round 2: 64 MiB advised, 128 MiB measured." \
	"$(grep '^The advice' "$dir/report.md")"
