#!/bin/bash
# kernel/export.sh TREE [DIR]: write the series kept as commits in the
# git tree TREE, from its tag pristine (the plain source as
# kernel/build.sh unpacks it) to its HEAD, into kernel/DIR: one
# `git format-patch --cover-letter` run, the cover letter's subject and
# text from kernel/cover-letter.txt (its first line is the subject), and
# kernel/DIR/series in order.  DIR is patches (linux-source-6.12, the
# default) or patches-7.3 (mainline, cover-letter-7.3.txt).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:?usage: kernel/export.sh TREE [patches|patches-7.3]}
dir=${2:-patches}
case $dir in
patches|patches-7.3) ;;
*) echo "export: DIR is patches or patches-7.3, not '$dir'" >&2; exit 2 ;;
esac
base=pristine
blurb=$here/cover-letter${dir#patches}.txt
[ -s "$blurb" ] || { echo "export: $blurb is missing or empty" >&2; exit 1; }
git -C "$tree" rev-parse -q --verify "$base^{commit}" > /dev/null ||
	{ echo "export: $tree has no $base" >&2; exit 1; }

rm -f "$here/$dir"/*.patch
git -C "$tree" -c core.abbrev=7 -c user.name="daxmon developers" -c user.email="daxmon@users.noreply.example" \
	format-patch -q --cover-letter -o "$here/$dir" "$base..HEAD"
# the subject and text in place of format-patch's placeholders
python3 - "$here/$dir/0000-cover-letter.patch" "$blurb" <<'EOF'
import sys
cover, blurb = sys.argv[1], open(sys.argv[2]).read()
subject, _, body = blurb.partition("\n")
text = open(cover).read()
assert "*** SUBJECT HERE ***" in text and "*** BLURB HERE ***" in text
text = text.replace("*** SUBJECT HERE ***", subject.strip(), 1)
text = text.replace("*** BLURB HERE ***", body.strip("\n"), 1)
open(cover, "w").write(text)
EOF
(cd "$here/$dir" && ls [0-9]*.patch | grep -v '^0000-') > "$here/$dir/series"
echo "export: $(wc -l < "$here/$dir/series") patches and a cover letter in kernel/$dir"
