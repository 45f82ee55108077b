# The soak, first half: the three tools start here and watch every guest
# test that follows (mounts come and go, events pour in and stop), while
# a sampler writes their resident memory every 5 s.  tests/soak/soak.sh,
# run after the last test, checks they are still there and that their
# memory stayed flat.  tests/run puts the two around the guest tests.
. "$(dirname "$0")/../lib/guest.sh"
# state and logs where the host finds them: soak-begin's output directory
soak=$DAXMON_OUT
tools=$build/tools
mkdir -p "$soak"

# Their tables are bounded so that memory that keeps growing is a leak:
# dax-stat and dax-lat keep one entry per mount and kind, dax-top's rows
# are capped (the LRU map evicts once 64 processes were seen).
# setsid: a test that kills its process group must not reach them.
start_tool "$soak/stat.out" "$soak/stat.err" setsid "$build/tools/dax-stat" --listen 9466 ||
	fail "dax-stat: $tool_line"
echo "$tool_pid dax-stat" > "$soak/pids"
start_tool "$soak/top.out" "$soak/top.err" setsid "$tools/dax-top" -b --max-entries 64 2 ||
	fail "dax-top: $tool_line"
echo "$tool_pid dax-top" >> "$soak/pids"
start_tool "$soak/lat.out" "$soak/lat.err" setsid "$tools/dax-lat" --json 10 ||
	fail "dax-lat: $tool_line"
echo "$tool_pid dax-lat" >> "$soak/pids"
date +%s > "$soak/start"

# elapsed-seconds tool rss-kib every 5 s, and a scrape of dax-stat every
# 30 s by the clock.  Bash builtins only but for curl: on the debug kernel
# under TCG each fork and exec took seconds, which stretched a round of
# awk and date to over 30 s.  curl, not bash's /dev/tcp, which reads a
# socket a byte at a time and outlasted the 10 s a scrape is given there.
setsid bash -c '
	soak=$1 start=$(<"$1/start") next_scrape=0
	while sleep 5; do
		printf -v now "%(%s)T" -1
		now=$((now - start))
		while read -r pid name; do
			rss=gone
			while read -r key value _; do
				[ "$key" = VmRSS: ] && rss=$value && break
			done < "/proc/$pid/status"
			echo "$now $name $rss"
		done < "$soak/pids" 2> /dev/null >> "$soak/rss"
		[ "$now" -ge "$next_scrape" ] || continue
		next_scrape=$((now + 30))
		# the number of daxmon_ lines of a whole answer, or 0
		if curl -sf --max-time 10 -o "$soak/scrape" http://127.0.0.1:9466/metrics; then
			grep -c ^daxmon_ "$soak/scrape"
		else
			echo 0
		fi >> "$soak/scrapes"
	done' soak "$soak" < /dev/null > /dev/null 2>&1 &
echo "$!" > "$soak/sampler"
echo "ok: dax-stat, dax-top and dax-lat attached; sampling their RSS every 5 s"
