# The soak, second half (see soak-begin.sh): after at least 10 minutes
# of guest tests, or of pressure runs here if the tests were fewer, the
# three tools still run, every scrape of dax-stat answered, and no
# tool's resident memory grew: the most of the last two minutes is at
# most the most of the first half, plus 5% and 256 KiB of slack.
# Alone (tests/run guest/soak) it fits the pressure runs into the
# script's time limit, and says so.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
soak=${DAXMON_OUT%/*}/soak-begin
minimum=${DAXMON_SOAK_SECONDS:-600}
[ -f "$soak/start" ] || fail "soak-begin did not run"
start=$(cat "$soak/start")
# what guest-init allows this script, less a minute and a half to finish
deadline=$(( $(date +%s) + ${DAXMON_SCRIPT_TIMEOUT:-600} - 90 ))
[ $((start + minimum)) -le "$deadline" ] || {
	minimum=$((deadline - start))
	echo "note: soak cut to $minimum s by the script's time limit"
}

if [ $(( $(date +%s) - start )) -lt "$minimum" ]; then
	"$repo/tests/workloads/prepare.sh" /tmp/src
	start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
	while [ $(( $(date +%s) - start )) -lt "$minimum" ]; do
		"$repo/tests/workloads/pressure.sh" /tmp/mnt || fail "pressure workload failed"
	done
	stop_daxfsd /tmp/mnt
fi
elapsed=$(( $(date +%s) - start ))
kill "$(cat "$soak/sampler")"
echo "ok: the tools watched for $elapsed s"

# not our children: a dead one may linger as a zombie of PID 1
running() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] &&
	    [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
while read -r pid name; do
	running "$pid" "$name" || fail "$name died during the soak: $(tail -3 "$soak/${name#dax-}.err")"
	kill -INT "$pid"
done < "$soak/pids"
while read -r pid name; do
	for _ in $(seq 300); do running "$pid" "$name" || break; sleep 0.1; done
	! running "$pid" "$name" || fail "$name still runs 30 s after SIGINT"
done < "$soak/pids"
echo "ok: all three still ran and ended on SIGINT"

scrapes=$(wc -l < "$soak/scrapes")
failed=$(grep -c '^0$' "$soak/scrapes")
# the sampler's loop runs slower than its sleeps under TCG
[ "$scrapes" -ge $((elapsed / 60)) ] || fail "only $scrapes scrapes of dax-stat in $elapsed s"
expect_eq "dax-stat scrapes that failed (of $scrapes)" 0 "$failed"

while read -r pid name; do
	read -r early late samples < <(awk -v t="$name" -v end="$elapsed" '
		$2 == t && $3 != "gone" {
			n++
			if ($1 <= end / 2 && $3 > early) early = $3
			if ($1 >= end - 120 && $3 > late) late = $3
		}
		END { print early + 0, late + 0, n + 0 }' "$soak/rss")
	[ "$early" -gt 0 ] && [ "$late" -gt 0 ] || fail "$name: no RSS samples ($samples)"
	limit=$(( early + early / 20 + 256 ))
	[ "$late" -le "$limit" ] ||
		fail "$name: RSS grew from $early KiB (first half) to $late KiB (last 2 minutes)"
	echo "ok: $name RSS at most $early KiB in the first half, $late KiB at the end ($samples samples)"
done < "$soak/pids"
