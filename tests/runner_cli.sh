#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# runner_cli.sh REVBENCH: checks of "revbench" as a command.
#   - bad input: a clear message, exit 2, and no results file;
#   - a smoke run of a few tiny cells whose JSON is validated (required
#     context keys and counters present, times positive) and accepted by
#     Google Benchmark's compare.py, plus its samples sidecar;
#   - SIGINT during a run: exit 130 and nothing left behind.
# No timing thresholds.  Writes "passed=N failed=N skipped=N" to
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
	if ls "$tmp"/out.json* >/dev/null 2>&1; then
		notok "$what: left a file behind: $(ls "$tmp"/out.json*)"
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
expect_exit 2 "threads zero" -- run --threads 0 $O
expect_exit 2 "threads negative" -- run --threads -1 $O
expect_exit 2 "threads trailing junk" -- run --threads 1x $O
expect_exit 2 "threads empty list item" -- run --threads , $O
expect_exit 2 "more threads than CPUs" -- run --threads $((ncpu + 1)) $O
expect_exit 2 "option without value" -- run --primitive
expect_exit 2 "repetitions zero" -- run --repetitions 0 $O
expect_exit 2 "min-time not a number" -- run --min-time fast $O
expect_exit 2 "delay-ns negative" -- run --delay-ns -5 $O
expect_exit 2 "unwritable --out" -- run --workload lifecycle --out /nonexistent-dir/x.json
expect_exit 2 "--out is a directory" -- run --workload lifecycle --out "$tmp"
expect_exit 2 "--benchmark_out is refused" -- run --benchmark_out=x.json $O
expect_exit 2 "unknown --benchmark_ flag" -- run --workload lifecycle --primitive none --threads 1 --repetitions 1 --benchmark_bogus=1 $O
expect_exit 2 "every cell skipped (sleep on non-sleepable)" -- run --no-baselines --primitive rcu --workload translate --threads 1 --sleep-us 1 $O
expect_exit 0 "list" -- list
expect_exit 0 "run --help" -- run --help

# "none" under readers in unbind: skipped with a reason, never run.
"$rb" run --no-baselines --primitive none,refcount --workload unbind --threads 2 \
	--repetitions 1 --samples 5 $O >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ $rc -eq 0 ] && grep -q '^SKIP unbind/none/threads:2.*UNSAFE' "$tmp/stderr" &&
   ! grep -q '"name": "unbind/none/threads:2' "$tmp/out.json" &&
   grep -q '"name": "unbind/refcount/threads:2' "$tmp/out.json"; then
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
if [ -s "$tmp/a.json" ] && ! ls "$tmp"/a.json.tmp-* >/dev/null 2>&1; then
	ok "results file written, no temp file left"
else
	notok "results file missing or temp left over"
fi
if $PY - "$tmp/a.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ctx = d["context"]
need = ["revbench_env", "revbench_version", "git_commit", "command_line",
        "seed", "cpu_model", "topology", "kernel", "compiler", "cflags",
        "urcu_flavor", "rwlock_kind", "membarrier", "placement",
        "thread_cpus", "calib_pingpong_ns", "calib_loop_ns", "calib_regime"]
miss = [k for k in need if k not in ctx]
assert not miss, "context keys missing: %s" % miss
assert ctx["revbench_env"] == "userspace"
per_wl = {
    "translate": ["ns_per_access", "accesses_per_sec", "errors", "retries"],
    "map-unmap": ["ns_per_access", "accesses_per_sec"],
    "error-path": ["error_ns", "errors"],
    "lifecycle": ["bytes_per_rev"],
    "unbind": ["revoke_p50_ns", "revoke_p90_ns", "revoke_p99_ns",
               "revoke_max_ns", "revoke_samples", "errors", "pending"],
    "unbind-many": ["revoke_p50_ns", "revoke_p99_ns", "revoke_samples"],
}
seen = set()
for b in d["benchmarks"]:
    assert not b.get("error_occurred"), "%s: %s" % (b["name"], b.get("error_message"))
    if b["run_type"] != "iteration":
        continue
    wl = b["name"].split("/")[0]
    seen.add(wl)
    assert b["real_time"] > 0 and b["time_unit"] == "ns", b["name"]
    assert b["iterations"] > 0, b["name"]
    for k in per_wl[wl] + ["threads_readers", "calib_pingpong_ns"]:
        assert k in b, "%s: counter %s missing" % (b["name"], k)
    for k in ["ns_per_access", "error_ns", "revoke_p50_ns", "revoke_samples",
              "bytes_per_rev", "accesses_per_sec"]:
        if k in b:
            assert b[k] > 0, "%s: %s = %s" % (b["name"], k, b[k])
    assert "/threads:" in b["name"] and "/cs:" in b["name"], b["name"]
assert seen == set(per_wl), "workloads seen: %s" % sorted(seen)
EOF
then ok "JSON: context keys, counters, positive numbers"
else notok "JSON validation"
fi
if head -1 "$tmp/a.json.samples.csv" 2>/dev/null | grep -qx 'benchmark,repetition,sample_ns' &&
   [ "$(grep -c '^unbind/rcu/threads:1/cs:1,' "$tmp/a.json.samples.csv")" -eq 24 ]; then
	ok "samples sidecar: header, 12 samples x 2 repetitions per unbind cell"
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
else
	echo "ok - compare.py # SKIP /usr/share/benchmark/compare.py or scipy missing"
	skip=$((skip + 1))
fi

# SIGINT mid-run: exit 130, no results file, no temp files.
"$rb" run --primitive rcu --workload translate --threads 1 --repetitions 50 \
	--min-time 0.2 --out "$tmp/int.json" >/dev/null 2>"$tmp/int.err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && ! ls "$tmp"/int.json* >/dev/null 2>&1; then
	ok "SIGINT: exit 130, nothing left behind"
else
	notok "SIGINT: exit $rc, files: $(ls "$tmp"/int.json* 2>/dev/null)"
fi

echo "passed=$pass failed=$fail skipped=$skip" >"$results/runner"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
