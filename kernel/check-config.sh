#!/bin/bash
# Check that every option of the config fragments ended up in .config as
# written.  Kconfig drops an option whose dependencies are missing without
# a word (BLK_DEV_PMEM without BLOCK), and a guest kernel without it fails
# much later and far less clearly.
#
# Usage: kernel/check-config.sh DOTCONFIG FRAGMENT...
set -u
config=$1
shift
bad=0
for fragment in "$@"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$config" && continue
			opt=${line%%=*}
			have=$(grep -E "^$opt=|^# $opt is not set" "$config" || echo "$opt absent")
			echo "$(basename "$fragment"): wants $line, .config has: $have" >&2
			bad=1 ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			grep -q "^$opt=" "$config" || continue
			echo "$(basename "$fragment"): wants $opt off, .config has: $(grep "^$opt=" "$config")" >&2
			bad=1 ;;
		esac
	done < "$fragment"
done
if [ $bad != 0 ]; then
	echo "check-config: options dropped by Kconfig (a dependency is missing): add it to the fragment" >&2
	exit 1
fi
