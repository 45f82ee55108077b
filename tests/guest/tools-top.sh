# dax-top puts each range setup, removal and wait on the process that
# did it.  Two readers of a DAX mount, with files larger than the window,
# under dax-top unfiltered, with -p, with -c, with -i, as text, and under
# valgrind: the table's totals add up to the mount's, the background
# removals are the kworker's, the filters hide other processes from the
# table but not from the mount's header, -i finds the file's path.  Then
# a page fault waits for a range while REMOVEMAPPING replies are held:
# dax-top shows it waiting, for longer each interval, and puts the wait
# on the mmap reader's row once it ends.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
top=$build/tools/dax-top
[ -x "$top" ] || fail "$top not built"
[ -x "$daxfsd" ] || fail "$daxfsd not built"
command -v jq > /dev/null || fail "jq missing"

src=/tmp/top-src mnt=/tmp/top-mnt out=/tmp/top
cg=/sys/fs/cgroup/daxtop
mkdir -p "$src" "$mnt" "$out" "$cg"
# The window is 16 ranges of 2 MiB: 48 MiB needs reclaim.
dd if=/dev/urandom of="$src/big" bs=1M count=48 status=none
dd if=/dev/urandom of="$src/small" bs=1M count=8 status=none

# On failure too: no dax-top, reader or server left behind.
cleanup() {
	local p
	for p in "${top_pid[@]}" ${reader1:-} ${reader2:-} ${mapper:-}; do
		kill "$p" 2> /dev/null
	done
	# SIGTERM: daxfsd lets held replies go and unmounts lazily
	[ -n "${daxfs_pid:-}" ] && kill "$daxfs_pid" 2> /dev/null
	wait
	rmdir "$cg" 2> /dev/null
}
declare -A top_pid copy_pid
trap cleanup EXIT

start_daxfsd "$src" "$mnt" --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
echo "ok: daxfsd ready on $mnt"
dev=$(mountpoint -d "$mnt")

# A reader that does nothing until released, so its pid is known first.
gated_reader() {	# name file
	mkfifo "$out/$1.go"
	( read -r _ < "$out/$1.go"; exec dd if="$2" of=/dev/null bs=1M status=none ) &
}
gated_reader big "$mnt/big"
reader1=$!
gated_reader small "$mnt/small"
reader2=$!
echo "$reader2" > "$cg/cgroup.procs"

# Start dax-top with ARGS, return once it printed its first interval
# (it is attached then); its output goes to $out/NAME.out.
start_top() {	# name command...
	local name=$1 fd first
	shift
	mkfifo "$out/$name.fifo"
	"$@" > "$out/$name.fifo" 2> "$out/$name.err" &
	top_pid[$name]=$!
	exec {fd}< "$out/$name.fifo"
	IFS= read -r first <&$fd ||
		fail "$* printed nothing: $(cat "$out/$name.err")"
	printf '%s\n' "$first" > "$out/$name.out"
	cat <&$fd >> "$out/$name.out" &
	copy_pid[$name]=$!
	exec {fd}<&-
	echo "ok: $name: ${*#$build/tools/} is running"
}
stop_top() {	# name
	local rc=0
	stop_tool "${top_pid[$1]}" || rc=$?
	wait "${copy_pid[$1]}"
	[ $rc = 0 ] || fail "$1 exited $rc after SIGINT: $(cat "$out/$1.err" "$out/$1.log" 2> /dev/null)"
	echo "ok: $1 exited 0 after SIGINT"
}

