# kernel/apt-suite.sh, which make deps runs for linux-source-7.3: the
# suite comes from the mirror this machine's apt already uses for Debian
# (no host name in daxmon), signed by Debian's archive keyring, and
# pinned so that only the packages named come from it.  On this machine
# (make deps ran) apt takes linux-source-7.3 from trixie-backports and
# nothing else of it.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"
script=$repo/kernel/apt-suite.sh

out=$(APT_ETC=$tmp "$script" trixie-backports linux-source-7.3 2>&1) || fail "apt-suite.sh: $out"
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Origin: Debian' "Codename: $codename" \
	'Created-By: Packages' 'Target-Of: deb' | head -1)
src=$tmp/sources.list.d/daxmon-trixie-backports.sources
expect_eq "the suite's mirror (this machine's Debian $codename mirror)" "$mirror" \
	"$(sed -n 's/^URIs: //p' "$src")"
expect_eq "the suite" trixie-backports "$(sed -n 's/^Suites: //p' "$src")"
expect_eq "the suite's key" /usr/share/keyrings/debian-archive-keyring.gpg \
	"$(sed -n 's/^Signed-By: //p' "$src")"
# the package's pin first (apt takes the first that matches), then the rest
pins=$(awk '/^Package:/ {p = $2} /^Pin-Priority:/ {printf "%s=%s ", p, $2}' \
	"$tmp/preferences.d/daxmon-trixie-backports")
expect_eq "the pins, in order" "linux-source-7.3=500 *=-1 " "$pins"

out=$(APT_ETC=$tmp "$script" 'trixie; rm -rf /' x 2>&1) && fail "a suite name with a ';' was taken"
grep -q "not a suite name" <<<"$out" || fail "a bad suite name: $out"
echo "ok: a bad suite name is refused"

# no Debian mirror's host name anywhere in daxmon
hosts=$(git -C "$repo" grep -l -E '(deb|ftp[a-z0-9.]*|security)\.debian\.org' -- . ':!docs/benchmarks/results' || true)
[ -z "$hosts" ] || fail "a Debian mirror's host name in: $hosts"
echo "ok: no mirror host name in the repository"

# this machine, after make deps
dpkg-query -W -f='${Version}' linux-source-7.3 2>/dev/null | grep -q '~bpo' ||
	fail "linux-source-7.3 is not installed from backports (make deps)"
echo "ok: linux-source-7.3 $(dpkg-query -W -f='${Version}' linux-source-7.3) installed"
# another kernel source of the suite, which bookworm does not have
# (apt's own copy of the suite's index): without the pin, apt would take
# it from trixie-backports
index=$(apt-get indextargets --format '$(FILENAME)' 'Codename: trixie-backports' \
	'Created-By: Packages' | head -1)
[ -n "$index" ] || fail "apt has no index of trixie-backports (make deps)"
other=$(/usr/lib/apt/apt-helper cat-file "$index" | sed -n 's/^Package: //p' |
	grep -x 'linux-source-[0-9.]*' | grep -vx linux-source-7.3 | head -1)
[ -n "$other" ] || fail "trixie-backports has no other linux-source to check the pin with"
cand=$(apt-cache policy "$other" | sed -n 's/^  Candidate: //p')
expect_eq "apt's candidate for $other, only in trixie-backports" "(none)" "$cand"
