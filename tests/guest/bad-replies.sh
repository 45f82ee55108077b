# A server that answers FUSE_SETUPMAPPING wrongly (daxfsd
# --bad-setupmapping): a reply shorter than its header or under a
# unique no request has is refused and the right reply that follows is
# taken; a reply with payload SETUPMAPPING does not have ends the
# request with EIO, as does an error reply.  Page faults then get
# SIGBUS, read() gets EIO, nothing hangs, and the files are intact.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"

mkdir -p /tmp/src
for i in 0 1 2; do make_file /tmp/src/f.$i 2; done

for kind in short unique; do
	start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 --bad-setupmapping $kind ||
		fail "mount: $(cat "$daxfs_err")"
	for i in 0 1 2; do
		cmp -s "/tmp/src/f.$i" "/tmp/mnt/f.$i" || fail "$kind: f.$i read back wrong"
	done
	python3 -c 'import mmap, sys
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    sys.exit(m[:] != open(sys.argv[2], "rb").read())' /tmp/mnt/f.2 /tmp/src/f.2 ||
		fail "$kind: f.2 through a mapping differs"
	stop_daxfsd /tmp/mnt
	setups=$(stat_of SETUPMAPPING)
	[ "$setups" -gt 0 ] || fail "$kind: no SETUPMAPPING was sent"
	expect_eq "$kind: refused replies = SETUPMAPPING requests" "$setups" "$(stat_of rejected_replies)"
	expect_eq "$kind: replies the kernel took that it should have refused" 0 "$(stat_of errors)"
done

for kind in oversized error; do
	start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 --bad-setupmapping $kind ||
		fail "mount: $(cat "$daxfs_err")"
	out=$(timeout 60 cat /tmp/mnt/f.0 2>&1 > /dev/null)
	rc=$?
	[ $rc = 1 ] || fail "$kind: read of f.0 ended with $rc (124: hung), want an error: $out"
	case $out in *"Input/output error"*) ;; *) fail "$kind: read error: $out" ;; esac
	echo "ok: $kind: read() fails with EIO"
	timeout 60 python3 -c 'import mmap, sys
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    m[0]' /tmp/mnt/f.1 2> /dev/null
	expect_eq "$kind: a fault's exit status (SIGBUS)" 135 $?
	stop_daxfsd /tmp/mnt
	if [ $kind = oversized ]; then
		expect_eq "$kind: refused replies = SETUPMAPPING requests" \
			"$(stat_of SETUPMAPPING)" "$(stat_of rejected_replies)"
	fi
done

start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
for i in 0 1 2; do
	cmp -s "/tmp/src/f.$i" "/tmp/mnt/f.$i" || fail "f.$i differs under a well-behaved server"
done
stop_daxfsd /tmp/mnt
echo "ok: files intact under a well-behaved server afterwards"
