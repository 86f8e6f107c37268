#!/usr/bin/env bash
# check-summary.sh DIR: add up the tallies the check steps wrote into DIR
# (one file per step, a line "passed=N failed=N skipped=N") and print the
# total as the last line.  A step file without that line counts as failed.
set -u
dir=$1
pass=0 fail=0 skip=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	line=$(grep -E '^passed=[0-9]+ failed=[0-9]+ skipped=[0-9]+$' "$f" | tail -1)
	if [ -z "$line" ]; then
		echo "!!! $(basename "$f"): no tally line"
		fail=$((fail + 1))
		continue
	fi
	printf '  %-14s %s\n' "$(basename "$f")" "$line"
	set -- $(echo "$line" | tr -c '0-9\n' ' ')
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
