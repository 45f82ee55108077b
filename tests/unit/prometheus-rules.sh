# The Prometheus rules (docs/prometheus) and the Grafana dashboard
# (docs/grafana) against the series dax-stat really writes: dax-stat's own
# Prometheus writer, built from tools/dax_stat.c by prom_exposition.c,
# prints them for a mount where everything is non-zero.  promtool checks
# and unit-tests the rules; every metric the rules, their tests and the
# dashboard name must be one dax-stat writes; every dashboard expression
# must parse and return data from series shaped like dax-stat's, and so
# must every recording rule.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXMON_BUILD:?}
rules=$repo/docs/prometheus/daxmon.rules.yml
rules_test=$repo/docs/prometheus/daxmon.rules.test.yml
dashboard=$repo/docs/grafana/daxmon.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"

command -v promtool > /dev/null || fail "no promtool (package prometheus, see packages.txt)"

# ---- what dax-stat writes ------------------------------------------------
[ -f "$build/tools/dax_stat.skel.h" ] || fail "$build/tools/dax_stat.skel.h missing: run make tools"
# The tools' own objects, as an archive: only what dax_stat.c needs links.
ar rcs "$tmp/libdaxmon.a" "$build"/tools/lib/*.o || fail "no objects in $build/tools/lib"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$repo/tools" -I"$repo/tools/lib" \
	-I"$repo/bpf" -I"$build/tools" "$repo/tests/unit/prom_exposition.c" \
	"$tmp/libdaxmon.a" -lbpf -lelf -lz -o "$tmp/prom_exposition" \
	> "$tmp/cc.log" 2>&1 || fail "prom_exposition does not build: $(cat "$tmp/cc.log")"
"$tmp/prom_exposition" > "$tmp/exposition.prom" || fail "prom_exposition exited $?"
promtool check metrics < "$tmp/exposition.prom" > "$tmp/lint" 2>&1 ||
	fail "promtool rejects dax-stat's exposition: $(cat "$tmp/lint")"
grep -v '^#' "$tmp/exposition.prom" | sed 's/[{ ].*//' | sort -u > "$tmp/names"
mount=$(sed -n 's/^daxmon_window_ranges{mount="\([^"]*\)"}.*/\1/p' "$tmp/exposition.prom")
[ -n "$mount" ] || fail "no daxmon_window_ranges{mount=...} in the exposition"
echo "ok: dax-stat writes $(wc -l < "$tmp/names") series names, promtool accepts them"

# check_names WHAT FILE: every daxmon_* metric FILE names is one dax-stat
# writes.  Recorded series (level:daxmon_...:op) are the rules' own.
check_names() {
	local bad
	bad=$(grep -oP '(?<![\w:])daxmon_\w+' "$2" | sort -u | comm -23 - "$tmp/names")
	[ -z "$bad" ] || fail "$1 names metrics dax-stat does not write: $(tr "\n" " " <<<"$bad")"
	echo "ok: $1: $(grep -oP '(?<![\w:])daxmon_\w+' "$2" | sort -u | wc -l) metric names, all written by dax-stat"
}

# ---- the rules -------------------------------------------------------------
promtool check rules "$rules" > "$tmp/check" 2>&1 || fail "promtool check rules: $(cat "$tmp/check")"
echo "ok: promtool check rules: $(grep -o '[0-9]* rules found' "$tmp/check")"
promtool test rules "$rules_test" > "$tmp/test" 2>&1 || fail "promtool test rules: $(cat "$tmp/test")"
echo "ok: promtool test rules: $(grep -c '^  - name:' "$rules_test") tests pass"
for a in $(sed -n 's/^ *- alert: *//p' "$rules"); do
	grep -q "alertname: $a\$" "$rules_test" || fail "no unit test of alert $a"
	fires=$(awk -v a="$a" '/alertname:/ { cur = $NF } /exp_alerts:$/ && cur == a { n++ } END { print n + 0 }' "$rules_test")
	quiet=$(awk -v a="$a" '/alertname:/ { cur = $NF } /exp_alerts: \[\]/ && cur == a { n++ } END { print n + 0 }' "$rules_test")
	[ "$fires" -gt 0 ] && [ "$quiet" -gt 0 ] ||
		fail "alert $a: expected tests where it fires and where it stays quiet, saw $fires and $quiet"
	echo "ok: alert $a: $fires test(s) where it fires, $quiet where it stays quiet"
