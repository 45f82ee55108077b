# make demo, in the guest: the fuse_dax events this kernel has.
. "$(dirname "$0")/../lib/guest.sh"
echo "kernel $(uname -r), DAX-capable window: /dev/pmem0 ($(( $(cat /sys/block/pmem0/size) / 2048 )) MiB)"
echo
echo "fuse_dax tracepoints (docs/tracepoints.md):"
for e in "$tracefs"/events/fuse/fuse_dax_*; do
	printf '  %-28s %s\n' "$(basename "$e")" "$(sed -n 's/^print fmt: "\([^"]*\)".*/\1/p' "$e/format")"
done
