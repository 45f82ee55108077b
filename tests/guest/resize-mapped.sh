# The server changes the size of a file a task has mapped through the
# window: a getattr brings the new size in (fuse_change_attributes_i()).
# Growing, the mapped pages stay as they are: a DAX file has no page
# cache to drop, the window shows the file.  Shrinking, the pages past
# the new end are unmapped, as on truncate: touching one is SIGBUS, a
# page before it still reads the file's byte.  Neither may warn: since
# fs/dax counts a folio reference for each mapped page (7.x), dropping
# the DAX entry of a page still mapped warns in dax_folio_put(), and
# truncate_pagecache() warns for an entry a file system left; guest-init
# fails the test on any warning.  In between, the server changes a
# mapped byte and tells the kernel (FUSE_NOTIFY_INVAL_INODE, which only
# a /dev/fuse mount with dax_dev= gets for a DAX file): the mapped page
# reads the new byte, and its entry may not be dropped either.  Last, the size comes in while
# fallocate(2) holds the file's invalidate_lock: a user without
# CAP_FSETID extends a setuid file, and file_modified() asks the server
# for the mode (fuse_setattr() without handle_killpriv); the reply
# brings the size the server shrank the file to meanwhile, so the shrink
# must not take that lock again.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
src=$(mktemp -d /tmp/src.XXXXXX)
cmd=$src.cmd			# $work is 9p: no fifos there
go=$src.go
trap 'rm -rf "$src" "$cmd" "$go"' EXIT

chmod 0755 "$src"			# the mount's root: nobody opens f below
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
# a failed check leaves it blocked on the fifo, the file mapped: not past
# this test, whose window the next test mounts
trap 'kill -KILL "$mapper" 2> /dev/null; rm -rf "$src" "$cmd" "$go"' EXIT

# ask OFFSET: the mapper's byte at OFFSET as "byte N", "gone" if it
# died, "no answer" after five minutes (a hang guard, not a clock)
ask() {
	local before deadline=$((SECONDS + 300))
	before=$(grep -c '^byte' "$work/mapper.out")
	echo "$1" >&8
	while [ "$(grep -c '^byte' "$work/mapper.out")" = "$before" ]; do
		kill -0 "$mapper" 2> /dev/null || { echo "gone"; return; }
		((SECONDS < deadline)) || { echo "no answer"; return; }
		sleep 0.1
	done
	grep '^byte' "$work/mapper.out" | tail -1
}
server_byte() { echo "byte $(od -An -tu1 -j "$1" -N1 "$src/f" | tr -d ' ')"; }

dd if=/dev/urandom bs=4k count=1 status=none >> "$src/f"
expect_eq "the size after the server grew the file" $(( (4 << 20) + 4096 )) \
	"$(statx_size /tmp/mnt/f)"
expect_eq "a mapped page of the grown file, read again" "$(server_byte 12345)" "$(ask 12345)"

# The server changes a mapped byte and says so (FUSE_NOTIFY_INVAL_INODE
# for the whole file): the DAX entries stay, the page reads the new byte
byte=$(od -An -tu1 -j 12345 -N1 "$src/f" | tr -d ' ')
printf "\\$(printf %o $(( (byte + 1) % 256 )))" |
	dd of="$src/f" bs=1 seek=12345 conv=notrunc status=none
tell_changed
grep -q 'told the kernel 1 files changed' "$daxfs_err" ||
	fail "daxfsd did not tell the kernel of f: $(tail -3 "$daxfs_err")"
expect_eq "a mapped page the server changed and said so" "byte $(( (byte + 1) % 256 ))" \
	"$(ask 12345)"

truncate -s $(( (2 << 20) + 4096 )) "$src/f"
expect_eq "the size after the server shrank the file" $(( (2 << 20) + 4096 )) \
	"$(statx_size /tmp/mnt/f)"
expect_eq "a mapped page before the new end" "$(server_byte 4097)" "$(ask 4097)"
expect_eq "a page past the new end" gone "$(ask $(( 3 << 20 )))"
exec 8>&-
rc=0
wait "$mapper" || rc=$?
expect_eq "the mapper's end (128 + SIGBUS)" 135 "$rc"

# The allocator opens the file as nobody, then, told to go, extends it
# to 3 MiB with fallocate(2); meanwhile the server shrank it to 1 MiB.
chmod 04777 "$src/f"
expect_eq "the size the kernel has before" $(( (2 << 20) + 4096 )) "$(statx_size /tmp/mnt/f)"
mkfifo -m 0666 "$go" || fail "cannot make a fifo for the allocator"
exec 9<> "$go"
start_ready '^open' "$work/alloc.out" setpriv --reuid=65534 --regid=65534 --clear-groups \
	python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
print("open", flush=True)
open(sys.argv[2]).readline()
os.posix_fallocate(fd, 0, 3 << 20)
print("fallocated", flush=True)
' /tmp/mnt/f "$go" || fail "the allocator did not open the file: $(cat "$work/alloc.out")"
alloc=$tool_pid
trap 'kill -KILL "$alloc" 2> /dev/null; rm -rf "$src" "$cmd" "$go"' EXIT
truncate -s $(( 1 << 20 )) "$src/f"
echo go >&9
# a hang guard, not a clock: a task stuck on the lock it holds never ends
deadline=$((SECONDS + 300))
while kill -0 "$alloc" 2> /dev/null && ((SECONDS < deadline)); do sleep 0.1; done
kill -0 "$alloc" 2> /dev/null &&
	fail "fallocate(2) still runs after 5 minutes, in $(cat "/proc/$alloc/wchan" 2>/dev/null)"
wait "$alloc" || fail "the allocator failed: $(cat "$work/alloc.out")"
grep -q '^fallocated' "$work/alloc.out" || fail "the allocator said: $(cat "$work/alloc.out")"
exec 9>&-
expect_eq "the size after fallocate(2)" $(( 3 << 20 )) "$(statx_size /tmp/mnt/f)"
expect_eq "the setuid bit after a user's fallocate(2)" 777 "$(stat -c %a "$src/f")"
stop_daxfsd /tmp/mnt
echo "ok: the mapped file grew, changed (the server said so) and shrank on the server's side, and shrank under fallocate(2), no warning"
