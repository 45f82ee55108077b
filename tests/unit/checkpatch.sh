# Every patch of each series is clean under checkpatch --strict and
# signed off, by the checkpatch of the source it is for (kernel/patches:
# linux-source-6.12, kernel/patches-7.3: linux-source-7.3).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib/check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# unpack_checkpatch PACKAGE: PACKAGE's checkpatch.pl, unpacked into
# $tmp/PACKAGE/scripts
unpack_checkpatch() {
	local pkg=$1
	tar -C "$tmp" -xf "/usr/src/$pkg.tar.xz" \
		"$pkg/scripts/checkpatch.pl" "$pkg/scripts/spelling.txt" \
		"$pkg/scripts/const_structs.checkpatch" ||
		fail "no checkpatch.pl in /usr/src/$pkg.tar.xz: make deps installs $pkg"
}

# idiom_only PATCH < REPORT: checkpatch's complaints that are not the
# EM()/EMe() idiom of trace headers, one per line.  One list makes an
# enum, its TRACE_DEFINE_ENUM()s and its __print_symbolic() table, as
# upstream fs/fuse/fuse_trace.h does for the opcodes; checkpatch flags
# that list there too (complex macro, unused argument, trailing
# semicolon, CamelCase EMe).  A new file under fs/fuse/ needs no
# MAINTAINERS change: FUSE's entry covers the directory.  A Fixes: id is
# looked up in the git history of the tree checkpatch runs in; the
# source here is a tarball with none, so every id is "unknown" (their
# form is checked by tests/unit/series.sh, their subjects by hand).
idiom_only() {
	python3 -c '
import re, sys
patch = open(sys.argv[1]).read()
new = re.findall(r"^ create mode \d+ (\S+)$", patch, re.M)
idiom = {"COMPLEX_MACRO", "MACRO_ARG_UNUSED", "TRAILING_SEMICOLON", "CAMELCASE"}
line = re.compile(r"^\+#(define|undef) (EMe?\b|FUSE_DAX_(REASONS|POLICIES)\b)")
for block in re.split(r"\n(?=(?:ERROR|WARNING|CHECK):)", sys.stdin.read()):
    m = re.match(r"(ERROR|WARNING|CHECK):(\w+): (.*)", block)
    if not m:
        continue
    src = [l for l in block.splitlines() if l.startswith("+")]
    if m.group(2) in idiom and src and line.match(src[0]):
        continue
    if m.group(2) == "UNKNOWN_COMMIT_ID":
        continue
    if m.group(2) == "FILE_PATH_CHANGES" and new and all(f.startswith("fs/fuse/") for f in new):
        continue
    print(m.group(1), m.group(2), m.group(3))
' "$1"
}

# check_dir DIR PACKAGE
check_dir() {
	local dir=$1 checkpatch=$tmp/$2/scripts/checkpatch.pl n=0 p f report left
	unpack_checkpatch "$2"
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		f=$repo/kernel/$dir/$p
		[ -f "$f" ] || fail "series names $p, which is not in kernel/$dir"
		grep -q '^Signed-off-by: ' "$f" || fail "$p has no Signed-off-by"
		# from / : in a git checkout checkpatch leaves a CamelCase cache file
		report=$(cd / && "$checkpatch" --strict --no-tree --show-types "$f" 2>&1)
		left=$(idiom_only "$f" <<<"$report")
		[ -z "$left" ] || { echo "$report"; fail "$dir/$p: $left"; }
		echo "ok: $dir/$p ($2): $(grep "^total:" <<<"$report")$(grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$report" || echo ', all of them the EM()/EMe() idiom or a Fixes: id with no history to look it up in')"
		n=$((n + 1))
	done < "$repo/kernel/$dir/series"
	[ $n -gt 0 ] || fail "kernel/$dir/series lists no patch"
}

check_dir patches linux-source-6.12
check_dir patches-7.3 linux-source-7.3
