# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - sourced by the shell tests that number their TAP points
# (tests/torture.sh, tests/validate.sh, tests/vm-validate.sh): the point
# counter, the bad-usage check they all make, and the tally they end with.

pass=0 fail=0 skip=0 n=0

point() {	# point OK|FAIL text
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
		pass=$((pass + 1))
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

# bad_usage DIR ARGS CMD...: CMD followed by ARGS (split as the shell
# would split them) must exit 2 with a message on stderr and nothing on
# stdout; one point.  DIR keeps bad.out and bad.err.
bad_usage() {
	local dir=$1 a=$2 rc
	shift 2
	eval "set -- \"\$@\" $a"
	"$@" >"$dir/bad.out" 2>"$dir/bad.err" </dev/null
	rc=$?
	if [ $rc -eq 2 ] && [ -s "$dir/bad.err" ] && [ ! -s "$dir/bad.out" ]; then
		point OK "bad input '$a': exit 2, message: $(head -1 "$dir/bad.err")"
	else
		point FAIL "bad input '$a': exit $rc (want 2, a message on stderr, nothing on stdout)"
	fi
}

# tally NAME RESULTS: the plan line, NAME's totals, RESULTS/NAME for
# scripts/check-summary.sh; the exit status says whether all passed.
tally() {
	echo "1..$n"
	echo "# $1: $pass passed, $fail failed, $skip skipped"
	echo "passed=$pass failed=$fail skipped=$skip" >"$2/$1"
	[ $fail -eq 0 ]
}
