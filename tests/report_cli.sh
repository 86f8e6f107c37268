#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# report_cli.sh REVBENCH: checks of "revbench report|compare|export" and
# plot/plot.sh.
#   - bad input (empty, malformed, truncated, missing file, no benchmarks,
#     no benchmarks in common, broken samples sidecar, bad arguments,
#     unwritable output directory): a message on stderr and exit 2;
#   - compare: identical files exit 0, a clear regression exits 1 and is
#     named, the same change seen the other way is an improvement (exit 0),
#     a large --threshold hides it; our U-test p-values equal compare.py's;
#   - report: <= 80 columns, tables, refscale runs, --vs marks, --ascii-plot;
#   - export + plot.sh: every figure as non-empty PNG and SVG.
# Inputs are SYNTHETIC files made by tests/fixtures/gen-synthetic.py (made-
# up numbers, never results) plus tiny hand-written ones in tests/fixtures.
# When real results exist under results/, they are run through too.
# No timing thresholds.  Writes "passed=N failed=N skipped=N" to
# $BUILD/check-results/report and ends with "N passed, N failed".
set -u
rb=${1:?usage: report_cli.sh path/to/revbench}
case $rb in /*) ;; *) rb=$PWD/$rb ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
results=${BUILD:-build}/check-results
mkdir -p "$results"
tmp=$(mktemp -d /tmp/revbench-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
PY=/usr/bin/python3	# Debian's, which has scipy for compare.py
fx=$here/fixtures
syn=$tmp/syn

ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; fail=$((fail + 1)); }
skipped() { echo "ok - $1 # SKIP $2"; skip=$((skip + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: exit status, and a message on
# stderr whenever the status is 2.
expect() {
	local want=$1 what=$2 rc
	shift 3
	"$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		notok "$what: exit $rc, want $want"
		sed 's/^/#   /' "$tmp/stderr" | head -5
		return 1
	fi
	if [ "$want" -eq 2 ] && [ ! -s "$tmp/stderr" ]; then
		notok "$what: exit 2 but no message on stderr"
		return 1
	fi
	ok "$what (exit $rc)"
	return 0
}

# width FILE: longest line
width() { awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$1"; }

if ! python3 "$fx/gen-synthetic.py" "$syn" >/dev/null 2>"$tmp/gen.err"; then
	notok "gen-synthetic.py failed: $(head -3 "$tmp/gen.err")"
	echo "passed=$pass failed=$fail skipped=$skip" >"$results/report"
	echo "$pass passed, $fail failed"
	exit 1
fi
U=$syn/synthetic-userspace.json
K=$syn/synthetic-kernel-tcg.json
R=$syn/synthetic-regressed.json

# ---- bad input --------------------------------------------------------
for cmd in report compare export; do
	case $cmd in
	report) pre=(report) post=() ;;
	compare) pre=(compare "$U") post=() ;;
	export) pre=(export --gnuplot -o "$tmp/ex-bad") post=() ;;
	esac
	expect 2 "$cmd: empty file" -- "$rb" "${pre[@]}" "$fx/synthetic-empty.json" "${post[@]}"
	grep -q "empty" "$tmp/stderr" || notok "$cmd: empty file: message does not say empty"
	expect 2 "$cmd: malformed JSON" -- "$rb" "${pre[@]}" "$fx/synthetic-malformed.json"
	grep -q "line 1" "$tmp/stderr" || notok "$cmd: malformed: message has no position"
	expect 2 "$cmd: truncated JSON" -- "$rb" "${pre[@]}" "$syn/synthetic-truncated.json"
	expect 2 "$cmd: missing file" -- "$rb" "${pre[@]}" "$tmp/does-not-exist.json"
	expect 2 "$cmd: no benchmarks" -- "$rb" "${pre[@]}" "$fx/synthetic-nobenchmarks.json"
done
[ ! -e "$tmp/ex-bad/meta.gp" ] && ok "export: nothing written on bad input" ||
	notok "export: wrote meta.gp despite bad input"
expect 2 "compare: no benchmarks in common" -- "$rb" compare "$U" "$syn/synthetic-nocommon.json"
grep -q "in common" "$tmp/stderr" || notok "compare: no-common message unclear"
expect 2 "report --vs: no benchmarks in common" -- "$rb" report "$U" --vs "$syn/synthetic-nocommon.json"
expect 2 "compare: one file only" -- "$rb" compare "$U"
expect 2 "compare: --alpha 2" -- "$rb" compare "$U" "$U" --alpha 2
expect 2 "compare: --threshold abc" -- "$rb" compare "$U" "$U" --threshold abc
expect 2 "report: unknown option" -- "$rb" report "$U" --bogus
expect 2 "export: no -o" -- "$rb" export --gnuplot "$U"
expect 2 "export: no --gnuplot" -- "$rb" export -o "$tmp/x" "$U"
# a directory under a regular file cannot be created, even by root
touch "$tmp/plainfile"
expect 2 "export: unwritable output dir" -- "$rb" export --gnuplot -o "$tmp/plainfile/out" "$U"
expect 2 "plot.sh: unwritable output dir" -- env REVBENCH="$rb" "$top/plot/plot.sh" "$U" "$tmp/plainfile/out"
expect 2 "plot.sh: bad results file" -- env REVBENCH="$rb" "$top/plot/plot.sh" "$fx/synthetic-malformed.json" "$tmp/plot-bad"
ls "$tmp/plot-bad"/*.png >/dev/null 2>&1 && notok "plot.sh: figures written from a bad file" ||
	ok "plot.sh: no figure from a bad file"
# a broken samples sidecar is bad input too
cp "$U" "$tmp/badside.json"
printf 'benchmark,repetition,sample_ns\nunbind/rcu/threads:2/cs:0,zero,12\n' >"$tmp/badside.json.samples.csv"
expect 2 "report: malformed samples sidecar" -- "$rb" report "$tmp/badside.json"

# ---- NaN/Infinity tokens and aggregates-only files ----------------------
expect 0 "report: NaN/Infinity counters read as absent" -- "$rb" report "$fx/synthetic-nan-aggregates.json"
grep -q "NaN/Infinity" "$tmp/stderr" && ok "NaN warning printed" || notok "no NaN warning"
expect 0 "compare: aggregates only -> no U test, exit 0" -- "$rb" compare "$fx/synthetic-nan-aggregates.json" "$fx/synthetic-nan-aggregates.json"
grep -q "no-test" "$tmp/stdout" && ok "aggregates-only benchmark marked no-test" ||
	notok "aggregates-only benchmark not marked no-test"

# ---- compare ------------------------------------------------------------
expect 0 "compare: identical files" -- "$rb" compare "$U" "$U"
grep -Eq ' REGRESSED +[a-z-]+/' "$tmp/stdout" && notok "identical files reported REGRESSED" ||
	ok "identical files: nothing regressed"
if expect 1 "compare: translate/rcu 40% slower" -- "$rb" compare "$U" "$R"; then
	cp "$tmp/stdout" "$tmp/cmp.txt"
	n=$(grep -Ec ' REGRESSED +[a-z-]+/' "$tmp/cmp.txt")
	nr=$(grep ' REGRESSED ' "$tmp/cmp.txt" | grep -c 'translate/rcu/')
	[ "$n" -eq 3 ] && [ "$nr" -eq 3 ] &&
		ok "exactly the 3 translate/rcu cells regressed" ||
		notok "regressed: $n lines, $nr of them translate/rcu"
	[ "$(width "$tmp/cmp.txt")" -gt 0 ] || notok "compare printed nothing"
fi
# a benchmark that stops working (error_occurred) in NEW is a regression
python3 - "$U" "$tmp/broken.json" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
for b in d["benchmarks"]:
    if b["name"].startswith("lifecycle/rcu/"):
        b["error_occurred"] = True
        b["error_message"] = "synthetic contract failure"
json.dump(d, open(sys.argv[2], "w"))
EOF2
if expect 1 "compare: a benchmark failing in new" -- "$rb" compare "$U" "$tmp/broken.json"; then
	grep ' FAILED ' "$tmp/stdout" | grep -q 'lifecycle/rcu/' && ok "failing benchmark named FAILED" ||
		notok "failing benchmark not reported"
fi
expect 0 "compare: the other way round is an improvement" -- "$rb" compare "$R" "$U"
grep ' improved ' "$tmp/stdout" | grep -q 'translate/rcu/' && ok "translate/rcu improved" ||
	notok "translate/rcu not reported improved"
expect 0 "compare: --threshold 60 tolerates 40%" -- "$rb" compare "$U" "$R" --threshold 60
expect 1 "compare: --metric ns_per_access" -- "$rb" compare "$U" "$R" --metric ns_per_access
expect 0 "compare: --filter unbind" -- "$rb" compare "$U" "$R" --filter unbind/
if [ -x "$PY" ] && "$PY" -c 'import scipy' 2>/dev/null && [ -f /usr/share/benchmark/compare.py ]; then
	if "$PY" /usr/share/benchmark/compare.py -d "$tmp/cpy.json" benchmarks "$U" "$R" >/dev/null 2>&1 &&
	   "$PY" - "$tmp/cpy.json" "$tmp/cmp.txt" >"$tmp/pv.txt" 2>&1 <<'EOF'
import json, re, sys
ref = {}
for b in json.load(open(sys.argv[1])):
    u = b.get('utest') or {}
    if u.get('time_pvalue') is not None:
        ref[b['name'].replace('/manual_time', '')] = u['time_pvalue']
mine = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 7 and re.match(r'^[0-9.]+$', f[3]):
        mine[f[6]] = float(f[3])
common = [k for k in ref if k in mine]
bad = [k for k in common if abs(ref[k] - mine[k]) > 0.00006]
print(len(common), len(bad), bad[:3])
sys.exit(0 if common and not bad else 1)
EOF
	then
		ok "U-test p-values equal compare.py's ($(cut -d' ' -f1 "$tmp/pv.txt") benchmarks)"
	else
		notok "U-test p-values differ from compare.py: $(head -3 "$tmp/pv.txt")"
	fi
else
	skipped "p-values against compare.py" "needs /usr/bin/python3 with scipy and libbenchmark-tools"
fi

# ---- report ---------------------------------------------------------------
if expect 0 "report: userspace" -- "$rb" report "$U"; then
	w=$(width "$tmp/stdout")
	[ "$w" -le 80 ] && ok "report width $w <= 80" || notok "report width $w > 80"
	grep -q '^translate: ' "$tmp/stdout" && grep -q '^unbind: ' "$tmp/stdout" &&
		grep -q '^Runs ' "$tmp/stdout" && grep -q '^median ' "$tmp/stdout" &&
		ok "report: workload tables and refscale Runs tables" ||
		notok "report: tables missing"
	grep -q 'SYNTHETIC' "$tmp/stdout" && ok "report says the data is synthetic" ||
		notok "report does not flag synthetic data"
fi
if expect 0 "report: kernel-tcg" -- "$rb" report "$K"; then
	grep -q 'TCG' "$tmp/stdout" && ok "report warns about TCG" || notok "no TCG warning"
fi
if expect 0 "report --vs" -- "$rb" report "$R" --vs "$U"; then
	w=$(width "$tmp/stdout")
	[ "$w" -le 80 ] && ok "report --vs width $w <= 80" || notok "report --vs width $w > 80"
	grep -q '(   0.00%)' "$tmp/stdout" && ok "report --vs: (   0.00%) base column" ||
		notok "report --vs: no base column"
	grep -E '^Amean  rcu ' "$tmp/stdout" | grep -q '\* *-[0-9.]*%\*' &&
		ok "report --vs: rcu marked *-x%* (worse, significant)" ||
		notok "report --vs: rcu slowdown not marked"
fi
if command -v gnuplot >/dev/null 2>&1; then
	if expect 0 "report --ascii-plot" -- "$rb" report "$U" --ascii-plot; then
		w=$(width "$tmp/stdout")
		[ "$w" -le 80 ] && ok "ascii plot width $w <= 80" || notok "ascii plot width $w > 80"
		grep -q 'Revoke latency CDF' "$tmp/stdout" && grep -q 'Reader cost' "$tmp/stdout" &&
			ok "ascii plot: both figures drawn" || notok "ascii plot: figures missing"
	fi
else
	notok "gnuplot missing: install gnuplot-nox (make deps)"
fi

# ---- export and plot --------------------------------------------------------
if expect 0 "export: userspace + kernel-tcg" -- "$rb" export --gnuplot -o "$tmp/ex" "$U" "$K"; then
	n=$(ls "$tmp/ex"/fig*-p*.dat 2>/dev/null | wc -l)
	[ "$n" -eq 12 ] && [ -s "$tmp/ex/meta.gp" ] && ok "export: meta.gp + 12 data files" ||
		notok "export: $n data files"
	ls -A "$tmp/ex" | grep -q '^\.' && notok "export left temp files" || ok "export: no temp files left"
fi
if expect 0 "plot.sh: userspace + kernel-tcg" -- env REVBENCH="$rb" "$top/plot/plot.sh" "$U" "$K" "$tmp/plots"; then
	good=0
	for f in fig1-reader-cost fig2-revoke-cdf fig3-error-path fig4-unbind-many \
		 fig5-revoke-vs-cs fig6-lifecycle; do
		if [ -s "$tmp/plots/$f.png" ] && [ -s "$tmp/plots/$f.svg" ] &&
		   [ "$(head -c 8 "$tmp/plots/$f.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		   grep -q '<svg' "$tmp/plots/$f.svg"; then
			good=$((good + 1))
		else
			notok "plot: $f.png/.svg missing, empty or not PNG/SVG"
		fi
	done
	[ $good -eq 6 ] && ok "plot: 6 figures as non-empty PNG and SVG"
	grep -q 'NOT representative' "$tmp/plots/fig1-reader-cost.svg" &&
		ok "plot: TCG panel labelled" || notok "plot: TCG panel not labelled"
	ls -A "$tmp/plots" | grep -q '^\.' && notok "plot left temp files" || ok "plot: no temp files left"
fi

# ---- real results, when there are any ----------------------------------------
real=$(ls -t "$top"/results/*.json 2>/dev/null | head -n1)
if [ -n "$real" ]; then
	expect 0 "real results: report $(basename "$real")" -- "$rb" report "$real"
	expect 0 "real results: compare with itself" -- "$rb" compare "$real" "$real"
	expect 0 "real results: plot" -- env REVBENCH="$rb" "$top/plot/plot.sh" "$real" "$tmp/real-plots"
else
	skipped "real results" "no results/*.json yet (make bench writes one)"
fi

echo "passed=$pass failed=$fail skipped=$skip" >"$results/report"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
