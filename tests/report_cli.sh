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
#   - export + plot.sh: every figure as non-empty PNG and SVG;
#   - run folders and revbench_format 2 files (made here by a tiny run):
#     report/compare/export/summary/plot.sh take a folder, a folder without
#     results exits 2, gzip'd indexed samples are read (a corrupt one is
#     exit 2), older files are read with a note, one unit per time axis,
#     colours from the file's primitive table, every file strict JSON.
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

# ---- run folders, the new format, older files -------------------------------
strict() { $PY "$here/strict-json.py" "$@"; }
run1=$tmp/run1
if "$rb" run --primitive rcu,seqlock --workload translate,unbind,error-path,lifecycle \
	--threads 1 --repetitions 2 --min-time 0.002 --samples 8 --no-figures \
	--out "$run1" >"$tmp/run1.out" 2>"$tmp/run1.err"; then
	ok "a tiny run into the folder $run1"
	expect 0 "report: a run folder" -- "$rb" report "$run1"
	head -1 "$tmp/stdout" | grep -q "run1/results.json" && ok "report names the file it read" ||
		notok "report of a folder does not name results.json"
	grep -q "older results format" "$tmp/stderr" && notok "a new file is reported as older" ||
		ok "a revbench_format 2 file reads without a note"
	ln -s run1 "$tmp/latest"
	expect 0 "report: a link to a run folder (results/latest)" -- "$rb" report "$tmp/latest"
	expect 0 "compare: a folder against a file" -- "$rb" compare "$run1" "$run1/results.json"
	expect 0 "summary: a run folder" -- "$rb" summary "$run1" &&
		{ w=$(width "$tmp/stdout"); [ "$w" -le 80 ] && ok "summary width $w <= 80" ||
			notok "summary width $w > 80"; }
	grep -q '^seqlock ' "$tmp/stdout" && grep -q '^unbind: ' "$tmp/stdout" &&
		ok "summary: a table per workload, primitives as rows" || notok "summary tables missing"
	if expect 0 "export: a run folder" -- "$rb" export --gnuplot -o "$tmp/ex-run" "$run1"; then
		grep -q 'samples)$' "$tmp/ex-run/fig2-p1.dat" &&
			ok "export: the gzip'd samples are read (fig2 from raw samples)" ||
			notok "export: fig2 did not use the gzip'd samples"
		grep -q "^LT_SETUP = .*#1f77b4" "$tmp/ex-run/meta.gp" &&
			ok "export: line colours from the file's primitive table" ||
			notok "export: no colours from the primitive table"
		grep -q "^F1_U = 'ns'" "$tmp/ex-run/meta.gp" && grep -q "^F2_U = " "$tmp/ex-run/meta.gp" &&
			ok "export: one time unit per axis" || notok "export: no unit per axis"
	fi
	if command -v gnuplot >/dev/null 2>&1 &&
	   expect 0 "plot.sh: a run folder" -- env REVBENCH="$rb" PLOT_DATA="$tmp/pd" "$top/plot/plot.sh" "$run1" "$tmp/run-plots"; then
		[ "$(ls "$tmp/run-plots"/fig*.png "$tmp/run-plots"/fig*.svg | wc -l)" -eq 12 ] &&
			[ ! -e "$tmp/run-plots/data" ] && [ -e "$tmp/pd/meta.gp" ] &&
			ok "plot.sh: 12 figures, data in \$PLOT_DATA" || notok "plot.sh: figures or data misplaced"
		grep -q 'time per access per reader (ns)' "$tmp/run-plots/fig1-reader-cost.svg" &&
			! grep -q '>0\.0 s<' "$tmp/run-plots/fig1-reader-cost.svg" &&
			ok "fig1: its y axis in one unit (ns), no '0.0 s' tick" ||
			notok "fig1: mixed units on the y axis"
	fi
	# a corrupt or inconsistent gzip'd sidecar is bad input
	cp -r "$run1" "$tmp/run2"
	head -c 60 "$run1/results.samples.csv.gz" >"$tmp/run2/results.samples.csv.gz"
	expect 2 "report: a truncated gzip'd samples file" -- "$rb" report "$tmp/run2" &&
		{ grep -q "truncated or corrupt\|header\|no header" "$tmp/stderr" && ok "the message says so" ||
			notok "truncated samples: unclear message: $(head -1 "$tmp/stderr")"; }
	printf '# cell 0 unbind/rcu/threads:1/cs:1\ncell,repetition,sample_ns\n7,0,100\n' | gzip >"$tmp/run2/results.samples.csv.gz"
	expect 2 "report: a sample of a cell not in the index" -- "$rb" report "$tmp/run2"
	rm -rf "$tmp/run2"
	strict "$run1/results.json" && ok "the tiny run's results.json is strict JSON" ||
		notok "the tiny run's results.json is not strict JSON"
