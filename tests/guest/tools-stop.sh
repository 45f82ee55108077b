# ^C loses nothing: each tool reports once more on the way out, even
# when the signal comes while it writes a report rather than while it
# sleeps.  tests/lib/stop-mid-write holds the tool in write(2) right
# after a snapshot, reads a file meanwhile, then ^Cs it: the setups of
# that read are in no snapshot but the last, and must be in the output.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
tools=$build/tools

mkdir -p /tmp/src
make_file /tmp/src/f 8		# 4 ranges of 2 MiB

# setups and upgrades over every interval of a tool's JSON
dax_top_setups() {
	jq -s '[.[].mounts[] | .setups + .upgrades] | add // 0' "$1"
}
dax_lat_setups() { dax_lat_count "$1" setup; }
dax_stat_setups() { dax_stat_sums "$1" | cut -d' ' -f1; }

for t in dax-stat dax-lat dax-top; do
	start_daxfsd /tmp/src /tmp/mnt --dax-dev /dev/pmem0 || fail "mount: $(cat "$daxfs_err")"
	"$repo/tests/lib/stop-mid-write" "$work/$t.json" "cat /tmp/mnt/f > /dev/null" \
		"$tools/$t" --json 1 2> "$work/$t.err" ||
		fail "$t exited $? after ^C mid-report: $(cat "$work/$t.err")"
	echo "ok: $t exited 0 after ^C mid-report"
	stop_daxfsd /tmp/mnt
	setups=$(stat_of SETUPMAPPING)
	[ "$setups" -ge 4 ] || fail "the server set up $setups ranges for 8 MiB, expected at least 4"
	expect_eq "$t setups after ^C mid-report = server SETUPMAPPING" "$setups" \
		"$("${t//-/_}_setups" "$work/$t.json")"
done
