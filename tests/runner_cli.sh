#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# runner_cli.sh REVBENCH: checks of "revbench" as a command.
#   - bad input: a clear message, exit 2, and no results file;
#   - a smoke run of a few tiny cells whose JSON is validated (a strict
#     parser: no NaN/Infinity; required context keys and counters, the
#     cell and primitive tables, the warm-up dropped) and accepted by Google
#     Benchmark's compare.py, plus its gzip'd, indexed samples sidecar;
#   - the run folder: results/HOST-STAMP/ with results.json and samples,
#     results/latest; then report.txt and the figures made the way "make
#     bench" makes them (revbench report --out, plot/plot.sh: the run never
#     forks them); --out DIR; progress on a pipe (a line per tenth, none
#     per cell) and in place on a terminal; --verbose;
#   - SIGINT during a run, and while the figures are drawn: exit 130 and
#     nothing left behind.
# Every results file written here passes the strict parser.  No timing
# thresholds.  Writes "passed=N failed=N skipped=N" to
# $BUILD/check-results/runner and ends with "N passed, N failed".
set -u
rb=${1:?usage: runner_cli.sh path/to/revbench}
results=${BUILD:-build}/check-results
mkdir -p "$results"
tmp=$(mktemp -d /tmp/revbench-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
PY=/usr/bin/python3	# Debian's, which has scipy for compare.py

ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; fail=$((fail + 1)); }
case $rb in /*) ;; *) rb=$PWD/$rb ;; esac
here=$(cd "$(dirname "$0")" && pwd)

# strict FILE...: every file parses as strict JSON (bare NaN, Infinity
# and -Infinity are refused, as node's JSON.parse is), tests/strict-json.py.
strict() { $PY "$here/strict-json.py" "$@"; }

# expect_exit CODE DESCRIPTION -- ARGS...: run, compare the exit status,
# check that stderr says something and that no results file appeared.
expect_exit() {
	local want=$1 what=$2 rc
	shift 3
	rm -f "$tmp"/out.json*
	"$rb" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		notok "$what: exit $rc, want $want"
		sed 's/^/#   /' "$tmp/stderr" | head -5
		return
	fi
	if [ "$want" -eq 2 ] && [ ! -s "$tmp/stderr" ]; then
		notok "$what: exit 2 but no message"
		return
	fi
	if ls -A "$tmp" | grep -q '^\.\?out\.json'; then
		notok "$what: left a file behind: $(ls -A "$tmp" | grep 'out\.json')"
		return
	fi
	ok "$what (exit $rc: $(head -1 "$tmp/stderr" | cut -c1-70))"
}

O="--out $tmp/out.json"
ncpu=$(nproc)
expect_exit 2 "no subcommand" --
expect_exit 2 "unknown subcommand" -- frobnicate
expect_exit 2 "unknown option" -- run --frob $O
expect_exit 2 "unknown primitive" -- run --primitive nosuch $O
expect_exit 2 "unknown workload" -- run --workload nosuch $O
expect_exit 2 "unknown placement" -- run --placement diagonal $O
expect_exit 2 "threads not a number" -- run --threads abc $O
expect_exit 2 "threads beyond the knob table's range" -- run --threads 1025 $O
expect_exit 2 "seed beyond the knob table's range" -- run --seed 4294967296 $O
expect_exit 2 "repetitions beyond the knob table's range" -- run --repetitions 101 $O
# --threads 0 = one per CPU, as the module's threads=0 (workloads/knobs.h)
if "$rb" run --threads 0 --workload empty --primitive rcu --no-baselines \
	--benchmark_list_tests=true >"$tmp/t0.out" 2>"$tmp/t0.err" &&
   grep -q "^empty/rcu/threads:$ncpu/" "$tmp/t0.out"; then
	ok "--threads 0 runs one thread per CPU (threads:$ncpu)"
else
	notok "--threads 0 did not give threads:$ncpu ($(head -1 "$tmp/t0.out"))"
fi
# thread contexts are sized by the run, not a fixed 256: 300 threads with
# --oversubscribe (issue 12), a tiny run of the per-context primitives
if "$rb" run --threads 300 --oversubscribe --workload empty \
	--primitive srcu,percpu-ref,hazptr --no-baselines --repetitions 1 \
	--min-time 0.001 --out "$tmp/t300.json" >"$tmp/t300.out" \
	2>"$tmp/t300.err" &&
   python3 - "$tmp/t300.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [b["name"] for b in d["benchmarks"]]
for p in ("srcu", "percpu-ref", "hazptr"):
    assert any(n.startswith("empty/%s/threads:300/" % p) for n in names), (p, names)
PY
then
	ok "300 threads with --oversubscribe: srcu, percpu-ref and hazptr ran"
else
	notok "300 threads with --oversubscribe failed ($(tail -1 "$tmp/t300.err"))"
fi
expect_exit 2 "threads negative" -- run --threads -1 $O
expect_exit 2 "threads trailing junk" -- run --threads 1x $O
expect_exit 2 "threads empty list item" -- run --threads , $O
expect_exit 2 "primitive list with an empty item" -- run --primitive rcu,,srcu $O
expect_exit 2 "workload list ending in a comma" -- run --workload translate, $O
expect_exit 2 "more threads than CPUs" -- run --threads $((ncpu + 1)) $O
expect_exit 2 "option without value" -- run --primitive
expect_exit 2 "repetitions zero" -- run --repetitions 0 $O
expect_exit 2 "min-time not a number" -- run --min-time fast $O
expect_exit 2 "delay-ns negative" -- run --delay-ns -5 $O
expect_exit 2 "guard zero (the knob table's range is 1..64)" -- run --guard 0 $O
expect_exit 2 "guard beyond the knob table's range" -- run --guard 65 $O
expect_exit 2 "guard not a number" -- run --guard two $O
# the guard knob: a sweep of translate cells named /guard:G (none at 1),
# a workload without the knob keeps one cell and no guard in its name
if "$rb" run --guard 1,4 --workload translate,empty --primitive rcu,refcount \
	--threads 1 --cs 1 --no-baselines --benchmark_list_tests=true \
	>"$tmp/g.out" 2>"$tmp/g.err" &&
   [ "$(grep -Ec '^translate/rcu/threads:1/cs:1(/manual_time)?$' "$tmp/g.out")" = 1 ] &&
   [ "$(grep -Ec '^translate/refcount/threads:1/cs:1/guard:4(/manual_time)?$' "$tmp/g.out")" = 1 ] &&
   [ "$(grep -c '^empty/rcu/' "$tmp/g.out")" = 1 ] &&
   ! grep -q '^empty/.*guard' "$tmp/g.out"; then
	ok "--guard 1,4: translate cells guard:1 (unnamed) and guard:4, empty once"
else
	notok "--guard 1,4 cells wrong ($(tr '\n' ' ' <"$tmp/g.out"))"
fi
# the report's shared-guard table: shared/each from the primitive table's
# caps (rcu has guard, refcount not), a row per guard:G cell
if "$rb" run --guard 1,2 --workload translate --primitive rcu,refcount \
	--threads 1 --cs 1 --repetitions 1 --min-time 0.001 --no-baselines \
	--out "$tmp/g.json" >/dev/null 2>"$tmp/g.err" &&
   "$rb" report "$tmp/g.json" >"$tmp/g.txt" 2>&1 &&
   grep -q '^translate: the shared read-side guard' "$tmp/g.txt" &&
   grep -Eq '^  rcu +shared +T1 g2 ' "$tmp/g.txt" &&
   grep -Eq '^  refcount +each +T1 g2 ' "$tmp/g.txt"; then
	ok "report: the shared-guard table, rcu shared and refcount each (from caps)"
else
	notok "report: no shared-guard table or wrong rows ($(grep -E '^  (rcu|refcount) ' "$tmp/g.txt" | tr '\n' ' '))"
fi
expect_exit 2 "unwritable --out" -- run --workload lifecycle --out /nonexistent-dir/x.json
expect_exit 2 "--out is an existing directory" -- run --workload lifecycle --out "$tmp"
expect_exit 2 "--benchmark_out is refused" -- run --benchmark_out=x.json $O
expect_exit 2 "--benchmark_repetitions is refused" -- run --benchmark_repetitions=3 $O
expect_exit 2 "--benchmark_min_warmup_time is refused" -- run --benchmark_min_warmup_time=1 $O
expect_exit 2 "unknown --benchmark_ flag" -- run --workload lifecycle --primitive none --threads 1 --repetitions 1 --benchmark_bogus=1 $O
expect_exit 2 "every cell skipped (sleep on non-sleepable)" -- run --no-baselines --primitive rcu --workload translate --threads 1 --sleep-us 1 $O
expect_exit 0 "list" -- list
expect_exit 0 "run --help" -- run --help

# "none" under readers in unbind: skipped with a reason, never run.
"$rb" run --no-baselines --primitive none,refcount --workload unbind --threads 2 \
	--repetitions 1 --samples 5 $O >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ $rc -eq 0 ] && grep -q '^SKIP [0-9]* cells\?, e.g. unbind/none/threads:2.*UNSAFE' "$tmp/stderr" &&
   $PY - "$tmp/out.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
names = {b["name"].split("/iterations")[0] for b in d["benchmarks"]}
assert not any(n.startswith("unbind/none/threads:2") for n in names), names
assert any(n.startswith("unbind/refcount/threads:2") for n in names), names
assert "unbind/none/threads:2/cs:1" in d["context"]["skipped_cells"]
EOF
then
	ok "unbind/none with a reader is skipped with a printed reason"
else
	notok "unbind/none with a reader: rc=$rc, SKIP line or absence missing"
fi

# Smoke run: a few --quick cells, JSON validated, compare.py accepts it.
smoke="run --quick --primitive rcu,seqlock --workload translate,unbind,error-path,lifecycle,unbind-many,map-unmap --threads 1,$([ "$ncpu" -ge 2 ] && echo 2 || echo 1) --repetitions 2 --min-time 0.002 --samples 12 --n 1,4"
if "$rb" $smoke --out "$tmp/a.json" >"$tmp/stdout" 2>"$tmp/stderr"; then
	ok "smoke run exits 0"
else
	notok "smoke run failed"; sed 's/^/#   /' "$tmp/stderr" | tail -5
fi
if [ -s "$tmp/a.json" ] && [ -s "$tmp/a.json.samples.csv.gz" ] &&
   ! ls -A "$tmp" | grep -q '^\.'; then
	ok "results file and gzip'd samples written, no temporary folder left"
else
	notok "results file missing or temporary folder left over: $(ls -A "$tmp" | tr '\n' ' ')"
fi
if strict "$tmp/a.json" 2>"$tmp/strict.err"; then
	ok "results file is strict JSON (no NaN/Infinity)"
else
	notok "results file is not strict JSON: $(cat "$tmp/strict.err")"
fi
if command -v node >/dev/null 2>&1; then
	node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$tmp/a.json" 2>"$tmp/node.err" &&
		ok "node's JSON.parse reads the results" ||
		notok "node's JSON.parse rejects the results: $(head -2 "$tmp/node.err")"
fi
if $PY - "$tmp/a.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ctx = d["context"]
need = ["revbench_env", "revbench_version", "git_commit", "command_line",
        "seed", "cpu_model", "topology", "kernel", "compiler", "cflags",
        "urcu_flavor", "rwlock_kind", "membarrier", "placement",
        "thread_cpus", "calib_pingpong_ns", "calib_loop_ns", "calib_regime",
        "calib_clock_ns", "clocksource", "spectre_v2", "cpufreq_driver",
        "cpufreq_governor", "warmup", "interleaving", "revbench_format",
        "revbench_primitives", "revbench_cells", "revoke_cpu_clock",
        "ipi_source", "gp_cpu"]
miss = [k for k in need if k not in ctx]
assert not miss, "context keys missing: %s" % miss
assert ctx["revbench_env"] == "userspace"
assert ctx["revbench_format"] == "2"
assert ctx["interleaving"].startswith("random"), ctx["interleaving"]
assert float(ctx["calib_clock_ns"]) > 0
assert ctx["repetitions"] == "2", ctx["repetitions"]
prims = {p["name"]: p for p in ctx["revbench_primitives"]}
for p in prims.values():
    assert set(p) >= {"name", "family", "caps", "desc"}, p
assert [n for n, p in prims.items() if "floor" in p["caps"].split(",")] == ["none"]
# ops->impl: which implementation ran, where a design has more than one
# (srcu-fast: the port of v6.15's algorithm, everywhere in userspace)
assert prims["srcu-fast"]["impl"].startswith("port of Linux v6.15 SRCU-fast"), prims["srcu-fast"]
assert "impl" not in prims["srcu"], prims["srcu"]
cells = {c["name"]: c for c in ctx["revbench_cells"]}
# per workload: counters on each repetition's entry / once in the cell table
per_wl = {
    "translate": (["ns_per_access", "accesses_per_sec", "errors"], ["bytes_per_rev", "threads_readers"]),
    "map-unmap": (["ns_per_access", "accesses_per_sec"], ["bytes_per_rev"]),
    "error-path": (["error_ns", "errors"], ["bytes_per_rev"]),
    "lifecycle": ([], ["bytes_per_rev", "threads_readers"]),
    "unbind": (["revoke_p50_ns", "revoke_p90_ns", "revoke_p99_ns",
                "revoke_max_ns", "errors"], ["revoke_samples", "bytes_per_rev"]),
    "unbind-many": (["revoke_p50_ns", "revoke_p99_ns"], ["revoke_samples"]),
}
# the revoke cost (workloads/metrics.h): the revoker's CPU time always,
# the IPIs wherever /proc/interrupts has them
cost = ["revoke_cpu_ns"]
if not ctx["ipi_source"].startswith("unavailable"):
    cost += ["revoke_ipis", "revoke_tlb_ipis"]
for wl in ("unbind", "unbind-many"):
    per_wl[wl] = (per_wl[wl][0] + cost, per_wl[wl][1])
seen = set()
reps = {}
for b in d["benchmarks"]:
    assert not b.get("error_occurred"), "%s: %s" % (b["name"], b.get("error_message"))
    for k, v in b.items():
        assert v is not None, "%s: %s is null" % (b["name"], k)
    assert b["run_type"] == "iteration", "%s: an aggregate" % b["name"]
    run = b["name"]
    assert "/iterations:" not in run and "manual_time" not in run, run
    for k in ["run_name", "family_index", "threads", "repetitions"]:
        assert k not in b, "%s: %s is not written" % (run, k)
    wl, prim = run.split("/")[:2]
    seen.add(wl)
    assert run in cells, "%s not in revbench_cells" % run
    assert b["real_time"] > 0 and b["time_unit"] == "ns", b["name"]
    assert b["iterations"] > 0, b["name"]
    reps.setdefault(run, []).append(b["repetition_index"])
    on_entry, in_cell = per_wl[wl]
    if prim == "seqlock" and wl != "lifecycle":
        on_entry = on_entry + ["retries"]
    for k in on_entry:
        assert k in b, "%s: counter %s missing" % (b["name"], k)
    for k in in_cell:
        assert k in cells[run], "%s: %s missing from revbench_cells" % (run, k)
        assert k not in b, "%s: constant counter %s repeated on the entry" % (b["name"], k)
    for k in ["calib_pingpong_ns", "calib_loop_ns", "threads_readers", "bytes_per_rev"]:
        assert k not in b, "%s: %s is constant: context only" % (b["name"], k)
    for k in ["ns_per_access", "error_ns", "revoke_p50_ns", "accesses_per_sec"]:
        if k in b:
            assert b[k] > 0, "%s: %s = %s" % (b["name"], k, b[k])
    if wl == "unbind":
        assert cells[run]["revoke_samples"] == 12, cells[run]
    if wl in ("translate", "error-path"):
        assert cells[run].get("loop") in ("inline", "generic"), cells[run]
    assert "/threads:" in b["name"] and "/cs:" in b["name"], b["name"]
assert seen == set(per_wl), "workloads seen: %s" % sorted(seen)
# the warm-up repetition is gone: two kept, numbered 0 and 1
bad = {r: v for r, v in reps.items() if sorted(v) != [0, 1]}
assert not bad, "repetition indexes: %s" % bad
EOF
then ok "JSON: context, primitive and cell tables, counters, warm-up dropped"
else notok "JSON validation"
fi
# The revoke-cost counters' plumbing (workloads/metrics.h), no timing
# threshold: a revoke that sends no IPI (none, the revoker alone) reads
# under half an IPI per revoke, and hazptr-asym's membarrier(2), with a
# reader running on the other CPU, at least one.  The counts are the whole
# machine's, so another process's IPI can land in a window: "under half"
# is asked of one repetition of five (a count that is not differenced
# reads millions), "at least one" of the cell's revokes together.
if [ "$ncpu" -lt 2 ] || ! grep -q '^ *CAL:' /proc/interrupts 2>/dev/null; then
	echo "ok - revoke IPI counters # SKIP needs 2 CPUs and a CAL line in /proc/interrupts"
	skip=$((skip + 1))
elif "$rb" run --no-baselines --primitive none --workload unbind --threads 1 --cs 1 \
	--repetitions 5 --samples 100 --out "$tmp/ipi0.json" >/dev/null 2>"$tmp/ipi.err" &&
     "$rb" run --no-baselines --primitive hazptr-asym --workload unbind --threads 2 \
	--cs 1 --repetitions 3 --samples 100 --out "$tmp/ipi1.json" >/dev/null 2>>"$tmp/ipi.err"; then
	if $PY - "$tmp/ipi0.json" "$tmp/ipi1.json" >"$tmp/ipi.out" 2>&1 <<'EOF'
import json, sys
zero, asym = (json.load(open(f)) for f in sys.argv[1:3])
if not asym["context"]["membarrier"].startswith("private-expedited"):
    print("SKIP membarrier unavailable: hazptr-asym falls back to smp_mb")
    sys.exit(0)
z = [b for b in zero["benchmarks"] if b["name"].startswith("unbind/none/")]
a = [b for b in asym["benchmarks"] if b["name"].startswith("unbind/hazptr-asym/")]
assert len(z) == 5 and len(a) == 3, (len(z), len(a))
for b in z + a:
    for k in ("revoke_cpu_ns", "revoke_ipis", "revoke_tlb_ipis"):
        assert k in b and b[k] >= 0, "%s: %s = %s" % (b["name"], k, b.get(k))
assert min(b["revoke_ipis"] for b in z) < 0.5, \
    "none: IPIs per revoke %s" % [b["revoke_ipis"] for b in z]
sent = sum(b["revoke_ipis"] * 100 for b in a)
assert sent >= 1, "hazptr-asym: %g IPIs in 300 revokes" % sent
print("none %s; hazptr-asym %.0f IPIs in 300 revokes" %
      ([b["revoke_ipis"] for b in z], sent))
EOF
	then
		if grep -q '^SKIP' "$tmp/ipi.out"; then
			echo "ok - revoke IPI counters # $(cat "$tmp/ipi.out")"
			skip=$((skip + 1))
		else
			ok "revoke IPI counters: none reads < 0.5 per revoke, hazptr-asym's membarrier >= 1 ($(cat "$tmp/ipi.out"))"
		fi
	else
		notok "revoke IPI counters: $(tail -1 "$tmp/ipi.out")"
	fi
else
	notok "revoke IPI runs failed: $(tail -1 "$tmp/ipi.err")"
fi

if zcat "$tmp/a.json.samples.csv.gz" >"$tmp/samples.csv" 2>/dev/null &&
   grep -qx 'cell,repetition,sample_ns' "$tmp/samples.csv" &&
   $PY - "$tmp/samples.csv" "$tmp/a.json" <<'EOF'
import json, sys
cells = [c["name"] for c in json.load(open(sys.argv[2]))["context"]["revbench_cells"]]
idx, n, reps = {}, {}, {}
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# cell "):
        i, name = line[7:].split(" ", 1)
        if int(i) >= 100000:    # the reclaim series of cell i - 100000
            assert cells[int(i) - 100000] + "/reclaim" == name, (i, name)
        else:
            assert cells[int(i)] == name, (i, name)
        idx[int(i)] = name
    elif line and line[0].isdigit():
        c, r, ns = line.split(",")
        name = idx[int(c)]
        n[name] = n.get(name, 0) + 1
        reps.setdefault(name, set()).add(int(r))
        assert int(ns) > 0
k = "unbind/rcu/threads:1/cs:1"
assert n.get(k) == 24, (k, n.get(k))
assert reps[k] == {0, 1}, reps[k]
# unbind's reclaim latencies: one per revoke sample
assert n.get(k + "/reclaim") == 24, (k, n.get(k + "/reclaim"))
EOF
then
	ok "samples: gzip'd, indexed to revbench_cells, 12 x 2 kept repetitions per unbind cell, and its reclaim series"
else
	notok "samples sidecar"
fi
if [ -x $PY ] && $PY -c 'import scipy' 2>/dev/null && [ -f /usr/share/benchmark/compare.py ]; then
	cp "$tmp/a.json" "$tmp/b.json"
	if $PY /usr/share/benchmark/compare.py benchmarks "$tmp/a.json" "$tmp/b.json" \
		>"$tmp/cmp" 2>&1 && grep -q OVERALL_GEOMEAN "$tmp/cmp"; then
		ok "compare.py reads the results"
	else
		notok "compare.py rejected the results"; tail -5 "$tmp/cmp" | sed 's/^/#   /'
	fi
	rm -f "$tmp/b.json"
else
	echo "ok - compare.py # SKIP /usr/share/benchmark/compare.py or scipy missing"
	skip=$((skip + 1))
fi
# progress on a pipe: a line per tenth of the run, none per cell (issue
# 17: per-cell lines only with --verbose), then the summary
if ! grep -Eq '^\[ ?[0-9]+/[0-9]+\] (translate|unbind)/' "$tmp/stdout" &&
   [ "$(grep -c '^progress: ' "$tmp/stdout")" -le 9 ] &&
   grep -q '^progress: ' "$tmp/stdout" && grep -q '^summary of ' "$tmp/stdout"; then
	ok "progress: a line per tenth on a pipe, none per cell, then the summary"
else
	notok "progress lines or summary on a pipe: $(grep -c '' "$tmp/stdout") lines"
fi

# The run folder: results/HOST-STAMP/ and results/latest, in a fresh cwd;
# then report.txt and the figures as "make bench" makes them (mk/plot.mk,
# bench-results): revbench report --out, plot/plot.sh, each its own step.
mini="run --no-baselines --primitive rcu --workload translate,unbind --threads 1 --repetitions 2 --min-time 0.002 --samples 8"
top=$(cd "$here/.." && pwd)
bench_after() {	# bench_after RUN-FOLDER: what make bench does after the run
	"$rb" report "$1" --out "$1/report.txt" &&
	REVBENCH="$rb" PLOT_DATA="$tmp/plot-data" PLOT_FORMATS=png "$top/plot/plot.sh" "$1" "$1"
}
mkdir -p "$tmp/cwd"
if (cd "$tmp/cwd" && "$rb" $mini >"$tmp/f.out" 2>"$tmp/f.err"); then
	run=$(readlink "$tmp/cwd/results/latest")
	d=$tmp/cwd/results/$run
	[ -n "$run" ] && [ ! -e "$d/report.txt" ] && ! ls "$d"/fig* >/dev/null 2>&1 &&
		ok "the run itself writes no report and no figure (no fork of the binary)" ||
		notok "the run wrote a report or figures itself: $(ls "$d" | tr '\n' ' ')"
	bench_after "$d" >"$tmp/ba.out" 2>&1
	if [ -n "$run" ] && [ -s "$d/results.json" ] && [ -s "$d/results.samples.csv.gz" ] &&
	   [ -s "$d/report.txt" ] && ! ls -A "$tmp/cwd/results" | grep -q '^\.'; then
		ok "run folder results/$run: results.json, samples, report.txt; results/latest"
	else
		notok "run folder incomplete: $(ls -A "$tmp/cwd/results" "$d" 2>&1 | tr '\n' ' ')"
	fi
	head -1 "$d/report.txt" | grep -q "results/$run/results.json" &&
		ok "report.txt names the run folder's file, not a temporary path" ||
		notok "report.txt header: $(head -1 "$d/report.txt")"
	if command -v gnuplot >/dev/null 2>&1; then
		[ "$(ls "$d"/fig*.png 2>/dev/null | wc -l)" -eq 7 ] && ! ls -A "$d" | grep -q '^\.' &&
			ok "run folder: the 7 figures (PNG)" || notok "run folder: figures missing: $(ls "$d")"
	fi
	grep -q "^written: results/$run/" "$tmp/f.out" && grep -q 'results.json' "$tmp/f.out" &&
		ok "the paths written are listed at the end" || notok "no list of the files written"
	strict "$d/results.json" && ok "run folder results.json is strict JSON" ||
		notok "run folder results.json is not strict JSON"
else
	notok "run into the default folder failed: $(tail -2 "$tmp/f.err")"
fi
# --out DIR: a new folder of that name, never an existing one
if "$rb" $mini --no-figures --out "$tmp/mine" >/dev/null 2>&1 &&
   [ -s "$tmp/mine/results.json" ] && "$rb" report "$tmp/mine" --out "$tmp/mine/report.txt" &&
   [ -s "$tmp/mine/report.txt" ] && ! ls "$tmp/mine"/fig* >/dev/null 2>&1; then
	ok "--out DIR --no-figures: that folder, no figures; report --out into it"
else
	notok "--out DIR: $(ls "$tmp/mine" 2>&1 | tr '\n' ' ')"
fi
# On a terminal: one status line redrawn in place, so few lines in all.
if command -v script >/dev/null 2>&1; then
	script -qc "'$rb' $mini --no-figures --out '$tmp/tty.json'" /dev/null >"$tmp/tty.out" 2>&1
	nl=$(wc -l <"$tmp/tty.out")
	sl=$(sed -n '/^summary of /,$p' "$tmp/tty.out" | wc -l)
	if grep -q $'\r' "$tmp/tty.out" && grep -q '\[[#.]*\]' "$tmp/tty.out" &&
	   [ $((nl - sl)) -le 8 ] && ! grep -Eq '^\[ ?[0-9]+/[0-9]+\] ' "$tmp/tty.out"; then
		ok "terminal: a progress bar in place ($((nl - sl)) lines before the summary)"
	else
		notok "terminal: $nl lines, $sl of them the summary, or no bar"
	fi
	strict "$tmp/tty.json" || notok "tty run: results not strict JSON"
else
	echo "ok - terminal progress # SKIP script(1) missing"
	skip=$((skip + 1))
fi
# --verbose: Google Benchmark's own console instead of the progress
if "$rb" $mini --verbose --out "$tmp/v.json" >"$tmp/v.out" 2>&1 &&
   grep -q 'manual_time' "$tmp/v.out" && ! grep -q '^progress: ' "$tmp/v.out"; then
	ok "--verbose brings back Google Benchmark's console"
else
	notok "--verbose: no Google Benchmark console output"
fi
"$rb" $mini --benchmark_list_tests=true --out "$tmp/l.json" >"$tmp/l.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^translate/rcu/threads:1/cs:1' "$tmp/l.out" && [ ! -e "$tmp/l.json" ]; then
	ok "--benchmark_list_tests lists the cells, writes nothing"
else
	notok "--benchmark_list_tests: rc=$rc"
fi

# interrupted WHAT DIR: SIGINT to $pid, then exit 130 and nothing in DIR
# but an empty results/ (no file, no temporary folder).
interrupted() {
	local rc left
	kill -INT $pid
	wait $pid
	rc=$?
	left=$(find "$2" -mindepth 1 ! \( -type d -name results \) | head -3)
	if [ $rc -eq 130 ] && [ -z "$left" ]; then
		ok "SIGINT $1: exit 130, nothing left behind"
	else
		notok "SIGINT $1: exit $rc, left: $left"
	fi
}
slow="run --primitive rcu --workload translate --threads 1 --repetitions 50 --min-time 0.2"
mkdir -p "$tmp/int" "$tmp/int1" "$tmp/int2"
(cd "$tmp/int" && exec "$rb" $slow >/dev/null 2>&1) &
pid=$!
sleep 1.5
interrupted "mid-run" "$tmp/int"
"$rb" $slow --out "$tmp/int1/x.json" >/dev/null 2>&1 &
pid=$!
sleep 1.5
interrupted "mid-run with --out FILE.json" "$tmp/int1"
# ... and while the figures are drawn (a gnuplot that takes its time):
# plot.sh stops, exit 130, and leaves no figure, whole or partial
if command -v gnuplot >/dev/null 2>&1; then
	printf '#!/bin/sh\nsleep 3\nexec gnuplot "$@"\n' >"$tmp/slow-gnuplot"
	chmod +x "$tmp/slow-gnuplot"
	"$rb" $mini --no-figures --out "$tmp/int2/run" >/dev/null 2>&1
	# a background job of a script starts with SIGINT ignored: restore it
	GNUPLOT="$tmp/slow-gnuplot" REVBENCH="$rb" PLOT_DATA="$tmp/int2-data" env --default-signal=INT \
		"$top/plot/plot.sh" "$tmp/int2/run" "$tmp/int2/run" >"$tmp/int2.log" 2>&1 &
	pid=$!
	sleep 1
	kill -INT $pid
	wait $pid
	rc=$?
	left=$(ls -A "$tmp/int2/run" | grep -v '^results' | head -3)
	[ $rc -eq 130 ] && [ -z "$left" ] &&
		ok "SIGINT while the figures are drawn: exit 130, no figure left behind" ||
		notok "SIGINT while the figures are drawn: exit $rc, left: $left"
fi
# every results file this script wrote is strict JSON
files=$(find "$tmp" -name '*.json' -size +0 | sort)
if strict $files 2>"$tmp/strict.err"; then
	ok "strict JSON: every results file written here ($(echo "$files" | wc -w))"
else
	notok "strict JSON: $(cat "$tmp/strict.err")"
fi

echo "passed=$pass failed=$fail skipped=$skip" >"$results/runner"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
