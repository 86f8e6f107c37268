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
#     a large --threshold hides it; several runs per side (A/A quiet, A/B
#     finds exactly the slowed cells, '--' and --base/--new agree), a run
#     given twice, mixed environments, refused and flagged context
#     mismatches, --allow-mismatch, MISSING cells and --allow-missing; the
#     t test's p-value equals scipy's;
#   - report: <= 80 columns, tables, refscale runs, --vs marks, --ascii-plot;
#     the floor from the file's primitive table or the binary's caps, ns
#     over it, pooled percentiles with the n rule and bootstrap CI, the
#     timer-cost flag, reclaim, teardown and memory columns when present;
#   - export + plot.sh: every figure as non-empty PNG and SVG; the revoke
#     cost table and figure 7 (and their absence for older files);
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
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT
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
	expect 2 "$cmd: wrong schema" -- "$rb" "${pre[@]}" "$fx/synthetic-wrongschema.json"
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
# one strict rule for times in results files: finite and not negative
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["benchmarks"][3]["real_time"] = -1.5
json.dump(d, open(sys.argv[2], "w"))' "$U" "$tmp/negative.json"
for cmd in report compare export; do
	case $cmd in
	report) args=(report "$tmp/negative.json") ;;
	compare) args=(compare "$U" "$tmp/negative.json") ;;
	export) args=(export --gnuplot -o "$tmp/ex-neg" "$tmp/negative.json") ;;
	esac
	expect 2 "$cmd: a negative real_time" -- "$rb" "${args[@]}" &&
		{ grep -q 'negative' "$tmp/stderr" || notok "$cmd: negative real_time: unclear message"; }
done
printf 'benchmark,repetition,sample_ns\nunbind/rcu/threads:2/cs:0,0,-12\n' >"$tmp/negside.json.samples.csv"
cp "$U" "$tmp/negside.json"
expect 2 "report: a negative sample in the sidecar" -- "$rb" report "$tmp/negside.json"

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
# ---- compare: several runs per side, contexts, missing cells -------------
r1=$syn/synthetic-run1.json r2=$syn/synthetic-run2.json r3=$syn/synthetic-run3.json
mkdir -p "$tmp/hempty0"
s1=$syn/synthetic-slow1.json s2=$syn/synthetic-slow2.json s3=$syn/synthetic-slow3.json
nreg() { grep -Ec ' REGRESSED +[a-z-]+/' "$1"; }
if expect 0 "compare A/A: 2 runs -- 1 run (run effects)" -- "$rb" compare "$r1" "$r2" -- "$r3"; then
	[ "$(nreg "$tmp/stdout")" -eq 0 ] && ok "A/A multi-run: nothing regressed" ||
		notok "A/A multi-run: $(nreg "$tmp/stdout") REGRESSED"
	grep -q '^base: 2 runs' "$tmp/stdout" && grep -q '^new: 1 run ' "$tmp/stdout" &&
		ok "compare says how many runs each side had" || notok "compare: run counts not printed"
	grep -q 'ONE RUN PER SIDE' "$tmp/stdout" && notok "one-run warning printed with 2 base runs" ||
		ok "no one-run-per-side warning with 2 base runs"
fi
if expect 1 "compare A/B: 3 runs -- 3 runs, translate/rcu 40% slower" -- "$rb" compare "$r1" "$r2" "$r3" -- "$s1" "$s2" "$s3"; then
	cp "$tmp/stdout" "$tmp/ab.txt"
	n=$(nreg "$tmp/ab.txt")
	nr=$(grep -E ' REGRESSED +[a-z-]+/' "$tmp/ab.txt" | grep -c 'translate/rcu/')
	[ "$n" -eq 3 ] && [ "$nr" -eq 3 ] && ok "A/B multi-run: exactly the 3 translate/rcu cells regressed" ||
		notok "A/B multi-run: $n REGRESSED, $nr of them translate/rcu"
	grep -q 'Holm-adjusted p < 0.05 across the [0-9]* tested cells' "$tmp/ab.txt" &&
		grep -q 'new/base > 5 % at holm-adjusted' "$tmp/ab.txt" &&
		ok "compare states the verdict rule (test, threshold, alpha, Holm)" || notok "verdict rule not stated"
fi
# teeth: without the correction the same A/B reports more than the 3 cells
"$rb" compare "$r1" "$r2" "$r3" -- "$s1" "$s2" "$s3" --correction none >"$tmp/nocorr.txt"
grep -q 'NO multiple-comparison correction' "$tmp/nocorr.txt" && ok "--correction none is flagged loudly" ||
	notok "--correction none not flagged"
