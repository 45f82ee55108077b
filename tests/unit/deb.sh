# make deb builds the package daxmon, lintian has no error or warning
# for it, it holds exactly the tools, their pages, the rules, the
# dashboard and the exporter's unit (not daxfsd, a test fixture), its
# tools run from where it puts them, and the unit verifies with
# systemd-analyze at an exposure rated OK or better.
# guest/exporter then runs the packaged dax-stat as the unit would.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:?}
. "$(dirname "$0")/../lib/check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s -C "$repo" BUILD="$build" deb > "$tmp/make.log" 2>&1 ||
	fail "make deb: $(tail -20 "$tmp/make.log")"
debs=("$build"/deb/daxmon_*_amd64.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "make deb made no single package: ${debs[*]}"
deb=${debs[0]}
echo "ok: make deb: $(basename "$deb")"
[ ! -s "$build/deb/lintian.txt" ] || ! grep -q '^[EW]:' "$build/deb/lintian.txt" ||
	fail "lintian: $(grep '^[EW]:' "$build/deb/lintian.txt")"
echo "ok: lintian: no error, no warning"

{
	for t in $daxmon_tools; do echo "-rwxr-xr-x ./usr/sbin/$t"; done
	for p in "$repo"/docs/man/*.8; do echo "-rw-r--r-- ./usr/share/man/man8/$(basename "$p").gz"; done
	echo "-rw-r--r-- ./usr/share/daxmon/prometheus/daxmon.rules.yml"
	echo "-rw-r--r-- ./usr/share/daxmon/prometheus/daxmon.rules.test.yml"
	echo "-rw-r--r-- ./usr/share/daxmon/grafana/daxmon.json"
	echo "-rw-r--r-- ./lib/systemd/system/daxmon-exporter.service"
	echo "-rw-r--r-- ./etc/default/daxmon-exporter"
	echo "-rw-r--r-- ./usr/share/doc/daxmon/changelog.gz"
	echo "-rw-r--r-- ./usr/share/doc/daxmon/copyright"
} | sort > "$tmp/want"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $6 }' | sort > "$tmp/have"
diff "$tmp/want" "$tmp/have" > "$tmp/diff" ||
	fail "the package's files differ from what it should hold (< wanted, > packaged): $(cat "$tmp/diff")"
echo "ok: the package holds the tools, pages, rules, dashboard and unit, nothing else"
[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || fail "Architecture is not amd64"
dpkg-deb -f "$deb" Depends | grep -q libbpf1 || fail "Depends lacks libbpf1: $(dpkg-deb -f "$deb" Depends)"
# dax-stat --listen dlopen()s it: named by hand, not by shlibs
dpkg-deb -f "$deb" Depends | grep -q libmicrohttpd12 || fail "Depends lacks libmicrohttpd12: $(dpkg-deb -f "$deb" Depends)"
echo "ok: Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -I "$deb" conffiles | grep -qx /etc/default/daxmon-exporter ||
	fail "/etc/default/daxmon-exporter is not a conffile"
echo "ok: /etc/default/daxmon-exporter is a conffile"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
for t in $daxmon_tools; do
	"$root/usr/sbin/$t" --help | grep -q EXAMPLES || fail "the packaged $t does not run: $("$root/usr/sbin/$t" --help 2>&1 | head -3)"
done
echo "ok: the packaged tools run"
MANPATH=$root/usr/share/man man -P cat dax-stat 2> /dev/null | grep -q -- '--attach' ||
	fail "man does not find the packaged dax-stat(8)"
echo "ok: man finds the packaged pages"

# verify resolves ExecStart= and Documentation=: point them into the copy
unit=$tmp/daxmon-exporter.service
sed -e "s|/usr/sbin/|$root/usr/sbin/|" -e "s|/etc/default/|$root/etc/default/|" \
	"$root/lib/systemd/system/daxmon-exporter.service" > "$unit"
MANPATH=$root/usr/share/man systemd-analyze verify "$unit" > "$tmp/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$tmp/verify")"
echo "ok: systemd-analyze verify"
exposure=$(systemd-analyze security --offline=yes "$unit" 2>&1 |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
[[ ${exposure#* } =~ ^(OK|SAFE|PERFECT)$ ]] ||
	fail "the unit's exposure is $exposure, worse than OK"
echo "ok: systemd-analyze security: exposure $exposure"
