#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-check-debug.sh [SERIES-FLAVOUR...] - the "make vm-check-debug" step:
# the module on the debug kernels of scripts/debug-kernel.sh (default: all
# four, 6.1/6.12 x kasan/kcsan), each booted by scripts/vm.sh with
# KERNEL=/KDIR= for:
#   check    the KTAP contract and stress tests, then the interface
#            scenarios (scripts/vm-scenarios.sh: among them driver-unbind
#            under a sysfs unbind/bind loop, and unbind-many of rwsem at
#            n=4096 with lockdep still on at the end)
#   torture  every real primitive + the bug zoo (KMOD_BUGS=1 module),
#            VM_DEBUG_TORTURE_S seconds per primitive (default 1)
#   bench    primitive=all workload=driver-unbind,unbind at cs=256, one
#            kept repetition of 100 samples (the least a p99 takes; the
#            cold repetition before it is dropped; VM_DEBUG_BENCH_PARAMS
#            overrides)
#   teeth    kasan kernels only, one boot per row of TEETH below: a
#            bench of a zoo entry whose late access reads freed memory,
#            with --expect 'KASAN: (slab-)?use-after-free': it passes
#            only if KASAN reported that planted bug
# Any kernel report fails that run (vm.sh: reports.txt in its run
# directory); a KCSAN race with no module frame on a racing access is
# listed, not failed.  Tallies go to $BUILD/check-results/ (vm-<kernel>,
# vm-torture-<kernel> from vm.sh; vm-debug-<kernel> for bench + teeth).
# Exit 0 if everything passed, 1 if not, 2 on bad usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export BUILD
# Bench JSON of a check run stays out of results/ (a check, not a result).
export VM_RESULTS_DIR=${VM_RESULTS_DIR:-$BUILD/vm/results}
PROG=vm-check-debug.sh
TORTURE_S=${VM_DEBUG_TORTURE_S:-1}
# A bug's budget (it stops when caught): the detection times' tail is long
# under TCG on these kernels (mk/vm.mk's VM_TORTURE_BUG_S says how long).
TORTURE_BUG_S=${VM_DEBUG_TORTURE_BUG_S:-60}
BENCH_PARAMS=${VM_DEBUG_BENCH_PARAMS:-primitive=all workload=driver-unbind,unbind reps=1 samples=100 cs=256}
# The KASAN teeth: "ZOO-ENTRY PARAMS" per row, the module parameters
# under which the entry's late access really reads freed memory (the page
# tables the unbind workload frees with free_page(), poisoned by KASAN
# until the page is reused).
#   bug-seqlock-typeunsafe  the real seqlock freeing a table under a
#       speculative reader; the reader's re-check hides it from any
#       oracle, so only a sanitizer can see it.
#   bug-crev-byvalue  the resource pointer used after its scoped access
#       was withdrawn (a use-after-free of the C revocable series).  Only
#       an access that outlasts the revoke's SRCU grace period (about
#       1 ms under TCG) and then the table's free reads freed memory: a
#       race the cs lookups of one access must win.  At cs=256 they won
#       in 3 of 4 boots on 6.12 (not in 600 cycles on a loaded host) and
#       0 of 1 on 6.1 (no access outlasted a grace period); at cs=16384 a
#       late access once saw only poison and ended before the free
#       (rb_pgt_free() poisons the magic first and frees the struct's
#       page last; a lookup of a poisoned table reads only the magic).
#       At cs=262144 the reader is far from done when the page goes
#       back: reported in 14 of 14 boots, 11-13 s of boot and run each.
# VM_DEBUG_TEETH='ENTRY PARAMS;ENTRY PARAMS' replaces the table.
TEETH=(
	"bug-seqlock-typeunsafe workload=unbind reps=3 samples=200 cs=256"
	"bug-crev-byvalue workload=unbind reps=1 samples=100 cs=262144"
)
if [ -n "${VM_DEBUG_TEETH:-}" ]; then
	IFS=';' read -r -a TEETH <<<"$VM_DEBUG_TEETH"
fi
TEETH_RE=${VM_DEBUG_TEETH_RE:-KASAN: (slab-)?use-after-free}

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1-kasan 6.1-kcsan 6.12-kasan 6.12-kcsan)
for k in "${kernels[@]}"; do
	case "$k" in
	6.1-kasan|6.1-kcsan|6.12-kasan|6.12-kcsan) ;;
	*) echo "$PROG: unknown debug kernel '$k' (want 6.1|6.12 - kasan|kcsan)" >&2
	   exit 2 ;;
	esac