start_top all "$top" -b --json 1
start_top pid "$top" --json -p "$reader2" 1
start_top cg "$top" --json -c "$cg" 1
start_top ino "$top" --json -i 1
start_top text "$top" -b 1
# Every allocation freed, no memory error: but libbpf 1.1's probes pass
# bpf(BPF_MAP_CREATE) attributes valgrind sees as uninitialised, and
# valgrind does not know that the kernel fills what libbpf reads of a
# module's BTF (fuse is a module): everything libbpf computes from it
# while it loads is "uninitialised" to valgrind.  (libbpf has no frame
# pointers: its stacks end in libbpf, not at bpf_object__load.)
cat > "$out/libbpf.supp" <<'EOF'
{
   libbpf-module-btf-cond
   Memcheck:Cond
   ...
   obj:*/libbpf.so*
}
{
   libbpf-module-btf-value
   Memcheck:Value8
   ...
   obj:*/libbpf.so*
}
{
   libbpf-module-btf-prog-load
   Memcheck:Param
   bpf(attr->insns)
   ...
   obj:*/libbpf.so*
}
{
   libbpf-probe-attach-type
   Memcheck:Param
   bpf(attr->expected_attach_type)
   ...
   fun:bpf_map_create
}
{
   libbpf-probe-ifindex
   Memcheck:Param
   bpf(attr->prog_ifindex)
   ...
   fun:bpf_map_create
}
EOF
start_top valgrind valgrind -q --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all --error-exitcode=9 \
	--suppressions="$out/libbpf.supp" --log-file="$out/valgrind.log" \
	"$top" -b -i 1

echo go > "$out/big.go"
wait $reader1
expect_eq "reader of big exit status" 0 $?
echo go > "$out/small.go"
wait $reader2
expect_eq "reader of small exit status" 0 $?
for t in all pid cg ino text valgrind; do stop_top $t; done
# exit 0 is already no error and no leak; the log must say nothing else
# than that valgrind does not know the BPF commands it passes through
! grep -v "WARNING: unhandled eBPF command" "$out/valgrind.log" ||
	fail "valgrind on dax-top -b -i said the above"
grep -q "^ *$(stat -c %i "$mnt/big") .* $mnt/big$" "$out/valgrind.out" ||
	fail "dax-top -i under valgrind has no row for $mnt/big: $(cat "$out/valgrind.out")"
echo "ok: dax-top -b -i ran clean under valgrind"

for t in all pid cg ino; do
	jq -e . "$out/$t.out" > /dev/null || fail "dax-top ($t) wrote bad JSON: $(head -c 600 "$out/$t.out")"
done
echo "ok: NDJSON from every instance, $(wc -l < "$out/all.out") intervals unfiltered"

# jq over all the intervals of one output, slurped
q() { jq -rs "$2" "$out/$1.out"; }
header() { q "$1" "[.[].mounts[] | select(.dev == \"$dev\") | $2] | add // 0"; }
rows() { q "$1" "[.[].rows[] | select(.mount == \"$mnt\") | $2] | add // 0"; }
# every row of every interval, compact: what a failure shows
all_rows() { jq -cs '[.[].rows[]]' "$out/$1.out"; }

setups=$(header all .setups)
[ "$setups" -ge 28 ] || fail "the mount's header counted $setups setups, expected at least 28 (48 + 8 MiB in 2 MiB ranges)"
expect_eq "setups over the table's rows (all)" "$setups" "$(rows all .setups)"
big=$(rows all "select(.pid == $reader1) | .setups")
[ "$big" -ge 24 ] || fail "reader of big ($reader1) has $big setups, expected at least 24: $(all_rows all)"
echo "ok: reader of big ($reader1) set up $big ranges"
removals=$(header all '.removals | add')
[ "$removals" -gt 0 ] || fail "no removals: 48 MiB went through a 32 MiB window without reclaim?"
expect_eq "removals over the table's rows" "$removals" "$(rows all .removals)"
expect_eq "background removals = the kworkers' rows" \
	"$(header all .removals.background)" \
	"$(rows all 'select(.comm | startswith("kworker")) | .removals')"
expect_eq "inline removals = the readers' rows" \
	"$(header all '.removals.inline')" \
	"$(rows all "select(.pid == $reader1 or .pid == $reader2) | .removals")"
