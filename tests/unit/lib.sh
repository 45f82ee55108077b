# tools/lib: histogram buckets, percentiles, JSON and Prometheus text,
# checked against exact expected output; dax-size's model of the range
# pool against sequences whose outcome the kernel's rules fix; both free
# of leaks.
set -u
build=${DAXMON_BUILD:?}
for t in lib_test sim_test; do
	"$build/tools/$t" || exit 1
	valgrind -q --error-exitcode=1 --leak-check=full "$build/tools/$t" > /dev/null ||
		{ echo "FAIL: valgrind found errors or leaks in $t"; exit 1; }
	echo "ok: $t valgrind clean"
done