expect 1 "compare --base/--new form" -- "$rb" compare --base "$r1" --base "$r2" --base "$r3" --new "$s1" --new "$s2" --new "$s3"
sed 1,4d "$tmp/stdout" | cmp -s - <(sed 1,4d "$tmp/ab.txt") && ok "--base/--new gives the same verdicts as '--'" ||
	notok "--base/--new output differs from the '--' form"
expect 2 "compare: --base with positional files" -- "$rb" compare --base "$r1" "$r2"
expect 2 "compare: three files without --" -- "$rb" compare "$r1" "$r2" "$r3"
expect 2 "compare: nothing after --" -- "$rb" compare "$r1" "$r2" --
expect 2 "compare: --correction bogus" -- "$rb" compare "$r1" "$r2" --correction bogus
expect 0 "compare --correction bh" -- "$rb" compare "$r1" "$r2" --correction bh
grep -q 'Benjamini-Hochberg' "$tmp/stdout" && ok "BH named in the output" || notok "BH not named"
if expect 0 "compare 1 -- 1 run" -- "$rb" compare "$r1" "$r3"; then
	grep -q '!!! ONE RUN PER SIDE' "$tmp/stdout" && ok "one run per side is said loudly" ||
		notok "no one-run-per-side warning"
fi
expect 2 "compare: the same file twice on a side" -- "$rb" compare "$r1" "$r1" -- "$r3"
grep -q 'same run' "$tmp/stderr" || notok "same-file message unclear: $(head -1 "$tmp/stderr")"
cp "$r1" "$tmp/copy.json"
expect 2 "compare: a copy of a run on the same side" -- "$rb" compare "$r1" "$tmp/copy.json" -- "$r3"
expect 2 "compare: mixed environments on one side" -- "$rb" compare "$U" "$K" -- "$r3"
grep -q 'mixes environments' "$tmp/stderr" || notok "mixed-environment message unclear: $(head -1 "$tmp/stderr")"
expect 2 "compare: truncated file among several" -- "$rb" compare "$r1" "$r2" -- "$r3" "$syn/synthetic-truncated.json"
expect 2 "compare: wrong schema" -- "$rb" compare "$r1" "$fx/synthetic-wrongschema.json"
grep -q 'no "name" string' "$tmp/stderr" || notok "wrong-schema message unclear: $(head -1 "$tmp/stderr")"

