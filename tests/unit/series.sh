# Each kernel series is in the form a reviewer expects (one
# `git format-patch --cover-letter` run): a cover letter that is written,
# [PATCH n/N] subjects numbered as the series file orders them, fixes
# (the patches with a Fixes: tag) before everything else, each fix
# applying alone to the plain source, and the whole series applying
# with `git am -3`, whose three-way fallback needs index lines that name
# blobs of that source.  kernel/patches is for linux-source-6.12,
# kernel/patches-7.3 for linux-source-7.3 (mainline); each is checked
# against its own plain source.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib/check.sh"
tmp=
trap 'rm -rf "$tmp"' EXIT

# check_series DIR PACKAGE: kernel/DIR against Debian's PACKAGE
check_series() {
	local dir=$1 pkg=$2 patches tarball n cover i features fixes p f files blob
	patches=$repo/kernel/$dir
	tarball=/usr/src/$pkg.tar.xz
	[ -f "$tarball" ] || fail "$tarball missing: make deps installs $pkg"


	mapfile -t series < <(grep -v -e '^#' -e '^$' "$patches/series")
	n=${#series[@]}
	[ "$n" -gt 0 ] || fail "kernel/$dir/series lists no patch"

	cover=$patches/0000-cover-letter.patch
	[ -f "$cover" ] || fail "no cover letter (git format-patch --cover-letter)"
	grep -q -e '\*\*\* SUBJECT HERE \*\*\*' -e '\*\*\* BLURB HERE \*\*\*' "$cover" &&
		fail "the cover letter still has format-patch's placeholders"
	# git format-patch pads the numbers to the width of the count
	num() { printf '%0*d' ${#n} "$1"; }
	expect_eq "cover letter subject" "[PATCH $(num 0)/$n]" \
		"$(sed -n 's/^Subject: \(\[PATCH 0*\/[0-9]*\]\).*/\1/p' "$cover")"

	# numbering, and fixes first
	i=0 features=0 fixes=()
	for p in "${series[@]}"; do
		i=$((i + 1))
		f=$patches/$p
		[ -f "$f" ] || fail "series names $p, which is not in kernel/$dir"
		expect_eq "$p subject" "[PATCH $(num $i)/$n]" "$(sed -n 's/^Subject: \(\[PATCH [0-9]*\/[0-9]*\]\).*/\1/p' "$f")"
		if grep -q '^Fixes: [0-9a-f]\{12\} ("' "$f"; then
			[ "$features" = 0 ] || fail "$p is a fix after a patch that fixes nothing: fixes go first"
			fixes+=("$p")
		else
			features=$((features + 1))
		fi
	done
	[ ${#fixes[@]} -gt 0 ] || fail "no patch carries a Fixes: tag"

	# the plain source, only the files the series touches, as a git
	# tree: blobs hash alike, so the patches' index lines resolve in it
	tmp=$(mktemp -d)
	mapfile -t files < <(cd "$patches" && cat "${series[@]}" |
		sed -n "s|^diff --git a/\(\S*\) b/.*|$pkg/\1|p" | sort -u)
	tar -C "$tmp" -xf "$tarball" "${files[@]}" 2>/dev/null	# new files are not there
	git=(git -C "$tmp/$pkg" -c user.name=series -c user.email=series@localhost)
	mkdir -p "$tmp/$pkg"
	"${git[@]}" init -q -b pristine && "${git[@]}" add -A && "${git[@]}" commit -qm pristine ||
		fail "could not make a git tree of the source"

	for p in "${fixes[@]}"; do
		"${git[@]}" checkout -q -B alone pristine
		"${git[@]}" am -q "$patches/$p" > "$tmp/am.log" 2>&1 ||
			{ "${git[@]}" am --abort; fail "$p does not apply alone to plain $pkg: $(head -3 "$tmp/am.log")"; }
		echo "ok: $dir/$p applies alone"
	done
	"${git[@]}" checkout -q -B whole pristine
	"${git[@]}" am -q -3 "${series[@]/#/$patches/}" > "$tmp/am.log" 2>&1 ||
		fail "the series does not apply with git am -3: $(head -5 "$tmp/am.log")"
	# every pre-image an index line names is in the tree by then: a blob of
	# the source or of an earlier patch, else -3 would have nothing to merge
	for p in "${series[@]}"; do
		for blob in $(sed -n 's/^index \([0-9a-f]*\)\.\..*/\1/p' "$patches/$p" | grep -v '^0*$'); do
			"${git[@]}" cat-file -e "$blob^{blob}" 2>/dev/null ||
				fail "$p: index line names blob $blob, which is in neither plain $pkg nor an earlier patch"
		done
	done
	echo "ok: $dir: the whole series ($n patches, ${#fixes[@]} fixes first) applies to $pkg with git am -3"
	rm -rf "$tmp"
	tmp=
}

check_series patches linux-source-6.12
check_series patches-7.3 linux-source-7.3