done
mkdir -p "$BUILD/check-results"

FAILED=() T0=$SECONDS NSTEP=0
STEPLOGS=$BUILD/vm/debug-steps
rm -rf "$STEPLOGS" && mkdir -p "$STEPLOGS"
# step NAME CMD...: run, time, remember a failure.  The step's output is
# also kept, so that the closing summary can repeat why a step failed:
# a CI log is often read from its tail only.
step() {
	local name=$1 t0=$SECONDS rc=0 log
	shift
	NSTEP=$((NSTEP + 1))
	log=$STEPLOGS/$NSTEP.log
	echo "=== vm-check-debug: $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "=== vm-check-debug: $name: $([ $rc -eq 0 ] && echo PASS || echo "FAIL (rc=$rc)") in $((SECONDS - t0))s"
	[ $rc -eq 0 ] || FAILED+=("$name|$log")
	return $rc
}

# teeth PARAMS: a planted race is won most of the time, not always
# (bug-seqlock-typeunsafe at cs=256: reported in every boot but one of
# about ten, a CI run on a loaded host, 12-06), so a row passes when KASAN
# reports it in one of two boots; a bug that is not there is missed by
# both.  Uses the kernel loop's vm().
teeth() {
	vm bench --bugs --timeout 600 --expect "$TEETH_RE" --params "$1" &&
		return 0
	echo "    teeth: no report in this boot: one more (the race above)"
	vm bench --bugs --timeout 600 --expect "$TEETH_RE" --params "$1"
}

for k in "${kernels[@]}"; do
	s=${k%-*} fl=${k##*-}
	if ! env=$("$ROOT/scripts/debug-kernel.sh" --print "$s" "$fl"); then
		echo "$PROG: FAIL: $k is not built (make debug-kernels)" >&2
		FAILED+=("$k: not built")
		continue
	fi
	kernel=${env#KERNEL=}; kernel=${kernel%% KDIR=*}
	kdir=${env##*KDIR=}
	kv=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
	echo "=== vm-check-debug: $k ($kv): $kernel"
	vm() { env -u KERNEL -u KDIR -u VM_EXPECT "$ROOT/scripts/vm.sh" "$@" \
		KERNEL="$kernel" KDIR="$kdir"; }
	np=0 nf=0
	step "$k check" vm check --timeout 1800 || true
	step "$k torture" env VM_TORTURE_TALLY=1 "$ROOT/scripts/vm.sh" torture \
		--timeout 1200 --params "primitive=all bug=all duration=$TORTURE_S bug_duration=$TORTURE_BUG_S" \
		KERNEL="$kernel" KDIR="$kdir" || true
	if step "$k bench" vm bench --timeout 900 --params "$BENCH_PARAMS"; then
		np=$((np + 1))
	else
		nf=$((nf + 1))
	fi
	for row in "${TEETH[@]}"; do
		[ "$fl" = kasan ] || break
		read -r bug params <<<"$row"
		[ -n "$bug" ] || continue	# an empty VM_DEBUG_TEETH row
		if step "$k teeth (planted $bug, KASAN must report it)" \
			teeth "primitive=$bug $params"; then
			np=$((np + 1))
		else
			nf=$((nf + 1))
		fi
	done
	echo "passed=$np failed=$nf skipped=0" >"$BUILD/check-results/vm-debug-$kv"
done

echo "=== vm-check-debug: ${#kernels[@]} kernel(s) in $((SECONDS - T0))s (qemu TCG)"
if [ ${#FAILED[@]} -gt 0 ]; then
	for f in "${FAILED[@]}"; do
		echo "    !!! FAIL: ${f%|*}"
		# why: failing KTAP points, the runner's reasons, kernel reports
		grep -E '^not ok |^# .*NOT caught|!!!|^ *[-~] |^    \| ===|FAIL' \
			"${f##*|}" 2>/dev/null | grep -v '^=== vm-check-debug' |
			grep -v 'NOT representative' | head -n 25 | sed 's/^/    !!!   /'
	done
	exit 1
fi
echo "=== vm-check-debug: all passed"
