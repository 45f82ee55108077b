# The race of patch 0002, made to happen every time: a write fault whose
# lookup missed is held (tests/workloads/daxrace.bpf.c) while a reader
# sets the same range up read-only; let go, the writer finds the reader's
# range and must have it upgraded to writable before it stores.  Without
# the upgrade the store goes into a range the server mapped read-only and
# never reaches the file: fsync reports success and the byte is lost.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

# created on the server's side: no range of it is mapped in the guest
mkdir -p /tmp/src
dd if=/dev/zero of=/tmp/src/race bs=1M count=2 status=none
start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
"$build/tools/daxrace" /tmp/mnt/race > "$work/daxrace.out" 2>&1 ||
	fail "daxrace could not set the race up: $(cat "$work/daxrace.out")"
cat "$work/daxrace.out"
byte_after_fsync=$(od -An -tx1 -N1 /tmp/src/race | tr -d ' ')
stop_daxfsd /tmp/mnt

expect_eq "byte 0 of the file on the server after fsync" 5a "$byte_after_fsync"
expect_eq "SETUPMAPPING requests (reader's read-only, writer's upgrade)" 2 \
	"$(stat_of SETUPMAPPING)"
echo "ok: the writer upgraded the reader's range and its store reached the file"
