# Every tool has a man page that formats without a warning and names
# every long option the tool's --help lists.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:?}
. "$(dirname "$0")/../lib/check.sh"
for t in $daxmon_tools; do
	page=$repo/docs/man/$t.8
	[ -f "$page" ] || fail "no man page for $t"
	warnings=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$warnings" ] || fail "$t.8: $warnings"
	text=$(groff -man -Tutf8 "$page" 2>/dev/null | col -b)
	for opt in $("$build/tools/$t" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		case $opt in --help|--usage|--version) continue ;; esac
		grep -qF -- "$opt" <<<"$text" || fail "$t.8 does not document $opt"
	done
	echo "ok: $t.8"
done
