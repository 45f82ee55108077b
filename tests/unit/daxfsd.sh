# daxfsd as a plain passthrough on the host's /dev/fuse (no DAX here):
# file data, truncate, rename, unlink, directories, readdir, punch hole,
# attributes, the stats file, clean exits, and its option errors.
# By hand, under a checker (make takes CFLAGS/LDFLAGS from the environment):
#   DAXFSD_WRAP='valgrind -q --leak-check=full --error-exitcode=99' bash tests/unit/daxfsd.sh
#   CFLAGS='-g -fsanitize=address,undefined' LDFLAGS=-fsanitize=address,undefined bash tests/unit/daxfsd.sh
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"	# another user must reach $mnt
mnt=$tmp/mnt
src=$tmp/src
pid=
cleanup() {
	if [ -n "$pid" ]; then
		umount -l "$mnt" 2>/dev/null
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/../lib/check.sh"
on_fail() { [ -s "$tmp/daemon.err" ] && sed 's/^/daxfsd: /' "$tmp/daemon.err" | tail -20; }

if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
	skip "needs root and /dev/fuse"
fi

make -s -C "$repo/tools/daxfsd" O="$tmp" >"$tmp/build.log" 2>&1 ||
	fail "expected daxfsd to build, saw: $(cat "$tmp/build.log")"
daxfsd=$tmp/daxfsd
echo "ok: built"

# Starts daxfsd on $src at $mnt with extra args; returns once mounted.
# --ready-fd writes "ready" into a FIFO when mount(2) has succeeded; if
# daxfsd dies first, the read sees EOF instead.
start() {
	rm -f "$tmp/ready"
	mkfifo "$tmp/ready"
	# shellcheck disable=SC2086 # DAXFSD_WRAP is a command line
	${DAXFSD_WRAP:-} "$daxfsd" --ready-fd 3 --stats "$tmp/stats.json" "$@" "$src" "$mnt" \
		3>"$tmp/ready" 2>"$tmp/daemon.err" &
	pid=$!
	line=
	read -r -t 60 line <"$tmp/ready"
	[ "$line" = ready ] || fail "expected 'ready' on --ready-fd, saw '$line'"
	mountpoint -q "$mnt" || fail "expected $mnt mounted, saw it not"
}

# Waits for daxfsd to exit and checks its status.
stopped() {
	local rc
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "expected daxfsd to exit 0 after unmount, saw $rc"
}

mkdir -p "$mnt" "$src"
start --threads 4
echo "ok: mounted, ready-fd said ready"

# --- file data ---
head -c $((3 * 1024 * 1024 + 12345)) /dev/urandom >"$tmp/ref"
cp "$tmp/ref" "$mnt/f"
cmp -s "$tmp/ref" "$mnt/f" || fail "expected the written file to read back equal, saw it differ"
cmp -s "$tmp/ref" "$src/f" || fail "expected the source file equal to what was written, saw it differ"
echo "ok: 3 MiB written and read back (mount and source)"

# Overwrite in the middle, unaligned.
head -c 5000 /dev/urandom >"$tmp/patch"
dd if="$tmp/patch" of="$tmp/ref" bs=1 seek=1000001 conv=notrunc status=none
dd if="$tmp/patch" of="$mnt/f" bs=1 seek=1000001 conv=notrunc status=none
cmp -s "$tmp/ref" "$mnt/f" || fail "expected an unaligned overwrite to read back, saw it differ"
echo "ok: unaligned overwrite"

# O_APPEND: each append lands at the end.
printf 'one\n' >"$mnt/log"
printf 'two\n' >>"$mnt/log"
printf 'three\n' >>"$mnt/log"
[ "$(cat "$mnt/log")" = "$(printf 'one\ntwo\nthree')" ] ||
	fail "expected appends in order, saw '$(cat "$mnt/log")'"
echo "ok: appends"

# Several writers at once (4 worker threads).
writers=()
for i in 1 2 3 4; do
	head -c $((1024 * 1024 + i * 777)) /dev/urandom >"$tmp/par$i"
	cp "$tmp/par$i" "$mnt/par$i" &
	writers+=($!)
done
wait "${writers[@]}"
for i in 1 2 3 4; do
	cmp -s "$tmp/par$i" "$mnt/par$i" || fail "expected parallel writer $i's file intact, saw it differ"
done
echo "ok: 4 parallel writers"

# --- truncate down then up: zeros after the cut ---
truncate -s 1000 "$mnt/f"
truncate -s 70000 "$mnt/f"
size=$(stat -c %s "$mnt/f")
[ "$size" = 70000 ] || fail "expected size 70000 after truncate, saw $size"
{ head -c 1000 "$tmp/ref"; head -c 69000 /dev/zero; } >"$tmp/trunc"
cmp -s "$tmp/trunc" "$mnt/f" || fail "expected old bytes then zeros after truncate down+up, saw other bytes"
echo "ok: truncate down and up, zeros after the cut"

# --- rename, unlink ---
mv "$mnt/f" "$mnt/g"
[ ! -e "$mnt/f" ] || fail "expected f gone after rename, saw it"
[ -e "$src/g" ] || fail "expected g in the source after rename, saw none"
cmp -s "$tmp/trunc" "$mnt/g" || fail "expected renamed file's contents kept, saw them differ"
rm "$mnt/g"
[ ! -e "$mnt/g" ] && [ ! -e "$src/g" ] || fail "expected g gone after unlink, saw it"
echo "ok: rename, unlink"

# --- directories ---
mkdir "$mnt/d"
[ -d "$src/d" ] || fail "expected directory d in the source, saw none"
echo x >"$mnt/d/inner"
if rmdir "$mnt/d" 2>/dev/null; then fail "expected rmdir of a non-empty directory to fail, saw success"; fi
rm "$mnt/d/inner"
rmdir "$mnt/d" || fail "expected rmdir of an empty directory to work, saw failure"
[ ! -e "$src/d" ] || fail "expected d gone from the source, saw it"
echo "ok: mkdir, rmdir (non-empty refused)"

# --- readdir across several READDIR requests ---
mkdir "$mnt/many"
for i in $(seq -w 1 300); do : >"$mnt/many/a-rather-long-file-name-number-$i"; done
ls "$mnt/many" >"$tmp/listing"
for i in $(seq -w 1 300); do echo "a-rather-long-file-name-number-$i"; done >"$tmp/want"
cmp -s "$tmp/want" "$tmp/listing" ||
	fail "expected 300 names listed, saw $(wc -l <"$tmp/listing") ($(diff "$tmp/want" "$tmp/listing" | head -3 | tr '\n' ' '))"
echo "ok: readdir lists 300 entries"

# --- attributes ---
: >"$mnt/attr"
chmod 640 "$mnt/attr"
mode=$(stat -c %a "$src/attr")
[ "$mode" = 640 ] || fail "expected mode 640 in the source, saw $mode"
touch -m -d '2001-02-03 04:05:06 UTC' "$mnt/attr"
mtime=$(stat -c %Y "$src/attr")
[ "$mtime" = 981173106 ] || fail "expected mtime 981173106, saw $mtime"
chown 1234:5678 "$mnt/attr"
owner=$(stat -c %u:%g "$src/attr")
[ "$owner" = 1234:5678 ] || fail "expected owner 1234:5678, saw $owner"
echo "ok: chmod, touch -d, chown"

# A file created by another user is that user's in the source too.
mkdir "$mnt/pub"
chmod 777 "$mnt/pub"
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo hi > '$mnt/pub/theirs'" ||
	fail "expected nobody to create a file in a 777 directory, saw failure"
owner=$(stat -c %u:%g "$src/pub/theirs")
[ "$owner" = 65534:65534 ] || fail "expected a file created by nobody owned by 65534:65534, saw $owner"
echo "ok: new files belong to the caller"

# --- punch hole ---
head -c 65536 /dev/urandom >"$tmp/hole"
cp "$tmp/hole" "$mnt/hole"
if fallocate -p -o 4096 -l 8192 "$mnt/hole" 2>"$tmp/fa.err"; then
	dd if=/dev/zero of="$tmp/hole" bs=4096 seek=1 count=2 conv=notrunc status=none
	cmp -s "$tmp/hole" "$mnt/hole" || fail "expected zeros in the punched range and the rest kept, saw other bytes"
	size=$(stat -c %s "$mnt/hole")
	[ "$size" = 65536 ] || fail "expected size 65536 after punching, saw $size"
	echo "ok: punch hole"
else
	echo "ok: punch hole not supported here ($(cat "$tmp/fa.err")), skipped"
fi

df "$mnt" >/dev/null || fail "expected statfs to work, saw df fail"
echo "ok: statfs"

umount "$mnt" || fail "expected umount to work, saw failure"
stopped
echo "ok: umount, daxfsd exited 0"

# --- the stats file ---
python3 -m json.tool "$tmp/stats.json" >/dev/null 2>&1 ||
	fail "expected the stats file to be JSON, saw: $(head -c 200 "$tmp/stats.json")"
# mv asks for RENAME_NOREPLACE, which arrives as RENAME2.
for op in WRITE LOOKUP CREATE MKDIR RMDIR UNLINK RENAME+.requests.RENAME2 READDIR SETATTR FALLOCATE; do
	n=$(jq ".requests.$op" "$tmp/stats.json")
	[ "$n" -gt 0 ] 2>/dev/null || fail "expected requests.$op > 0, saw $n"
done
n=$(jq '.requests.SETUPMAPPING + .removemapping_ranges + .writeback_bytes' "$tmp/stats.json")
[ "$n" = 0 ] || fail "expected no DAX activity without --dax-dev, saw $n"
echo "ok: stats JSON: WRITE=$(jq .requests.WRITE "$tmp/stats.json") LOOKUP=$(jq .requests.LOOKUP "$tmp/stats.json") errors=$(jq .errors "$tmp/stats.json")"

# --- SIGTERM: lazy unmount and a clean exit; the data stays ---
rm -f "$tmp/stats.json"
start --threads 1 --delay getattr=1ms -v
[ -s "$mnt/par1" ] || fail "expected files from the first mount, saw none"
kill -TERM "$pid"
stopped
grep -q -- '-> INIT unique=' "$tmp/daemon.err" || fail "expected -v to log INIT, saw: $(head -3 "$tmp/daemon.err")"
if mountpoint -q "$mnt"; then fail "expected $mnt unmounted after SIGTERM, saw it mounted"; fi
[ -s "$tmp/stats.json" ] || fail "expected the stats file written at exit, saw none"
echo "ok: SIGTERM unmounts, exit 0, stats written, -v logs requests"

# --- command line ---
"$daxfsd" --help >"$tmp/help" 2>&1 || fail "expected --help to exit 0, saw $?"
grep -q EXAMPLES "$tmp/help" || fail "expected an EXAMPLES section in --help, saw none"
"$daxfsd" --bogus "$src" "$mnt" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || fail "expected exit 2 for a bad option, saw $rc"
grep -q "unknown option '--bogus'" "$tmp/err" || fail "expected the bad option named, saw: $(cat "$tmp/err")"
"$daxfsd" --delay frobnicate=1ms "$src" "$mnt" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "unknown opcode 'frobnicate'" "$tmp/err" ||
	fail "expected exit 2 naming the opcode for --delay frobnicate=1ms, saw $rc: $(cat "$tmp/err")"
"$daxfsd" --delay setupmapping=2 "$src" "$mnt" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "bad time" "$tmp/err" ||
	fail "expected exit 2 for a time without unit, saw $rc: $(cat "$tmp/err")"
for n in 0 -1 x 2x; do
	"$daxfsd" --fail-removemapping "$n" "$src" "$mnt" 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] && grep -q "fail-removemapping wants a request number" "$tmp/err" ||
		fail "expected exit 2 for --fail-removemapping $n, saw $rc: $(cat "$tmp/err")"
done
"$daxfsd" "$src" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || fail "expected exit 2 without MOUNTPOINT, saw $rc"
echo "ok: --help exits 0, bad options exit 2 with a message"

"$daxfsd" "$src" "$tmp/no-such-dir" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "mount $tmp/no-such-dir.*No such file" "$tmp/err" ||
	fail "expected exit 1 with a mount error, saw $rc: $(cat "$tmp/err")"
# This host kernel has no dax_dev option: the DAX mount must fail clearly.
truncate -s 4M "$tmp/window"
"$daxfsd" --dax-dev "$tmp/window" "$src" "$mnt" 2>"$tmp/err"
rc=$?
if mountpoint -q "$mnt"; then
	echo "ok: this kernel accepted dax_dev, DAX mount error path not tested"
	umount -l "$mnt"
else
	[ $rc = 1 ] && grep -q "kernel lacks the daxmon pmem window patch" "$tmp/err" ||
		fail "expected exit 1 naming the missing patch, saw $rc: $(cat "$tmp/err")"
	echo "ok: mount errors exit 1: $(cat "$tmp/err")"
fi
echo "ok: all daxfsd checks passed"