else
	notok "tiny run into a folder failed: $(tail -3 "$tmp/run1.err")"
fi
mkdir -p "$tmp/emptyrun"
expect 2 "report: a folder with no results" -- "$rb" report "$tmp/emptyrun" &&
	{ grep -q "no results in this folder" "$tmp/stderr" && ok "the message says there are no results" ||
		notok "empty folder: unclear message"; }
expect 2 "summary: a folder with no results" -- "$rb" summary "$tmp/emptyrun"
expect 2 "export: a folder with no results" -- "$rb" export --gnuplot -o "$tmp/ex-empty" "$tmp/emptyrun"
mkdir -p "$tmp/tworuns"
cp "$U" "$tmp/tworuns/a.json"
cp "$U" "$tmp/tworuns/b.json"
expect 2 "report: a folder of two results files and no results.json" -- "$rb" report "$tmp/tworuns" &&
	{ grep -q "holds 2 results files" "$tmp/stderr" && ok "the message says which" ||
		notok "two files: unclear message"; }
# older files (Google Benchmark's own output, CSV samples) read with a note
expect 0 "report: an older-format file" -- "$rb" report "$U"
grep -q "older results format" "$tmp/stderr" && grep -q "no primitive table" "$tmp/stderr" &&
	ok "older file: a note says so, order from this binary's table" ||
	notok "older file: no note"
printf 'benchmark,repetition,sample_ns\nunbind/rcu/threads:2/cs:1,0,1200\n' >"$tmp/old.json.samples.csv"
cp "$U" "$tmp/old.json"
expect 0 "report: an older CSV samples sidecar" -- "$rb" report "$tmp/old.json"
grep -q "older samples form" "$tmp/stderr" && ok "older samples: a note says so" ||
	notok "older samples: no note"
# every results file the tests wrote is strict JSON
files=$(find "$tmp" -name results.json -size +0 | sort)
[ -n "$files" ] && strict $files && ok "strict JSON: every results.json written here" ||
	notok "strict JSON: $files"

# ---- real results, when there are any ----------------------------------------
real=$(ls -td "$top"/results/latest "$top"/results/*.json 2>/dev/null | head -n1)
if [ -n "$real" ]; then
	expect 0 "real results: report $(basename "$real")" -- "$rb" report "$real"
	expect 0 "real results: compare with itself" -- "$rb" compare "$real" "$real"
	expect 0 "real results: plot" -- env REVBENCH="$rb" "$top/plot/plot.sh" "$real" "$tmp/real-plots"
	# a revbench_format 2 file (userspace or kernel) must be strict JSON
	for f in "$top"/results/latest/results.json "$top"/results/vm-*.json; do
		[ -f "$f" ] && grep -q '"revbench_format"' "$f" || continue
		strict "$f" && ok "strict JSON: $(basename "$f")" || notok "not strict JSON: $f"
	done
else
	skipped "real results" "no results/latest or results/*.json yet (make bench writes one)"
fi

echo "passed=$pass failed=$fail skipped=$skip" >"$results/report"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
