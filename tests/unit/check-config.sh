# kernel/check-config.sh catches an option Kconfig dropped or turned on
# against the fragment, and accepts a config that matches.
set -u
check=$(dirname "$0")/../../kernel/check-config.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"

cat > "$tmp/frag" <<'F'
# comment lines are ignored
CONFIG_BLOCK=y
CONFIG_BLK_DEV_PMEM=y
CONFIG_LOCALVERSION="-daxmon"
# CONFIG_MODULES is not set
F
cat > "$tmp/good" <<'F'
CONFIG_BLOCK=y
CONFIG_BLK_DEV_PMEM=y
CONFIG_LOCALVERSION="-daxmon"
# CONFIG_MODULES is not set
F
"$check" "$tmp/good" "$tmp/frag" 2> "$tmp/err" || fail "matching config rejected: $(cat "$tmp/err")"
echo "ok: matching config accepted"

# Kconfig dropped BLK_DEV_PMEM (its dependency BLOCK was off).
sed 's/^CONFIG_BLK_DEV_PMEM=y/# CONFIG_BLK_DEV_PMEM is not set/' "$tmp/good" > "$tmp/dropped"
if "$check" "$tmp/dropped" "$tmp/frag" 2> "$tmp/err"; then fail "dropped option accepted"; fi
grep -q 'wants CONFIG_BLK_DEV_PMEM=y, .config has: # CONFIG_BLK_DEV_PMEM is not set' "$tmp/err" ||
	fail "message does not name the dropped option: $(cat "$tmp/err")"
echo "ok: dropped option reported: $(head -1 "$tmp/err")"

# An option absent from .config altogether.
grep -v LOCALVERSION "$tmp/good" > "$tmp/absent"
if "$check" "$tmp/absent" "$tmp/frag" 2> "$tmp/err"; then fail "absent option accepted"; fi
grep -q 'CONFIG_LOCALVERSION absent' "$tmp/err" || fail "absent option not named: $(cat "$tmp/err")"
echo "ok: absent option reported"

# An option the fragment wants off that a dependency turned on.
sed 's/^# CONFIG_MODULES is not set/CONFIG_MODULES=y/' "$tmp/good" > "$tmp/on"
if "$check" "$tmp/on" "$tmp/frag" 2> "$tmp/err"; then fail "option wanted off accepted while on"; fi
grep -q 'wants CONFIG_MODULES off' "$tmp/err" || fail "option wanted off not named: $(cat "$tmp/err")"
echo "ok: option wanted off reported"
