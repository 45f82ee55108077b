# make demo, in the guest: a DAX window smaller than its files, a
# workload that puts its range pool under pressure, and what the
# fuse_dax events and the daxmon tools show of it.  Written to the
# console, which make demo streams.
exec > /dev/console 2>&1
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
w=$repo/tests/workloads
tools=$build/tools
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A 32 MiB DAX window (/dev/pmem0, 16 ranges of 2 MiB) for files of 48 MiB, served by daxfsd"
"$w/prepare.sh" /tmp/src
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
grep ' /tmp/mnt ' /proc/mounts

say "fuse_dax events streaming from tracefs while fio runs: each setup maps 2 MiB of a file into the window, each removal gives a range back, faults wait when none is free"
for e in "$tracefs"/events/fuse/fuse_dax_*; do echo 1 > "$e/enable"; done
"$w/pressure.sh" /tmp/mnt &
load=$!
timeout 60 grep -m 12 fuse_dax "$tracefs/trace_pipe" | cut -c1-180
for e in "$tracefs"/events/fuse/fuse_dax_*; do echo 0 > "$e/enable"; done

say "dax-stat, a line a second: FREE near 0 and removals keeping pace with setups mean the window is too small for this working set"
"$tools/dax-stat" 1 &
stat=$!
wait "$load"
kill -INT "$stat"
wait "$stat"

say "dax-lat over a second fio run: how long faults waited for a range, and what a FUSE_SETUPMAPPING round trip costs"
"$tools/dax-lat" -m &
lat=$!
"$w/pressure.sh" /tmp/mnt
kill -INT "$lat"
wait "$lat"

say "dax-top -b: who is using the window"
"$tools/dax-top" -b 1 1 &
"$w/pressure.sh" /tmp/mnt
wait
stop_daxfsd /tmp/mnt
say "daxfsd's own count of requests (ground truth for the tools)"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print({k: v for k, v in d["requests"].items() if v})' "$daxfs_stats"
