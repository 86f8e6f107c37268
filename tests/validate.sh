#!/usr/bin/env bash
# validate.sh REVBENCH: the "make check" step for "revbench validate".
# Runs it once, short, and checks that the table is complete and the JSON
# strict and well formed: one row per primitive whose ops table names a
# userspace peer, every number finite and positive, and no peer among
# revbench list's primitives.  It judges no ratio (that is a benchmark
# result, not a test).  Bad input exits 2.
# Writes $BUILD/check-results/validate ("passed=N failed=N skipped=N").
set -u
rb=$1
build=${BUILD:-build}
results=$build/check-results
out=$build/validate
mkdir -p "$results" "$out"
# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for a in "--threads 0" "--rounds x" "--loops 5" "--placement nosuch" \
	 "--frobnicate" "--out"; do
	bad_usage "$out" "$a" "$rb" validate
done

# validate's peers (REV_CAP_REFONLY) stay out of rev_ops_all[] (list's).
"$rb" list >"$out/list.txt" 2>&1 </dev/null
if [ -s "$out/list.txt" ] && ! grep -q refonly "$out/list.txt"; then
	point OK "no read-section-only peer among revbench list's primitives"
else
	point FAIL "revbench list names a refonly entry, or failed ($out/list.txt)"
fi

rm -f "$out/v.json"
"$rb" validate --rounds 1 --loops 20000 --out "$out/v.json" \
	>"$out/v.txt" 2>&1 </dev/null
rc=$?
if [ $rc -eq 0 ]; then
	point OK "revbench validate ran (exit 0)"
else
	point FAIL "revbench validate exit $rc (log: $out/v.txt)"
fi
sed 's/^/# /' "$out/v.txt"

if python3 - "$out/v.json" "$out/v.txt" <<'PY'
import json, math, sys
def bad(x):
    raise ValueError("non-strict JSON constant " + x)
doc = json.load(open(sys.argv[1]), parse_constant=bad)
rows = doc["validate"]
assert isinstance(doc["context"], dict) and doc["context"]["revbench_env"] == "userspace"
assert len(rows) >= 4, "fewer than 4 pairs"
text = open(sys.argv[2]).read()
for r in rows:
    for k in ("revbench_median_ns", "reference_median_ns", "ratio", "ratio_min", "ratio_max"):
        v = r[k]
        assert isinstance(v, (int, float)) and math.isfinite(v) and v > 0, (r["primitive"], k, v)
    assert len(r["revbench_ns"]) == len(r["reference_ns"]) >= 1
    assert r["readsection"] in ("inline", "generic")
    assert any(l.split()[:1] == [r["primitive"]] for l in text.splitlines()), r["primitive"]
for l in text.splitlines():
    assert len(l) <= 80, "line over 80 columns: " + l
print("%d pairs" % len(rows))
PY
then
	point OK "table complete, JSON strict and well formed, every line <= 80 columns"
else
	point FAIL "table or JSON malformed ($out/v.json)"
fi

tally validate "$results"
