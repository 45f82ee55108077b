# dax-lat sees a slow host: with SETUPMAPPING replies delayed, the setup
# histogram's median moves by the delay, into the millisecond bucket
# that holds it.  Under QEMU TCG a round trip already costs tens of ms (daxfsd
# copies 2 MiB into the window), which would hide the 2 ms of a real
# host; 400 ms dominates it.  A quiet reader, so that queueing does not.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

setup_p50() {	# DELAY: the median setup latency in ms, as dax-lat estimates it
	start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 --delay "setupmapping=$1" ||
		fail "mount: $(cat "$daxfs_err")"
	start_tool "$work/lat-$1.json" "$work/lat-$1.err" "$build/tools/dax-lat" -m --json ||
		fail "dax-lat: $tool_line"
	cat /tmp/mnt/file > /dev/null
	stop_tool "$tool_pid" || fail "dax-lat exited $?"
	stop_daxfsd /tmp/mnt
	python3 -c 'import json, sys
h = [h for h in json.load(open(sys.argv[1]))["histograms"] if h["kind"] == "setup"][0]
assert h["count"] == int(sys.argv[2]), (h["count"], sys.argv[2])
print(h["p50"])' "$work/lat-$1.json" "$(stat_of SETUPMAPPING)" || fail "no setup histogram matching the server's count"
}

mkdir -p /tmp/src
make_file /tmp/src/file 16
base=$(setup_p50 0us)
echo "ok: setup p50 without delay: $base ms"
slow=$(setup_p50 400ms)
# The delay adds to what a setup costs without it: the median's bucket
# is the one of 400 ms plus the unslowed median, whose own bucket bounds
# it (dax-lat places it within its log2 bucket).  Where a setup costs
# tens of ms that is the 400 ms bucket itself; on a slower kernel
# (debug, sharing the host) it can be the next one.
range=$(python3 -c 'import sys
def bucket(ms): return 1 << max(int(ms), 1).bit_length() - 1
base, slow = map(float, sys.argv[1:])
lo, hi = bucket(400 + bucket(base)), 2 * bucket(400 + 2 * bucket(base) - 1)
print(f"[{lo}, {hi})")
sys.exit(not lo <= slow < hi)' "$base" "$slow") ||
	fail "setup p50 with a 400 ms delay: expected in $range ms, saw $slow ms (without delay: $base ms)"
echo "ok: setup p50 with a 400 ms delay: $slow ms, in $range ms (without delay: $base ms)"