done
check_names "the rules" "$rules"
check_names "the rules' unit tests" "$rules_test"

# ---- the dashboard ---------------------------------------------------------
jq -e '.__inputs | map(select(.name == "DS_PROMETHEUS" and .pluginId == "prometheus")) | length == 1' \
	"$dashboard" > /dev/null || fail "the dashboard has no DS_PROMETHEUS input"
bad=$(jq -r '[.panels[] | select(.type != "row" and .type != "text")
	| (.datasource, .targets[]?.datasource) | select(.uid != "${DS_PROMETHEUS}")] | length' "$dashboard")
[ "$bad" = 0 ] || fail "$bad panel or query data sources are not \${DS_PROMETHEUS}"
echo "ok: every panel and query reads \${DS_PROMETHEUS}"

"$repo/tests/lib/dashboard-exprs" "$dashboard" instance=guest-a:9465 mount="$mount" \
	__rate_interval=1m __range=10m > "$tmp/exprs" || fail "cannot list the dashboard's expressions"
n=$(wc -l < "$tmp/exprs")
[ "$n" -gt 10 ] || fail "expected more than 10 expressions in the dashboard, saw $n"
cut -f2 "$tmp/exprs" > "$tmp/expr-text"
check_names "the dashboard" "$tmp/expr-text"

# Every expression as a recording rule, so that promtool parses it; and
# as absent(EXPR) in an alert that must never fire on dax-stat-shaped
# series, so that each returns data.  Likewise each recording rule.
python3 - "$tmp/exprs" "$rules" > "$tmp/dashboard.rules.yml" <<'PY' || fail "cannot write the expression rules"
import json, re, sys
exprs = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1])]
records = re.findall(r"^\s*- record:\s*(\S+)", open(sys.argv[2]).read(), re.M)
rules = [{"record": "dashboard:expr_%d" % i, "expr": e} for i, (_, e) in enumerate(exprs)]
rules += [{"alert": "NoData", "expr": "absent(%s)" % e, "labels": {"where": w}} for w, e in exprs]
rules += [{"alert": "NoData", "expr": "absent(%s)" % r, "labels": {"where": "recording rule " + r}} for r in records]
print(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}, indent=1))
PY
if ! promtool check rules "$tmp/dashboard.rules.yml" > "$tmp/check" 2>&1; then
	for i in $(grep -o 'dashboard:expr_[0-9]*' "$tmp/check" | sort -u | cut -d_ -f2); do
		echo "does not parse: $(sed -n "$((i + 1))p" "$tmp/exprs")"
	done
	fail "a dashboard expression does not parse: $(cat "$tmp/check")"
fi
echo "ok: all $n dashboard expressions parse"

# Input series: each sample of the exposition, with the labels a scrape
# adds; counters (and histogram parts) grow by their value every 15 s,
# gauges keep it.
python3 - "$tmp/exposition.prom" "$rules" "$tmp/dashboard.rules.yml" > "$tmp/dashboard.test.yml" <<'PY' || fail "cannot write the data test"
import json, sys
types, series = {}, []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split()
        types[name] = kind
    elif line.strip() and not line.startswith("#"):
        sel, value = line.rsplit(" ", 1)
        name = sel.split("{")[0]
        family = next(f for f in types if name in (f, f + "_bucket", f + "_sum", f + "_count"))
        labels = 'instance="guest-a:9465",job="daxmon"'
        sel = sel[:-1] + "," + labels + "}" if "{" in sel else sel + "{" + labels + "}"
        gauge = types[family] == "gauge"
        series.append({"series": sel, "values": "%s+0x40" % value if gauge else "0+%sx40" % value})
print(json.dumps({"rule_files": sys.argv[2:], "evaluation_interval": "15s", "tests": [{
    "interval": "15s", "input_series": series,
    "alert_rule_test": [{"alertname": "NoData", "eval_time": "10m", "exp_alerts": []}]}]}, indent=1))
PY
promtool test rules "$tmp/dashboard.test.yml" > "$tmp/test" 2>&1 ||
	fail "expressions without data on dax-stat's series (the NoData alerts' 'where' says which): $(cat "$tmp/test")"
echo "ok: all $n dashboard expressions and $(grep -c '^ *- record:' "$rules") recording rules return data on dax-stat's series"
