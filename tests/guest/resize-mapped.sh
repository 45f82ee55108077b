# The server changes the size of a file a task has mapped through the
# window: a getattr brings the new size in (fuse_change_attributes_i()).
# Growing, the mapped pages stay as they are: a DAX file has no page
# cache to drop, the window shows the file.  Shrinking, the pages past
# the new end go, as on truncate: touching one is SIGBUS, a page before
# it still reads the file's byte.  Neither may warn: since fs/dax
# counts a folio reference for each mapped page (7.x), dropping the DAX
# entry of a page still mapped warns in dax_folio_put() (fs/dax.c), and
# truncating past an entry not broken first in truncate_pagecache();
# guest-init fails the test on any warning.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
src=$(mktemp -d /tmp/src.XXXXXX)
cmd=$src.cmd			# $work is 9p: no fifos there
trap 'rm -rf "$src" "$cmd"' EXIT

make_file "$src/f" 4			# two ranges
start_daxfsd "$src" /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"

# statx_size FILE: the size, asked of the server (AT_STATX_FORCE_SYNC),
# so the reply goes through fuse_change_attributes_i() whatever the
# attribute timeout left cached
statx_size() {
	python3 -c '
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(256)
AT_FDCWD, AT_STATX_FORCE_SYNC, STATX_SIZE = -100, 0x2000, 0x200
if libc.statx(AT_FDCWD, sys.argv[1].encode(), AT_STATX_FORCE_SYNC, STATX_SIZE, buf):
    sys.exit("statx: " + os.strerror(ctypes.get_errno()))
print(struct.unpack_from("Q", buf, 40)[0])
' "$1"
}

# The mapper maps the whole file read-only and reads a byte per page,
# then, a line from the fifo $cmd at a time, reads the byte at the offset the
# line gives and prints it in hex (SIGBUS kills it past the end).
mkfifo "$cmd" || fail "cannot make a fifo for the mapper's commands"
exec 8<> "$cmd"	# open both ways: neither side waits for the other
start_ready '^mapped' "$work/mapper.out" python3 -c '
import mmap, sys
f = open(sys.argv[1], "rb")
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
sum(m[i] for i in range(0, len(m), 4096))
print("mapped", len(m), flush=True)
for line in open(sys.argv[2]):
    print("byte", m[int(line)], flush=True)
' /tmp/mnt/f "$cmd" || fail "the mapper did not map the file: $(cat "$work/mapper.out")"
mapper=$tool_pid

# ask OFFSET: the mapper's byte at OFFSET as "byte N", or why not
ask() {
	local before
	before=$(grep -c '^byte' "$work/mapper.out")
	echo "$1" >&8
	while [ "$(grep -c '^byte' "$work/mapper.out")" = "$before" ]; do
		kill -0 "$mapper" 2> /dev/null || { echo "gone"; return; }
		sleep 0.1
	done
	grep '^byte' "$work/mapper.out" | tail -1
}
server_byte() { echo "byte $(od -An -tu1 -j "$1" -N1 "$src/f" | tr -d ' ')"; }

dd if=/dev/urandom bs=4k count=1 status=none >> "$src/f"
expect_eq "the size after the server grew the file" $(( (4 << 20) + 4096 )) \
	"$(statx_size /tmp/mnt/f)"
expect_eq "a mapped page of the grown file" "$(server_byte 12345)" "$(ask 12345)"

truncate -s $(( (2 << 20) + 4096 )) "$src/f"
expect_eq "the size after the server shrank the file" $(( (2 << 20) + 4096 )) \
	"$(statx_size /tmp/mnt/f)"
expect_eq "a mapped page before the new end" "$(server_byte 4097)" "$(ask 4097)"
expect_eq "a page past the new end" gone "$(ask $(( 3 << 20 )))"
exec 8>&-
rc=0
wait "$mapper" || rc=$?
expect_eq "the mapper's end (128 + SIGBUS)" 135 "$rc"
stop_daxfsd /tmp/mnt
echo "ok: the mapped file grew and shrank on the server's side, no warning"