expect_eq "total ranges of the mount" 16 "$(q all "[.[].mounts[] | select(.dev == \"$dev\")] | last | .ranges.total")"

for t in pid cg; do
	expect_eq "pids in the table with -${t:0:1}" "$reader2" "$(q $t '[.[].rows[].pid] | unique | map(tostring) | join(" ")')"
	small=$(rows $t .setups)
	[ "$small" -ge 4 ] || fail "reader of small has $small setups with -${t:0:1}, expected at least 4"
	expect_eq "header setups with -${t:0:1} (the whole mount)" "$setups" "$(header $t .setups)"
done

ino=$(stat -c %i "$mnt/big")
expect_eq "path of inode $ino with -i" "$mnt/big" "$(q ino "[.[].rows[] | select(.ino == $ino) | .path] | last")"
[ "$(rows ino "select(.ino == $ino) | .setups")" -ge 24 ] || fail "inode $ino has fewer than 24 setups: $(all_rows ino)"
expect_eq "setups over the inode rows" "$setups" "$(rows ino .setups)"
expect_eq "-i rows with a pid" 0 "$(q ino '[.[].rows[] | select(has("pid"))] | length')"

grep -q "^$mnt ($dev)  ranges 16 " "$out/text.out" || fail "no header line for $mnt in the text output: $(head -20 "$out/text.out")"
grep -Eq "^ *$reader1 dd +[1-9]" "$out/text.out" || fail "no row for dd $reader1 in the text output: $(cat "$out/text.out")"
echo "ok: text output has the mount header and the dd row"

# Fault waits: hold REMOVEMAPPING replies, so that no range comes free,
# and fault in a file larger than the window through mmap.  dax-top sees
# the fault waiting, for longer at each interval; released, the fault
# ends and its wait is the mmap reader's.
dd if=/dev/urandom of="$src/map" bs=1M count=40 status=none
mkfifo "$out/map.go" "$out/wait.fifo"
( read -r _ < "$out/map.go"
  exec python3 -c 'import mmap, sys
f = open(sys.argv[1], "rb")
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
sum(m[i] for i in range(0, len(m), 4096))' "$mnt/map" ) &
mapper=$!
"$top" --json 1 > "$out/wait.fifo" 2> "$out/wait.err" &
top_pid[wait]=$!
exec {wfd}< "$out/wait.fifo"
IFS= read -r line <&$wfd || fail "dax-top printed nothing: $(cat "$out/wait.err")"
kill -USR2 "$daxfs_pid"
echo go > "$out/map.go"
waiting=() longest=()
# at most 120 intervals, and only while the mmap reader runs
for i in $(seq 120); do
	[ ${#waiting[@]} -lt 2 ] && kill -0 $mapper 2> /dev/null || break
	IFS= read -r line <&$wfd || break
	printf '%s\n' "$line" >> "$out/wait.out"
	w=$(jq -r ".mounts[] | select(.dev == \"$dev\") | .fault_waits | \"\(.waiting) \(.longest_ms)\"" <<<"$line")
	[ "${w:-0}" != 0 ] && [ "${w%% *}" -gt 0 ] || { waiting=() longest=(); continue; }
	waiting+=("${w%% *}") longest+=("${w#* }")
done
[ ${#waiting[@]} = 2 ] || fail "dax-top never showed a fault waiting in two intervals in a row: $(cat "$out/wait.out")"
expect_eq "faults waiting now, two intervals in a row" "1 1" "${waiting[*]}"
jq -en "${longest[1]} - ${longest[0]} > 500" > /dev/null ||
	fail "the longest current wait did not grow by an interval: ${longest[*]} ms"
echo "ok: the longest current wait grew: ${longest[*]} ms"
# read on meanwhile: a full fifo would hold dax-top in write(2) for good
cat <&$wfd >> "$out/wait.out" &
copy_pid[wait]=$!
exec {wfd}<&-
kill -USR2 "$daxfs_pid"
wait $mapper
expect_eq "mmap reader exit status" 0 $?
stop_top wait
faults=$(rows wait "select(.pid == $mapper) | .fault_waits")
[ "$faults" -ge 1 ] || fail "no fault wait on the mmap reader's row: $(all_rows wait)"
max=$(q wait "[.[].rows[] | select(.pid == $mapper) | .max_wait_ms] | max")
jq -en "$max >= ${longest[1]}" > /dev/null ||
	fail "longest fault wait of the mmap reader $max ms, but one was seen waiting ${longest[1]} ms"
expect_eq "fault waits over the table's rows" "$(header wait .fault_waits.count)" "$(rows wait .fault_waits)"
echo "ok: mmap reader ($mapper) waited $faults times, at most $max ms"

lines=$("$top" --json 1 2 | wc -l)
expect_eq "JSON objects from dax-top --json 1 2" 2 "$lines"

stop_daxfsd "$mnt"
echo "ok: daxfsd exited 0 after umount"
daxfs_pid=
