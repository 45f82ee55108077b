# The packaged exporter, run as its unit runs it: dax-stat from the
# package (make deb; unit/deb builds it), with the flags of ExecStart=,
# the listen address of /etc/default/daxmon-exporter, an unprivileged
# user (DynamicUser=) holding only the unit's ambient and bounding
# capabilities, no_new_privs.  It attaches, then holds no capability,
# listens on loopback only, and its scrape counts what the server did.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
debs=("$build"/deb/daxmon_*_amd64.deb)
[ -f "${debs[0]}" ] || fail "no package in $build/deb: make deb (tests/unit/deb.sh runs it)"
root=/tmp/exporter-root
# the guest's /tmp is memory, shared with the tests that come after
trap 'rm -rf "$root" /tmp/exporter-src' EXIT
rm -rf "$root"
dpkg-deb -x "${debs[0]}" "$root" || fail "dpkg-deb -x ${debs[0]}"
unit=$root/lib/systemd/system/daxmon-exporter.service

# AmbientCapabilities=CAP_BPF CAP_PERFMON -> bpf,+perfmon (setpriv's)
caps_of() { sed -n "s/^$1=//p" "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ \+/,+/g'; }
caps=$(caps_of AmbientCapabilities)
[ -n "$caps" ] || fail "the unit has no AmbientCapabilities="
expect_eq "the unit's bounding set = its ambient capabilities" "$caps" "$(caps_of CapabilityBoundingSet)"
grep -qx 'NoNewPrivileges=yes' "$unit" || fail "the unit does not set NoNewPrivileges=yes"
. "$root/etc/default/daxmon-exporter"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
cmd=${exec_start//\$\{DAXMON_LISTEN\}/$DAXMON_LISTEN}
read -ra argv <<<"$cmd"
echo "ok: the unit runs '$cmd' with $caps"

# Without CAP_SYS_ADMIN, where fuse is a module: one line that says why.
if [ -e /sys/kernel/btf/fuse ]; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf,+perfmon \
		--ambient-caps=-all,+bpf,+perfmon --bounding-set=-all,+bpf,+perfmon --no-new-privs \
		"$root${argv[0]}" 1 1 2>&1)
	expect_eq "dax-stat with CAP_BPF and CAP_PERFMON alone, fuse a module" \
		"dax-stat: fuse is a module here, and reading its BTF needs CAP_SYS_ADMIN as well as CAP_BPF and CAP_PERFMON" \
		"$out"
fi

"$repo/tests/workloads/prepare.sh" /tmp/exporter-src
start_daxfsd /tmp/exporter-src /tmp/exporter-mnt --dax-dev /dev/pmem0 ||
	fail "mount: $(cat "$daxfs_err")"
start_tool /dev/null "$work/exporter.err" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all,+"$caps" --ambient-caps=-all,+"$caps" --bounding-set=-all,+"$caps" \
	--no-new-privs "$root${argv[0]}" "${argv[@]:1}" ||
	fail "the packaged dax-stat as the unit runs it: $tool_line"
pid=$tool_pid
expect_eq "capabilities once attached" 0000000000000000 \
	"$(awk '/^CapEff/ { print $2 }' "/proc/$pid/status")"
expect_eq "it runs as" 65534 "$(awk '/^Uid/ { print $2 }' "/proc/$pid/status")"
port=${DAXMON_LISTEN##*:}
expect_eq "sockets listening on port $port" "127.0.0.1:$port" \
	"$(ss -Hltn "sport = :$port" | awk '{ print $4 }' | tr '\n' ' ' | sed 's/ $//')"

for f in /tmp/exporter-mnt/small.*; do cat "$f" > /dev/null; done
scrape_agrees() {
	refresh_stats
	curl -sf "http://$DAXMON_LISTEN/metrics" > "$work/scrape.prom" || return 1
	seen=$(awk '/^daxmon_(setups|upgrades)_total\{mount="\/tmp\/exporter-mnt"\}/ { s += $2 } END { print s + 0 }' \
		"$work/scrape.prom")
	[ "$seen" = "$(stat_of SETUPMAPPING)" ] && [ "$seen" -gt 0 ]
}
poll 30 "scraped setups+upgrades = server SETUPMAPPING" scrape_agrees
promtool check metrics < "$work/scrape.prom" || fail "promtool rejects the scrape"
echo "ok: the scrape passes promtool, setups = server's $seen"
stop_daxfsd /tmp/exporter-mnt
stop_tool "$pid" || fail "dax-stat exited $? (see $work/exporter.err)"
