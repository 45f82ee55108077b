# The tools read the time zone once, not at every report: localtime()
# looks at /etc/localtime again on each call (glibc), a stat per report,
# three lookups over this guest's 9p root, which were most of dax-top's
# CPU in make bench.  Each tool in its text form with a time in each
# report, for 4 reports of a second while a reader keeps the pool busy,
# under strace: at most one look at the zone file (the first report's).
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
tools=$build/tools

command -v strace > /dev/null || fail "no strace (packages.txt)"
mkdir -p /tmp/src
make_file /tmp/src/f 48		# 24 ranges: the 32 MiB window reclaims all along
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
zone=$(readlink -f /etc/localtime 2> /dev/null || echo /etc/localtime)
# setups and removals in every interval, until told to stop
rm -f /tmp/stop
while [ ! -e /tmp/stop ] && cat /tmp/mnt/f > /dev/null; do :; done &
reader=$!
for cmd in "dax-top -b 1 4" "dax-stat -T 1 4" "dax-lat -T 1 4" "dax-size -T 1 4"; do
	t=${cmd%% *}
	# shellcheck disable=SC2086 # the tool's arguments
	strace -f -qq -e trace=file -o "$work/$t.strace" "$tools/"$cmd \
		> "$work/$t.out" 2> "$work/$t.err" || fail "$t: $(tail -3 "$work/$t.err")"
	reports=$(grep -Ec '[0-9]{2}:[0-9]{2}:[0-9]{2}' "$work/$t.out")
	[ "$reports" -ge 4 ] || fail "$t printed $reports reports with a time, expected 4: $(cat "$work/$t.out")"
	looks=$(grep -cE "\"(/etc/localtime|$zone)\"" "$work/$t.strace" || true)
	[ "$looks" -le 1 ] ||
		fail "$t looked at the time zone $looks times in $reports reports: $(grep -E 'localtime|zoneinfo' "$work/$t.strace" | head -3)"
	echo "ok: $t looked at the time zone $looks time(s) in $reports reports"
done
touch /tmp/stop
wait $reader
stop_daxfsd /tmp/mnt
