# tools/lib: histogram buckets, percentiles, JSON and Prometheus text,
# checked against exact expected output, and free of leaks.
set -u
build=${DAXMON_BUILD:?}
"$build/tools/lib_test" || exit 1
valgrind -q --error-exitcode=1 --leak-check=full "$build/tools/lib_test" > /dev/null ||
	{ echo "FAIL: valgrind found errors or leaks in lib_test"; exit 1; }
echo "ok: valgrind clean"