# context mismatches: refused unless --allow-mismatch, or only warnings
ctxmod() {	# ctxmod IN OUT KEY VALUE
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["context"][sys.argv[3]] = sys.argv[4]
json.dump(d, open(sys.argv[2], "w"))' "$@"
}
for kv in "cpu_model other-cpu" "placement scatter" "quick yes" \
	  "revbench_env kernel" "topology 1 package, 64 cores, 128 PUs"; do
	k=${kv%% *} v=${kv#* }
	ctxmod "$r3" "$tmp/mm.json" "$k" "$v"
	expect 2 "compare: $k mismatch refused" -- "$rb" compare "$r1" "$r2" -- "$tmp/mm.json"
	grep -q "MISMATCH $k" "$tmp/stdout" && grep -q 'allow-mismatch' "$tmp/stderr" ||
		notok "$k mismatch: not named, or no hint of --allow-mismatch"
done
ctxmod "$r3" "$tmp/mm.json" cpu_model other-cpu
expect 0 "compare: --allow-mismatch overrides a refusal" -- "$rb" compare "$r1" "$r2" -- "$tmp/mm.json" --allow-mismatch
grep -q 'MISMATCH (allowed) cpu_model' "$tmp/stdout" && ok "allowed mismatch still printed" ||
	notok "allowed mismatch not printed"
# another calibration regime (issue 19): never refused, never a
# regression: the cross-CPU cells are "regime changed", the rest compared
ctxmod "$r3" "$tmp/mm.json" calib_regime slow
if expect 0 "compare: runs in another calibration regime are compared, not refused" -- "$rb" compare "$r1" "$tmp/mm.json"; then
	nx=$(grep -Ec ' regime +[a-z-]+/[a-z-]+/threads:[2-9]' "$tmp/stdout")
	n1=$(grep -Ec ' regime +[a-z-]+/[a-z-]+/threads:1/' "$tmp/stdout")
	[ "$nx" -gt 0 ] && [ "$n1" -eq 0 ] && grep -q 'regime changed' "$tmp/stdout" &&
		[ "$(nreg "$tmp/stdout")" -eq 0 ] &&
		ok "regime: $nx cross-CPU cells 'regime changed', no one-thread cell set aside, nothing REGRESSED" ||
		notok "regime: $nx cross-CPU, $n1 one-thread cells set aside, $(nreg "$tmp/stdout") REGRESSED"
fi
# --history: with one run a side, each cell's noise from earlier runs (the
# synthetic history: h02..h09 as it, h01 base, h11 new, translate/rcu +40 %)
hh=$syn/synthetic-hist
if expect 1 "compare --history: one run a side, noise from eight earlier runs" -- \
	"$rb" compare "$hh/h01.json" "$hh/h11.json" $(for i in 2 3 4 5 6 7 8 9; do echo --history "$hh/h0$i.json"; done); then
	grep -q '^history: 8 earlier runs' "$tmp/stdout" && ok "compare --history says how many runs it used" ||
		notok "compare --history: no history line"
	nr=$(grep -E ' REGRESSED +[a-z-]+/' "$tmp/stdout" | grep -c 'translate/rcu/')
	[ "$(nreg "$tmp/stdout")" -eq "$nr" ] && [ "$nr" -ge 1 ] &&
		ok "compare --history: $nr translate/rcu cells REGRESSED, nothing else" ||
		notok "compare --history: $(nreg "$tmp/stdout") REGRESSED, $nr translate/rcu"
fi
expect 2 "compare --history: an empty folder" -- "$rb" compare "$r1" "$s1" --history "$tmp/hempty0"
# the kernel's grace-period settings are flagged (issue 20's context keys)
for k in hz preemption rcu_lazy rcu_expedited rcu_normal rcu_nocbs srcu_exp_holdoff srcu_convert_to_big irqoff; do
	ctxmod "$r3" "$tmp/mm.json" "$k" "other"
	"$rb" compare "$r1" "$r2" -- "$tmp/mm.json" >"$tmp/kk.txt" 2>&1
	grep -q "^warning: $k:" "$tmp/kk.txt" || notok "compare: a $k mismatch is not flagged"
done
ok "compare: a mismatch of each kernel setting grace periods depend on is flagged"
ctxmod "$r3" "$tmp/mm.json" compiler "clang 99"
expect 0 "compare: another compiler is a warning, not a refusal" -- "$rb" compare "$r1" "$r2" -- "$tmp/mm.json"
grep -q '^warning: compiler' "$tmp/stdout" && ok "compiler difference flagged" || notok "compiler difference not flagged"
ctxmod "$r3" "$tmp/mm.json" calib_pingpong_ns 400
expect 0 "compare: pingpong moved 5x: warning" -- "$rb" compare "$r1" "$r2" -- "$tmp/mm.json"
grep -q '^warning: calib_pingpong_ns' "$tmp/stdout" && ok "pingpong drift flagged" || notok "pingpong drift not flagged"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for b in d["benchmarks"]:
    if "revoke_samples" in b:
        b["revoke_samples"] = 1000
json.dump(d, open(sys.argv[2], "w"))' "$r3" "$tmp/samp.json"
expect 2 "compare: other samples per repetition refused" -- "$rb" compare "$r1" "$r2" -- "$tmp/samp.json"
grep -q 'MISMATCH revoke_samples' "$tmp/stdout" || notok "samples mismatch not named"

# a cell of BASE missing from NEW
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["benchmarks"] = [b for b in d["benchmarks"] if not b["name"].startswith("unbind/rcu/")]
json.dump(d, open(sys.argv[2], "w"))' "$r3" "$tmp/miss.json"
if expect 1 "compare: cells missing in new fail" -- "$rb" compare "$r1" "$r2" -- "$tmp/miss.json"; then
	m=$(grep -Ec ' MISSING +unbind/rcu/' "$tmp/stdout")
	[ "$m" -eq 3 ] && ok "the 3 missing unbind/rcu cells are named MISSING" || notok "MISSING lines: $m"
fi
expect 0 "compare: --allow-missing accepts them" -- "$rb" compare "$r1" "$r2" -- "$tmp/miss.json" --allow-missing
expect 0 "compare: missing from one of two new runs is only fewer runs" -- "$rb" compare "$r1" "$r2" -- "$tmp/miss.json" "$r3"

# the t test, end to end, against scipy: one cell (no prior), no correction
if [ -x "$PY" ] && "$PY" -c 'import scipy' 2>/dev/null; then
	cell=translate/rcu/threads:1/cs:0
	"$rb" compare "$r1" "$r2" "$r3" -- "$s1" "$s2" "$s3" --filter "$cell" \
		--correction none --threshold 30 >"$tmp/t1.txt" 2>&1
	if "$PY" -c '
import json, math, sys
import numpy as np
from scipy import stats
out, cell = sys.argv[1], sys.argv[2]
files = sys.argv[3:]
k = files.index("--")
def runmed(p):
    v = [b["real_time"] for b in json.load(open(p))["benchmarks"]
         if b.get("run_type") == "iteration" and b["run_name"] == cell + "/manual_time"]
    return float(np.median(np.log(v)))
base = [runmed(p) for p in files[:k]]
new = [runmed(p) for p in files[k + 1:]]
ref = stats.ttest_ind(np.array(new) - math.log(1.30), base, alternative="greater").pvalue
mine = None
for line in open(out):
    f = line.split()
    if len(f) == 8 and f[7] == cell:
        mine = float(f[4])
print(ref, mine)
sys.exit(0 if mine is not None and abs(ref - mine) < 6e-5 else 1)' \
		"$tmp/t1.txt" "$cell" "$r1" "$r2" "$r3" -- "$s1" "$s2" "$s3" >"$tmp/pv.txt" 2>&1
	then
		ok "one-sided t p-value equals scipy's ttest_ind on the run medians ($(cat "$tmp/pv.txt"))"
	else
		notok "t p-value differs from scipy: $(head -3 "$tmp/pv.txt")"
	fi
else
	skipped "t p-value against scipy" "needs /usr/bin/python3 with scipy"
fi

# ---- history: change points over many runs ---------------------------------
H=$syn/synthetic-hist
if expect 1 "history: 20 runs, translate/rcu 40 % slower from run 11" -- "$rb" history "$H"; then
	cp "$tmp/stdout" "$tmp/hist.txt"
	n=$(grep -c '^  run ' "$tmp/hist.txt")
	nr=$(grep -A1 '^translate/rcu/' "$tmp/hist.txt" | grep -c '^  run 11 ')
	[ "$n" -eq 3 ] && [ "$nr" -eq 3 ] &&
		ok "history: change points at run 11 for the 3 translate/rcu cells, nowhere else" ||
		notok "history: $n change points, $nr of them translate/rcu at run 11"
	# a REGRESSED line longer than 80 columns goes on in "  [metric]..."
	[ "$(awk '/^REGRESSED/ { if (p) print p; p = $0; next }
		/^  \[/ && p { p = p " " $0; next } { if (p) print p; p = "" }
		END { if (p) print p }' "$tmp/hist.txt" |
		grep -c '^REGRESSED translate/rcu/.*runs 11-20 vs 1-10')" -eq 3 ] &&
		ok "history: the latest segment's regressions, one line per cell" ||
		notok "history: regression lines missing"
	w=$(width "$tmp/hist.txt")
	[ "$w" -le 80 ] && ok "history width $w <= 80" || notok "history width $w > 80"
	grep -q 'alpha 0.05 over the [0-9]* series' "$tmp/hist.txt" && grep -q 'seed 1' "$tmp/hist.txt" &&
		ok "history states its rule (alpha over the series, seed)" || notok "history: rule not stated"
fi
# the host moves every one-thread translate cell +8 % from run 11 as well:
# one change point for the group's common move, the rcu cell's, no other
mkdir -p "$tmp/hmove"
python3 - "$H" "$tmp/hmove" <<'PY'
import glob, json, os, sys
for f in sorted(glob.glob(sys.argv[1] + "/h*.json")):
    d = json.load(open(f))
    if int(os.path.basename(f)[1:3]) >= 11:
        for b in d["benchmarks"]:
            n = b.get("run_name", b["name"])
            if n.startswith("translate/") and "/threads:1/" in n and b.get("aggregate_name") != "cv":
                b["real_time"] *= 1.08
    json.dump(d, open(sys.argv[2] + "/" + os.path.basename(f), "w"))
PY
if expect 1 "history: the host moves every translate cell +8 % from run 11, rcu +40 %" -- "$rb" history "$tmp/hmove"; then
	n=$(grep -c '^  run ' "$tmp/stdout")
	grep -A1 '^translate (all cells) \[factor of ns\]' "$tmp/stdout" | grep -q '^  run 11 ' &&
		[ "$(grep -A1 '^translate/rcu/threads:1/' "$tmp/stdout" | grep -c '^  run 11 ')" -eq 1 ] &&
		[ "$(grep -c '^translate/[a-z-]*/threads:1/' "$tmp/stdout")" -eq 1 ] &&
		ok "history: the common move is one series of its own, the rcu cell apart, no other cell ($n change points)" ||
		notok "history: common move not apart: $(grep -B1 '^  run ' "$tmp/stdout" | grep -v '^  run\|^--' | tr '\n' ' ')"
fi
expect 0 "history: the first 10 runs (A/A): no change point" -- "$rb" history $(ls "$H"/h*.json | head -10)
grep -q '^no change point' "$tmp/stdout" || notok "history A/A: change points reported"
"$rb" history "$H" >"$tmp/h1.txt" 2>/dev/null
"$rb" history "$H" >"$tmp/h2.txt" 2>/dev/null
cmp -s "$tmp/h1.txt" "$tmp/h2.txt" && ok "history: the same runs give the same output (fixed seed)" ||
	notok "history: two runs of history differ"
expect 1 "history --by commit (commits not in this repository: by date)" -- "$rb" history --by commit "$H"
grep -q 'not in this repository' "$tmp/stdout" || notok "history --by commit: no note about unknown commits"
if expect 0 "history --by kernel --table: 6.1, 6.12, 6.12-rt" -- "$rb" history --by kernel --table "$syn/synthetic-kernels"; then
	grep -Eq '^ +6\.1\.0-57 +6\.12\.95 +6\.12\.95-rt *$' "$tmp/stdout" &&
		ok "history --by kernel: columns in version order, rt after its base" ||
		notok "history --by kernel: column order: $(grep -E '6\.1' "$tmp/stdout" | head -1)"
	w=$(width "$tmp/stdout")
	[ "$w" -le 80 ] && ok "history --table width $w <= 80" || notok "history --table width $w > 80"
fi
# bad input: a message, exit 2, no figure
mkdir -p "$tmp/hempty"
expect 2 "history: an empty folder" -- "$rb" history "$tmp/hempty"
expect 2 "history: one run" -- "$rb" history "$H/h01.json"
expect 2 "history: one run named twice is one run" -- "$rb" history "$H/h01.json" "$H/../$(basename "$H")/h01.json"
mkdir -p "$tmp/hmix/figures" && cp "$H/h01.json" "$H/h02.json" "$H/h03.json" "$tmp/hmix/" &&
	echo '{"table": []}' >"$tmp/hmix/validate.json"
expect 0 "history: a folder's other JSON and folders without runs are left out" -- "$rb" history "$tmp/hmix"
grep -q 'validate.json: note: no "benchmarks": not a results file, left out' "$tmp/stderr" ||
	notok "history: no note for the JSON left out"
expect 2 "history: a named JSON that is no results file" -- "$rb" history "$H/h01.json" "$tmp/hmix/validate.json"
ctxmod "$H/h03.json" "$tmp/h03-format2.json" revbench_format 2
expect 2 "history: mixed formats" -- "$rb" history "$H/h01.json" "$H/h02.json" "$tmp/h03-format2.json"
grep -q 'mixed results formats' "$tmp/stderr" || notok "history: mixed formats: unclear message"
expect 2 "history: a truncated file" -- "$rb" history "$H/h01.json" "$syn/synthetic-truncated.json"
expect 2 "history: --by nonsense" -- "$rb" history --by moon "$H"
expect 2 "history: --alpha 2" -- "$rb" history --alpha 2 "$H"
expect 2 "plot.sh --history: bad input draws nothing" -- env REVBENCH="$rb" "$top/plot/plot.sh" --history "$tmp/hplot-bad" "$tmp/hempty"
ls "$tmp/hplot-bad"/trend* >/dev/null 2>&1 && notok "plot.sh --history: a figure from bad input" ||
	ok "plot.sh --history: no figure from bad input"
if command -v gnuplot >/dev/null 2>&1 &&
   expect 0 "plot.sh --history: the trend figure" -- env REVBENCH="$rb" PLOT_DATA="$tmp/hpd" "$top/plot/plot.sh" --history "$tmp/hplot" "$H"; then
	[ -s "$tmp/hplot/trend.png" ] && grep -q '<svg' "$tmp/hplot/trend.svg" &&
		grep -q "TR_N = 3" "$tmp/hpd/trend.gp" &&
		ok "trend figure: PNG and SVG, the 3 flagged series" || notok "trend figure missing or wrong"
fi

# ---- report --vs and compare: one verdict -----------------------------------
# Every cell of the same pair of runs: report --vs marks exactly the cells
# compare calls REGRESSED or improved (the same function, rv_compare()).
same_verdicts() {	# same_verdicts BASE NEW
	"$rb" compare "$1" "$2" >"$tmp/sv-c.txt" 2>/dev/null
	"$rb" report "$2" --vs "$1" >"$tmp/sv-r.txt" 2>/dev/null
	python3 - "$tmp/sv-c.txt" "$tmp/sv-r.txt" <<'PY'
import re, sys
marked_c, seen_c = set(), set()
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) >= 8 and f[-2] in ("same", "improved", "REGRESSED") and "/" in f[-1]:
        seen_c.add(f[-1])
        if f[-2] in ("improved", "REGRESSED"):
            marked_c.add(f[-1])
marked_r, seen_r, wl, params = set(), set(), None, None
for l in open(sys.argv[2]):
    l = l.rstrip("\n")
    m = re.match(r"^([a-z-]+): .*, Amean$", l)
    if m:
        wl = m.group(1)
    elif wl and re.match(r"^[a-z]+:\S", l):
        params = l.replace(" ", "/")
    elif l.startswith("Amean  "):
        key = "%s/%s/%s" % (wl, l.split()[1], params)
        seen_r.add(key)
        if re.search(r"\*\s*-?[0-9.]+%\*$", l):
            marked_r.add(key)
bad = [k for k in seen_c if (k in marked_c) != (k in marked_r)]
print("%d cells, %d marked by both%s" % (len(seen_c), len(marked_c & marked_r),
      "; differ: " + " ".join(bad[:5]) if bad else ""))
sys.exit(1 if bad or not seen_c <= seen_r else 0)
PY
}
for pair in "$U $R" "$R $U" "$r1 $s1" "$r1 $r2" "$K $K"; do
	set -- $pair
	out=$(same_verdicts "$1" "$2") && ok "report --vs and compare: one verdict on every cell of $(basename "$1") vs $(basename "$2") ($out)" ||
		notok "report --vs and compare disagree on $(basename "$1") vs $(basename "$2"): $out"
done

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

# ---- report: floor, ns over it, pooled percentiles, timer, memory ---------
if expect 0 "report: floor from the file's primitive table" -- "$rb" report "$U"; then
	cp "$tmp/stdout" "$tmp/rep.txt"
	grep -q 'ratio = median / median of none, and the' "$tmp/rep.txt" &&
		grep -Eq '^  primitive +median +stddev +ratio +ns over' "$tmp/rep.txt" &&
		grep -Eq '^  refcount +9\.[0-9]+ ± +[0-9.]+ +1[0-9]\.[0-9]+ +\+8\.[0-9]+' "$tmp/rep.txt" &&
		ok "reader cost: ratio and ns over none (refcount about +8.5 ns)" ||
		notok "reader cost: no ratio / ns-over-none column"
	grep -q '1000 resamples, seed 1' "$tmp/rep.txt" && grep -q 'p99 from 1000' "$tmp/rep.txt" &&
		ok "pooled percentiles: resamples, seed and the n rule stated" || notok "percentile rule not stated"
	# 9 repetitions x 40 samples = 360 pooled: p90 yes, p99 no
	grep -Eq '^  rcu +360 +[0-9.]+ [mu]?s +[0-9.]+ [mu]?s +n<1000 p90 \[' "$tmp/rep.txt" &&
		ok "p99 of 360 samples is n<1000, p90 is printed with its interval" ||
		notok "360 samples: p99 printed or p90 missing"
	grep -q '^!timer: [0-9]* revoke cells have a median under 10x the timer cost' "$tmp/rep.txt" &&
		grep -Eq '^  none .*!timer' "$tmp/rep.txt" &&
		ok "revoke cells under 10x calib_clock_ns flagged" || notok "timer flag missing"
	w=$(width "$tmp/rep.txt")
	[ "$w" -le 80 ] && ok "report width $w <= 80 with the new columns" || notok "report width $w > 80"
fi
# the binary's own table when the file has none: the primitive revbench list calls floor
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
del d["context"]["revbench_primitives"], d["context"]["calib_clock_ns"]
json.dump(d, open(sys.argv[2], "w"))' "$U" "$tmp/notable.json"
cp "$syn/synthetic-userspace.samples.csv" "$tmp/notable.json.samples.csv"
fl=$("$rb" list 2>/dev/null | awk '/^Primitives/ { p = 1; next } p && NF == 0 { exit } p && $3 ~ /(^|,)floor(,|$)/ { print $1; exit }')
if expect 0 "report: no primitive table in the file" -- "$rb" report "$tmp/notable.json"; then
	if [ -n "$fl" ]; then
		grep -q "ratio = median / median of $fl" "$tmp/stdout" && ok "floor from rev_ops_all[]: $fl" ||
			notok "floor $fl of rev_ops_all[] not used"
	else
		grep -q 'no ratio: no floor primitive known' "$tmp/stdout" &&
			ok "no primitive has the floor cap in this binary: no ratio, said so" ||
			notok "no floor known, but the report does not say so"
	fi
	grep -q 'no calib_clock_ns in this file' "$tmp/stdout" && ok "absent calib_clock_ns said, no timer flags" ||
		notok "absent calib_clock_ns not handled"
fi
# 1080 samples per cell, and reclaim / teardown / memory counters
python3 -c '
import json, sys, random
rng = random.Random(5)
d = json.load(open(sys.argv[1]))
for b in d["benchmarks"]:
    if b["name"].startswith("unbind/"):
        b["teardown_ns"] = 900.0
        b["bytes_per_rev"] = 184.0
        b["bytes_per_domain"] = 4096.0
        b["unreclaimed_peak_bytes"] = 0.0
        b["reclaim_p50_ns"] = b["revoke_p50_ns"] * 1.5
        b["reclaim_p99_ns"] = b["revoke_p99_ns"] * 1.5
json.dump(d, open(sys.argv[2], "w"))
with open(sys.argv[3], "w") as f:
    f.write("benchmark,repetition,sample_ns\n")
    for b in d["benchmarks"]:
        if b["name"].startswith("unbind/") and b["run_type"] == "iteration":
            for i in range(120):
                f.write("%s,%d,%.1f\n" % (b["run_name"], b["repetition_index"],
                        b["revoke_p50_ns"] * rng.lognormvariate(0, 0.5)))' \
	"$U" "$tmp/big.json" "$tmp/big.json.samples.csv"
if expect 0 "report: 1080 samples, reclaim and memory counters" -- "$rb" report "$tmp/big.json"; then
	grep -Eq '^  rcu +1080 +[0-9.]+ [mu]?s +[0-9.]+ [mu]?s +\[-[0-9]+,\+[0-9]+%\] +~[0-9.]+ [mu]?s +~[0-9.]+ [mu]?s' "$tmp/stdout" &&
		ok "p99 of 1080 pooled samples with its CI, reclaim p50/p99 beside (~: from counters, no reclaim samples here)" ||
		notok "p99 of 1080 samples, CI or reclaim columns missing"
	grep -Eq '^  primitive +teardown +B/rev +B/domain +B total +unreclaimed peak B' "$tmp/stdout" &&
		grep -Eq '^  rcu +900 ns +184 +4096 +4280 +0$' "$tmp/stdout" &&
		ok "teardown, bytes per revocable + per domain summed, unreclaimed peak" ||
		notok "memory table missing or wrong sum"
	w=$(width "$tmp/stdout")
	[ "$w" -le 80 ] && ok "report width $w <= 80 with reclaim and memory" || notok "report width $w > 80"
fi
if expect 0 "export: pooled percentiles for figure 5" -- "$rb" export --gnuplot -o "$tmp/ex5" "$tmp/big.json"; then
	grep -q "F5_NOTE1 = 'unbind, threads:2; pooled samples: bar to p99 (n>=1000: 33 cells)" "$tmp/ex5/meta.gp" &&
		ok "figure 5: pooled p50..p99 of 1080 samples" || notok "figure 5 note: $(grep F5_NOTE1 "$tmp/ex5/meta.gp")"
fi

# ---- export and plot --------------------------------------------------------
if expect 0 "export: userspace + kernel-tcg" -- "$rb" export --gnuplot -o "$tmp/ex" "$U" "$K"; then
	n=$(ls "$tmp/ex"/fig*-p*.dat 2>/dev/null | wc -l)
	[ "$n" -eq 14 ] && [ -s "$tmp/ex/meta.gp" ] && ok "export: meta.gp + 14 data files" ||
		notok "export: $n data files"
	ls -A "$tmp/ex" | grep -q '^\.' && notok "export left temp files" || ok "export: no temp files left"
	# files without the revoke-cost counters (before issue 18): an empty
	# figure 7 panel that says so, and no cost table in the report
	grep -q "^F7_NOTE1 = 'no revoke_cpu_ns counters" "$tmp/ex/meta.gp" &&
		! "$rb" report "$U" 2>/dev/null | grep -q 'what a revoke costs' &&
		ok "older files: no cost table, figure 7 says it has no counters" ||
		notok "older files: cost table or figure 7 note wrong: $(grep F7_NOTE1 "$tmp/ex/meta.gp")"
fi
if expect 0 "plot.sh: userspace + kernel-tcg" -- env REVBENCH="$rb" "$top/plot/plot.sh" "$U" "$K" "$tmp/plots"; then
	good=0
	for f in fig1-reader-cost fig2-revoke-cdf fig3-error-path fig4-unbind-many \
		 fig5-revoke-vs-cs fig6-lifecycle fig7-revoke-cost; do
		if [ -s "$tmp/plots/$f.png" ] && [ -s "$tmp/plots/$f.svg" ] &&
		   [ "$(head -c 8 "$tmp/plots/$f.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		   grep -q '<svg' "$tmp/plots/$f.svg"; then
			good=$((good + 1))
		else
			notok "plot: $f.png/.svg missing, empty or not PNG/SVG"
		fi
	done
	[ $good -eq 7 ] && ok "plot: 7 figures as non-empty PNG and SVG"
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
	"$rb" report --short "$run1" >"$tmp/short.txt" 2>/dev/null
	expect 0 "summary: a run folder" -- "$rb" summary "$run1" &&
		{ cmp -s "$tmp/stdout" "$tmp/short.txt" && ok "summary is report --short" ||
			notok "summary and report --short differ"; } &&
		{ w=$(width "$tmp/stdout"); [ "$w" -le 80 ] && ok "summary width $w <= 80" ||
			notok "summary width $w > 80"; }
	# workloads whose columns fit share a table (issue 17: fewer lines)
	grep -q '^seqlock ' "$tmp/stdout" && grep -Eq '(^|, )unbind: time per revoke' "$tmp/stdout" &&
		grep -Eq '^ +translate .* unbind( |$)' "$tmp/stdout" &&
		ok "summary: workloads side by side, primitives as rows" || notok "summary tables missing"
	# the revoke cost (workloads/metrics.h): one table row per unbind
	# cell, latency, CPU and IPIs side by side; numbers are not checked
	"$rb" report "$run1" >"$tmp/cost.txt" 2>/dev/null
	if grep -q '^unbind: what a revoke costs the machine' "$tmp/cost.txt" &&
	   [ "$(sed -n '/^unbind: what a revoke costs/,/^$/p' "$tmp/cost.txt" |
		grep -cE '^  (rcu|seqlock) +[0-9.]+ [mun]?s +[0-9.]+ [mun]?s +[0-9-]+ +([0-9.]+|-) +([0-9.]+|-)$')" -ge 2 ]; then
		ok "report: the unbind cost table, a row per primitive (latency, cpu, %, ipi, tlb)"
	else
		notok "report: unbind cost table missing or malformed"
		sed -n '/what a revoke costs/,/^$/p' "$tmp/cost.txt" | sed 's/^/#   /'
	fi
	if expect 0 "export: a run folder" -- "$rb" export --gnuplot -o "$tmp/ex-run" "$run1"; then
		grep -q 'samples)$' "$tmp/ex-run/fig2-p1.dat" &&
			ok "export: the gzip'd samples are read (fig2 from raw samples)" ||
			notok "export: fig2 did not use the gzip'd samples"
		grep -q "^LT_SETUP = .*#1f77b4" "$tmp/ex-run/meta.gp" &&
			ok "export: line colours from the file's primitive table" ||
			notok "export: no colours from the primitive table"
		grep -q "^F1_U = 'ns'" "$tmp/ex-run/meta.gp" && grep -q "^F2_U = " "$tmp/ex-run/meta.gp" &&
			ok "export: one time unit per axis" || notok "export: no unit per axis"
		[ "$(grep -c '^[0-9.e+-]\+ [0-9.e+-]\+ [0-9.e+-]\+ [0-9.e+-]\+ [0-9.e+-]\+ [0-9.e+-]\+$' "$tmp/ex-run/fig7-p1.dat")" -eq 3 ] &&
			grep -q "^F7_NOTE1 = 'unbind, threads:1 cs:1'" "$tmp/ex-run/meta.gp" &&
			ok "export: figure 7, a point (latency, cpu, min..max) per primitive (rcu, seqlock, none)" ||
			notok "export: figure 7 data: $(grep -c . "$tmp/ex-run/fig7-p1.dat") lines, $(grep F7_NOTE1 "$tmp/ex-run/meta.gp")"
	fi
	if command -v gnuplot >/dev/null 2>&1 &&
	   expect 0 "plot.sh: a run folder" -- env REVBENCH="$rb" PLOT_DATA="$tmp/pd" "$top/plot/plot.sh" "$run1" "$tmp/run-plots"; then
		[ "$(ls "$tmp/run-plots"/fig*.png "$tmp/run-plots"/fig*.svg | wc -l)" -eq 14 ] &&
			[ ! -e "$tmp/run-plots/data" ] && [ -e "$tmp/pd/meta.gp" ] &&
			ok "plot.sh: 14 figures, data in \$PLOT_DATA" || notok "plot.sh: figures or data misplaced"
		# "(ns, log scale)" when a loaded host spreads the bars past 30x
		grep -Eq 'time per access per reader \(ns(, log scale)?\)' "$tmp/run-plots/fig1-reader-cost.svg" &&
			! grep -q '>0\.0 s<' "$tmp/run-plots/fig1-reader-cost.svg" &&
			ok "fig1: its y axis in one unit (ns), no '0.0 s' tick" ||
			notok "fig1: mixed units on the y axis: $(grep -Eo "time per access per reader \([^)]*\)|>[0-9.]+ s<" "$tmp/run-plots/fig1-reader-cost.svg" | sort -u | tr '\n' ' ')"
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
# older files (Google Benchmark's own output, no primitive table, CSV
# samples) read with a note; notable.json is the synthetic file without
# its primitive table (made above)
expect 0 "report: an older-format file" -- "$rb" report "$tmp/notable.json"
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
