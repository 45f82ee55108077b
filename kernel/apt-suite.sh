#!/bin/bash
# Let apt take PACKAGE... from Debian's SUITE, and nothing else from it:
# linux-source-7.3 from trixie-backports for the mainline kernel (it is
# Architecture: all, and depends only on binutils and xz-utils).
#
# The suite comes from the mirror this machine's apt sources already use
# for Debian's own release (apt-get indextargets: Origin Debian, this
# release's codename), so no host name is written into daxmon; its
# Release file is checked against Debian's archive keyring, as apt
# always does; every package of the suite but PACKAGE... is pinned to
# -1, never installed.  make deps runs this for the lines of
# packages.txt that name a suite.
#
# Usage: kernel/apt-suite.sh SUITE PACKAGE...
# Env:   APT_ETC     where sources.list.d and preferences.d are (default
#                    /etc/apt; the tests use another)
#        APT_MIRROR  the Debian mirror (default: found as above; tests)
set -euo pipefail
die() { echo "apt-suite: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: kernel/apt-suite.sh SUITE PACKAGE..."
suite=$1
shift
[[ $suite =~ ^[a-z0-9-]+$ ]] || die "not a suite name: '$suite'"
etc=${APT_ETC:-/etc/apt}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring missing: apt-get install debian-archive-keyring"

mirror=${APT_MIRROR:-}
if [ -z "$mirror" ]; then
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "/etc/os-release names no VERSION_CODENAME: not Debian?"
	mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Origin: Debian' \
		"Codename: $codename" 'Created-By: Packages' 'Target-Of: deb' | head -1)
	[ -n "$mirror" ] || die "apt knows no Debian $codename mirror: add one to /etc/apt/sources.list and run apt-get update"
fi

name=daxmon-$suite
mkdir -p "$etc/sources.list.d" "$etc/preferences.d"
cat > "$etc/sources.list.d/$name.sources" <<EOF
# daxmon (make deps, kernel/apt-suite.sh): $* from $suite, at the
# Debian mirror this machine uses; kernel/apt-suite.sh's pin in
# $etc/preferences.d/$name keeps everything else of $suite out.
Types: deb
URIs: $mirror
Suites: $suite
Components: main
Signed-By: $keyring
EOF
# the named packages first: apt takes the first pin that matches
{
	echo "# daxmon (make deps, kernel/apt-suite.sh): from $suite only $*"
	for p; do
		printf '\nPackage: %s\nPin: release n=%s\nPin-Priority: 500\n' "$p" "$suite"
	done
	printf '\nPackage: *\nPin: release n=%s\nPin-Priority: -1\n' "$suite"
} > "$etc/preferences.d/$name"
echo "apt-suite: $suite for $* (from $mirror), everything else of it pinned away"
