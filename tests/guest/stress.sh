# Many processes at once on a window a fraction of their files: mmap
# loads and stores, reads, writes, O_DIRECT, truncate, punch hole and
# fsync on files of their own and on pages of one file they all share
# (tests/workloads/daxstress.c).  Every byte is checked against the
# workers' models during the run, after it, and again under a new
# mount.  A run told to lose one write must fail: the check can fail.
# dax-stat watches it all and must count what the server served.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
stress=$build/tools/daxstress
ref=$work/stress-ref
workers=8
seconds=${DAXMON_STRESS_SECONDS:-60}

rm -rf "$ref" "$work/lost-ref"
mkdir -p "$ref" "$work/lost-ref"
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
start_tool "$work/stat.json" "$work/stat.err" "$build/tools/dax-stat" --json 5 ||
	fail "dax-stat: $tool_line"
stat_pid=$tool_pid

# 8 own files of up to 8 MiB and a 16 MiB shared one: up to 80 MiB on a
# 32 MiB window
"$stress" -w $workers -t "$seconds" -s 8 -S 16 --seed 7 /tmp/mnt "$ref" \
	> "$work/stress.out" 2>&1
rc=$?
cat "$work/stress.out"
[ $rc = 0 ] || fail "daxstress exited $rc: $(grep -m1 FAIL "$work/stress.out")"
ops=$(awk '/^worker/ { s += $3 } END { print s }' "$work/stress.out")
echo "ok: $workers workers, $ops operations, every read as the models say"

stop_daxfsd /tmp/mnt
stop_tool "$stat_pid" || fail "dax-stat exited $? under the stress: $(tail -2 "$work/stat.err")"
read -r setups removed fwaits rerrs <<<"$(dax_stat_sums "$work/stat.json")" || fail "dax-stat JSON does not parse"
missed=$(json_missed "$work/stat.json")
expect_counted "dax-stat setups+upgrades = server SETUPMAPPING" "$(stat_of SETUPMAPPING)" "$setups" "$missed"
expect_counted "dax-stat ranges removed = server's" "$(stat_of removemapping_ranges)" "$removed" "$missed"
expect_short_within "dax-stat" "$missed"
[ "$setups" -gt 64 ] || fail "only $setups SETUPMAPPING: the window was not under pressure"
echo "ok: $setups mappings set up, $removed removed, $fwaits fault waits, $rerrs failed reclaims"

start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "remount: $(cat "$daxfs_err")"
n=0
for f in "$ref"/*; do
	cmp "$f" "/tmp/mnt/$(basename "$f")" || fail "$(basename "$f") differs under a new mount"
	n=$((n + 1))
done
expect_eq "files compared under a new mount" $((workers + 1)) "$n"

"$stress" -w 4 -t 5 -s 8 -S 16 --seed 8 --lose-write /tmp/mnt "$work/lost-ref" \
	> "$work/lost.out" 2>&1
rc=$?
cat "$work/lost.out"
expect_eq "exit status of a run that loses a write" 1 "$rc"
grep -q '^FAIL: worker 0 .* final read: own byte [0-9]* is 0x.., model says 0x..$' \
	"$work/lost.out" || fail "the lost write was not named"
echo "ok: a lost write is caught and named"
stop_daxfsd /tmp/mnt
