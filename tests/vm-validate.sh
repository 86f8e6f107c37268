#!/usr/bin/env bash
# vm-validate.sh: the "make check" step for scripts/vm-validate.sh (make
# vm-validate).  Checks its bad-usage exits, then runs it once per kernel
# with small loops (a few minutes per TCG boot) and checks that each
# kernel's table is complete and well formed: every row (rcu, srcu, rwsem,
# refcnt and the none floor) present in the table and in the JSON, every
# number finite and positive, the JSON strict (tests/strict-json.py), every
# line within 80 columns.  It judges no ratio and no timing.
# Writes $BUILD/check-results/vm-validate ("passed=N failed=N skipped=N").
# VM_VALIDATE_CHECK_ARGS overrides the short run's options.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-build}
build_arg=$build	# as given: relative for mk/kmod.mk
case "$build" in /*) ;; *) build=$ROOT/$build ;; esac
results=$build/check-results
out=$build/vm-validate-check
mkdir -p "$results" "$out"
vv=$ROOT/scripts/vm-validate.sh
# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for a in "--rounds 0" "--loops x" "--nruns 101" "--kernel-version no-such-kernel" \
	 "--frobnicate" "--smp"; do
	bad_usage "$out" "$a" env BUILD="$build_arg" "$vv"
done

# A missing linux-source tarball that installing cannot provide: exit 2,
# naming the package.
mkdir -p "$out/no-src"
VM_VALIDATE_SRC_DIR=$out/no-src BUILD=$build_arg "$vv" >"$out/bad.out" 2>"$out/bad.err" </dev/null
rc=$?
if [ $rc -eq 2 ] && grep -q 'package linux-source-6\.1[02]* ' "$out/bad.err"; then
	point OK "no linux-source tarball: exit 2, message: $(tail -1 "$out/bad.err")"
else
	point FAIL "no linux-source tarball: exit $rc (want 2 and a message naming the package)"
fi

# The TCG-flake test that makes vm.sh and vm-validate.sh retry a boot
# (scripts/tcg-flake.sh), on the two consoles of 12-06 that died of one:
# the 6.12-rt boot's stale int3 and the 6.12 torture boot's double fault
# with flags no CPU can hold are flakes; the same logs with a real int3 at
# the address, with flags a CPU can hold, with another report beside
# them, or with no Oops, are not.
st=$ROOT/scripts/tcg-flake.sh
flake_case() {	# flake_case WANT-RC FIXTURE NAME [SED-SCRIPT [EXTRA-LINE]]
	local f=$out/tcg-flake.log rc=0 msg
	sed "${4:-}" "$ROOT/tests/fixtures/$2.console" >"$f"
	[ -z "${5:-}" ] || echo "$5" >>"$f"
	msg=$("$st" "$f" 2>&1) || rc=$?
	if [ $rc -eq "$1" ]; then
		point OK "tcg flake: $3: exit $rc ($msg)"
	else
		point FAIL "tcg flake: $3: exit $rc, want $1 ($msg)"
	fi
}
flake_case 0 tcg-stale-int3 "the 6.12-rt boot of 12-06 (stale int3)"
flake_case 1 tcg-stale-int3 "a real int3 at the address" 's/ 0f <1f> 44 / cc <1f> 44 /'
flake_case 1 tcg-stale-int3 "with a WARNING beside it" '' "WARNING: CPU: 0 PID: 1 at x"
flake_case 1 tcg-stale-int3 "with a KASAN report beside it" '' "BUG: KASAN: use-after-free in x"
flake_case 1 tcg-stale-int3 "an Oops that is not an int3" 's/Oops: int3/Oops: general protection fault/'
flake_case 1 tcg-stale-int3 "no Oops" '/Oops/d'
flake_case 0 tcg-bad-eflags "the 6.12 torture boot of 12-06 (EFLAGS 1ff74242)"
flake_case 1 tcg-bad-eflags "the same double fault with flags a CPU can hold" 's/EFLAGS: 1ff74242/EFLAGS: 00050242/'
flake_case 0 tcg-bad-eflags "with VM set alone (no long-mode CPU has it)" 's/EFLAGS: 1ff74242/EFLAGS: 00020242/'
flake_case 1 tcg-bad-eflags "with a lockdep report beside it" '' "WARNING: possible circular locking dependency detected"
"$st" "$out/no-such-log" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && point OK "tcg flake: an unreadable log: exit 2" ||
	point FAIL "tcg flake: an unreadable log: exit $rc, want 2"
"$st" "$out" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && point OK "tcg flake: a directory for the log: exit 2" ||
	point FAIL "tcg flake: a directory for the log: exit $rc, want 2"

# Small: 3 rounds (the spread needs them), few runs, short windows.
read -ra args <<<"${VM_VALIDATE_CHECK_ARGS:---rounds 3 --loops 2000 --nruns 3}"
BUILD=$build_arg "$vv" "${args[@]}" --no-results >"$out/run.txt" 2>&1 </dev/null
rc=$?
sed 's/^/# /' "$out/run.txt"
if [ $rc -eq 0 ]; then
	point OK "vm-validate ran on every kernel (exit 0)"
else
	point FAIL "vm-validate exit $rc (log: $out/run.txt)"
fi

# Every kernel it ran: its run dir, from the summary lines.
runs=$(sed -n 's/^  \[validate\] [^ ]*: [A-Z]*  (\(.*\))$/\1/p' "$out/run.txt")
[ -n "$runs" ] || point FAIL "no run directories in the output"
for r in $runs; do
	case "$r" in /*) ;; *) r=$ROOT/$r ;; esac
	kv=$(cat "$r/kernel-version" 2>/dev/null || basename "$r")
	if [ -f "$r/validate.json" ] && python3 "$ROOT/tests/strict-json.py" "$r/validate.json"; then
		point OK "$kv: validate.json is strict JSON"
	else
		point FAIL "$kv: no strict JSON at $r/validate.json"
		continue
	fi
	if python3 - "$r/validate.json" "$r/table.txt" <<'PY'
import json, math, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
ctx = doc["context"]
assert ctx["revbench_env"] == "kernel-tcg", ctx.get("revbench_env")
for k in ("qemu_command", "refscale_params", "revbench_params", "vm_kernel"):
    assert isinstance(ctx.get(k), str) and ctx[k], k
def pos(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0
rows = {r["peer"]: r for r in doc["validate"]}
want = {"refscale:rcu": "rcu", "refscale:srcu": "srcu",
        "refscale:rwsem": "rwsem", "refscale:refcnt": "refcount"}
assert set(rows) == set(want), sorted(rows)
for peer, prim in want.items():
    r = rows[peer]
    assert r["primitive"] == prim, (peer, r["primitive"])
    for k in ("revbench_median_ns", "reference_median_ns", "ratio", "ratio_min", "ratio_max"):
        assert pos(r[k]), (peer, k, r[k])
    for k in ("revbench_spread", "reference_spread"):
        assert isinstance(r[k], (int, float)) and math.isfinite(r[k]) and r[k] >= 0, (peer, k)
    assert len(r["revbench_ns"]) == len(r["reference_ns"]) == ctx["rounds"], peer
    assert all(pos(x) for x in r["revbench_ns"] + r["reference_ns"]), peer
    assert r["readsection"] == "inline", (peer, r["readsection"])
    t = peer.split(":")[1]
    assert any(l.split()[:1] == [t] and prim in l.split() for l in text), "no table row " + t
assert "refcount_inc_not_zero" in rows["refscale:refcnt"].get("note", "")
f = doc["floor"]
assert f["primitive"] == "none" and pos(f["revbench_median_ns"]), f
assert all(pos(x) for x in f["revbench_ns"])
assert any(l.split()[:2] == ["(floor)", "-"] for l in text), "no none row"
assert any("atomic_inc/atomic_dec" in l for l in text), "no refcnt note"
for l in text:
    assert len(l) <= 80, "line over 80 columns: " + l
PY
	then
		point OK "$kv: table complete (4 pairs + none floor), numbers positive, <= 80 columns"
	else
		point FAIL "$kv: table or JSON incomplete ($r)"
	fi
done

tally vm-validate "$results"
