# Every patch of the series is clean under checkpatch --strict and signed off.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:-$repo/build}
. "$(dirname "$0")/../lib/check.sh"
checkpatch=$build/linux/scripts/checkpatch.pl
if [ ! -x "$checkpatch" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	tar -C "$tmp" -xf /usr/src/linux-source-6.12.tar.xz \
		linux-source-6.12/scripts/checkpatch.pl linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	checkpatch=$tmp/linux-source-6.12/scripts/checkpatch.pl
fi
n=0
while read -r p; do
	case $p in ''|'#'*) continue ;; esac
	f=$repo/kernel/patches/$p
	[ -f "$f" ] || fail "series names $p, which is not in kernel/patches"
	grep -q '^Signed-off-by: ' "$f" || fail "$p has no Signed-off-by"
	result=$("$checkpatch" --strict --no-tree "$f" 2>&1 | grep "^total:")
	expect="total: 0 errors, 0 warnings, 0 checks"
	case $result in
	*"$expect"*) echo "ok: $p: $result" ;;
	*) "$checkpatch" --strict --no-tree "$f"; fail "$p: $result" ;;
	esac
	n=$((n + 1))
done < "$repo/kernel/patches/series"
[ $n -gt 0 ] || fail "kernel/patches/series lists no patch"
