# `make deps` installs nothing when nothing is missing, and as non-root it
# prints the exact apt-get line for what is missing and fails.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"

cp "$repo/Makefile" "$tmp/"
chmod -R a+rX "$tmp"
printf '# test list\nbash\n' > "$tmp/installed.txt"
printf 'bash\ndaxmon-no-such-package\n' > "$tmp/missing.txt"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

out=$(as_nobody make -s -C "$tmp" deps PACKAGES=installed.txt 2>&1) ||
	fail "deps failed with everything installed: $out"
expect="deps: all packages installed"
[ "$out" = "$expect" ] || fail "expected '$expect', saw '$out'"
echo "ok: $out"

if out=$(as_nobody make -s -C "$tmp" deps PACKAGES=missing.txt 2>&1); then
	fail "deps succeeded as non-root with a package missing: $out"
fi
grep -qxF '  apt-get update && apt-get install -y --no-install-recommends daxmon-no-such-package' <<<"$out" ||
	fail "no exact apt-get line for the missing package in: $out"
echo "ok: non-root told: $(grep apt-get <<<"$out")"
