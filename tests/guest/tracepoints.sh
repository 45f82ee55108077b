# Every event docs/tracepoints.md documents is in tracefs with the fields
# it documents, and tracefs has no fuse_dax event the document misses.
. "$(dirname "$0")/../lib/guest.sh"
dir=$tracefs/events/fuse
[ -d "$dir" ] || fail "$dir missing: no fuse trace events in this kernel"
documented=$(doc_events | cut -d' ' -f1 | sort)
[ -n "$documented" ] || fail "docs/tracepoints.md names no events"
present=$(cd "$dir" && ls -d fuse_dax_* 2>/dev/null | sort)
expect_eq "fuse_dax events in tracefs" "$(echo $documented)" "$(echo $present)"
while read -r event fields; do
	format=$dir/$event/format
	have=$(sed -n 's/^\tfield:.* \**\([a-z_0-9]*\)\(\[[0-9]*\]\)\{0,1\};.*/\1/p' "$format" |
		grep -v '^common_' | tr '\n' ' ' | sed 's/ $//')
	expect_eq "$event fields" "$fields" "$have"
done < <(doc_events)
