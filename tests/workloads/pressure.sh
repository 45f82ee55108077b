#!/bin/bash
# Put a DAX window under pressure from every side, on files under MNT:
# read() of more files than the window has ranges (allocation waits and
# inline reclaim), mmap readers of a working set larger than the window
# (fault waits, background reclaim), and a reader-writer (upgrades).
# Usage: pressure.sh MNT   (files big.N and small.N made by prepare)
set -eu
mnt=$1
ranges=${RANGES:-16}
pids=()
for i in 0 1; do
	fio --name=mmap$i --ioengine=mmap --rw=randread --bs=4k --size=48M \
	    --filename="$mnt/big.$i" --io_size=2M --randrepeat=1 --random_generator=lfsr \
	    --output=/dev/null --eta=never &
	pids+=($!)
done
# reads map ranges read-only, writes to them then upgrade them
fio --name=rw --ioengine=psync --rw=randrw --bs=64k --size=48M \
    --filename="$mnt/big.2" --io_size=8M --output=/dev/null --eta=never &
pids+=($!)
for i in $(seq 0 $((ranges + 3))); do
	cat "$mnt/small.$i" > /dev/null &
	pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
