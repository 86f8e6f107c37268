#!/usr/bin/env bash
# run-tests.sh DIR LABEL [-- ARGS...]: run every test binary in DIR, each
# with ARGS, print its TAP, and tally the test points.  Writes the tally to
# $BUILD/check-results/LABEL (read by check-summary.sh) and ends with
# "LABEL: N passed, N failed".  Exit 1 if any test point failed or any
# binary exited non-zero or printed no plan.
set -u
dir=$1
label=$2
shift 2
[ "${1:-}" = "--" ] && shift
results=${BUILD:-build}/check-results
mkdir -p "$results" "$dir/logs"
pass=0 fail=0 skip=0 bad=0
for t in "$dir"/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t")
	log=$dir/logs/$name.log
	echo "=== [$label] $name $*"
	"$t" "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -Ec '^ok [0-9]+ ' "$log" || true)
	s=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$log" || true)
	f=$(grep -Ec '^not ok [0-9]+ ' "$log" || true)
	pass=$((pass + p - s)) skip=$((skip + s)) fail=$((fail + f))
	if ! grep -Eq '^1\.\.[0-9]+' "$log"; then
		echo "!!! [$label] $name printed no TAP plan (exit $rc): crashed?"
		bad=$((bad + 1))
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!!! [$label] $name exited $rc with no failed test point"
		bad=$((bad + 1))
	fi
done
fail=$((fail + bad))
echo "passed=$pass failed=$fail skipped=$skip" >"$results/$label"
echo "[$label] $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
