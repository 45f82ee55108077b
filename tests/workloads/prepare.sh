#!/bin/bash
# Make the files pressure.sh uses in SRC (the server's directory).
set -eu
src=$1
ranges=${RANGES:-16}
mkdir -p "$src"
for i in 0 1 2; do
	dd if=/dev/urandom of="$src/big.$i" bs=1M count=48 status=none
done
for i in $(seq 0 $((ranges + 3))); do
	dd if=/dev/urandom of="$src/small.$i" bs=1M count=2 status=none
done
