# memmap= gives a DAX-capable /dev/pmem0 of the size asked for.
. "$(dirname "$0")/../lib/guest.sh"
[ -b /dev/pmem0 ] || fail "/dev/pmem0 is not a block device: $(ls -l /dev/pmem* 2>&1)"
expect_eq "pmem0 supports DAX" 1 "$(cat /sys/block/pmem0/queue/dax)"
mb=$(sed -n 's/.*memmap=\([0-9]*\)M!1024M.*/\1/p' /proc/cmdline)
expect_eq "pmem0 size in bytes" $((mb << 20)) $(( $(cat /sys/block/pmem0/size) * 512 ))
