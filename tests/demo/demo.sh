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

say "dax-stat every 2 s for the rest of the run: FREE near 0 and removals keeping pace with setups mean the window is too small for this working set"
"$tools/dax-lat" -m > "$work/lat.txt" 2>&1 &
lat=$!
"$tools/dax-top" -b 10 1 > "$work/top.txt" 2>&1 &
top=$!
"$tools/dax-stat" 2 &
stat=$!
wait "$load"
kill -INT "$stat" "$lat"
wait "$stat" "$lat" "$top"

say "dax-lat over the same run: how long faults and reads waited for a range, and what a FUSE_SETUPMAPPING round trip costs here"
cat "$work/lat.txt"
say "dax-top -b over 10 s of it: who used the window"
cat "$work/top.txt"
stop_daxfsd /tmp/mnt
say "daxfsd's own count of requests (ground truth for the tools)"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print({k: v for k, v in d["requests"].items() if v})' "$daxfs_stats"
