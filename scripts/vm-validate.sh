#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-validate.sh - revbench.ko's reader cost next to refscale's, in the same
# qemu TCG boot (issue 11; "vm.sh validate" runs this script).
#
#   vm-validate.sh [options]
#
# For each kernel: build refscale.ko and torture.ko from Debian's
# linux-source-<series> package (kernel/rcu/refscale.c, kernel/rcu/rcu.h,
# kernel/torture.c, unmodified) as external modules against the same
# headers as revbench.ko, boot once, load torture.ko, then for ROUNDS
# rounds run, interleaved (the order of each pair alternates by round):
#
#   refscale scale_type=rcu|srcu|rwsem|refcnt   (insmod, wait for its
#            "END OF TEST" and per-run lines, rmmod)
#   revbench.ko mode=bench workload=empty primitive=rcu|srcu|rwsem|refcount
#            and primitive=none (the floor), generic=0 (inline read
#            sections), irqoff=1 (its window with interrupts off, as
#            refscale's: the same method on both sides)
#
# with the same reader count and loops.  A round's figure is the median of
# refscale's NRUNS experiments and of revbench's NRUNS repetitions; the
# table shows the median of the rounds and their spread ((max-min)/median).
# The table goes to stdout and RUNDIR/table.txt, the JSON (the shape of
# "revbench validate"'s) to RUNDIR/validate.json and, unless --no-results,
# results/vm-validate-<kernel>-<stamp>.json.  A benchmark: no ratio is
# judged.
#
# Options:
#   --kernel-version VER  a Debian kernel (/boot/vmlinuz-VER, headers in
#                         /usr/src/linux-headers-VER); repeatable.  Default:
#                         the newest installed 6.1, 6.12 and 6.12-rt kernels
#                         (VM_KERNEL_SERIES, scripts/vm-kernels.sh)
#   --rounds N            interleaved rounds (default 3)
#   --loops N             read sections per reader per timed window, both
#                         tools (default 10000)
#   --nruns N             refscale experiments = revbench repetitions per
#                         round (default 10)
#   --nreaders N          readers, both tools (default: --smp)
#   --smp N               vCPUs (default 2)
#   --timeout SEC         host watchdog per boot (default 1500)
#   --no-results          do not write results/ (the run dir has the JSON)
# Environment: BUILD (default build): run dirs in $BUILD/vm/, the extracted
# sources and refscale/torture modules cached in $BUILD/validate/;
# VM_VALIDATE_SRC_DIR (default /usr/src): where linux-source-<series>.tar.xz
# is looked for.
#
# Exit 0 when every kernel produced a complete table, 1 when one FAILed
# (its refscale build, boot, a step), 2 on bad usage or when a
# linux-source-<series> package is missing and cannot be installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_ARG=${BUILD:-}	# for "make kmod": mk/kmod.mk wants it relative to ROOT
case "$BUILD_ARG" in
"$ROOT"/*) BUILD_ARG=${BUILD_ARG#"$ROOT"/} ;;
/*) BUILD_ARG= ;;	# elsewhere: revbench.ko builds in the default build/
esac
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
QEMU=${QEMU:-qemu-system-x86_64}
PROG=vm-validate
# shellcheck source=scripts/vm-kernels.sh
. "$ROOT/scripts/vm-kernels.sh"
HEAVY_LOCK=${REVBENCH_HEAVY_LOCK:-/tmp/revbench-heavy.lock}
# where linux-source-<series> puts its tarball (a test points it elsewhere)
SRC_DIR=${VM_VALIDATE_SRC_DIR:-/usr/src}

die_usage() {
	echo "$PROG: $*" >&2
	echo "usage: vm-validate.sh [--kernel-version VER]... [--rounds N]" \
	     "[--loops N] [--nruns N] [--nreaders N] [--smp N] [--timeout SEC]" \
	     "[--no-results]" >&2
	exit 2
}

ROUNDS=3 LOOPS=10000 NRUNS=10 NREADERS= SMP=2 TIMEOUT=1500 WRITE_RESULTS=1
KVERS=()
num_arg() {	# num_arg NAME VALUE MIN MAX
	[[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
		die_usage "$1: '$2' is not an integer in $3..$4"
}
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) sed -n '3,49p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--no-results) WRITE_RESULTS=0; shift; continue ;;
	--kernel-version|--rounds|--loops|--nruns|--nreaders|--smp|--timeout)
		[ $# -ge 2 ] || die_usage "$1 needs a value" ;;
	*) die_usage "unknown argument '$1'" ;;
	esac
	case "$1" in
	--kernel-version) KVERS+=("$2") ;;
	--rounds) num_arg "$1" "$2" 1 9; ROUNDS=$2 ;;
	--loops) num_arg "$1" "$2" 100 100000000; LOOPS=$2 ;;
	--nruns) num_arg "$1" "$2" 1 100; NRUNS=$2 ;;
	--nreaders) num_arg "$1" "$2" 1 64; NREADERS=$2 ;;
	--smp) num_arg "$1" "$2" 1 64; SMP=$2 ;;
	--timeout) num_arg "$1" "$2" 60 86400; TIMEOUT=$2 ;;
	esac
	shift 2
done
[ -n "$NREADERS" ] || NREADERS=$SMP
if [ -n "${KERNEL:-}" ] || [ -n "${KDIR:-}" ]; then
	die_usage "KERNEL=/KDIR= are not supported: refscale.ko is built from" \
		"Debian's linux-source package, so the kernel must be a Debian" \
		"one: use --kernel-version VER"
fi

for t in "$QEMU" cpio gzip timeout modinfo python3 tar xz flock make; do
	command -v "$t" >/dev/null || {
		echo "$PROG: '$t' not found: run 'make deps-vm'" >&2; exit 1; }
done
find_busybox

# ---- kernels: "version|image|kdir" ------------------------------------------
KERNELS=()
debian_kernels

series_of() {	# 6.1.0-57-amd64 -> 6.1, 6.12.95+deb12-amd64 -> 6.12
	echo "$1" | sed -n 's/^\([0-9]*\.[0-9]*\)[.-].*/\1/p'
}

# ---- linux-source: installed, or installed now, or exit 2 ----------------
need_src=()
for k in "${KERNELS[@]}"; do
	IFS='|' read -r kv _ _ <<<"$k"
	s=$(series_of "$kv")
	[ -f "$SRC_DIR/linux-source-$s.tar.xz" ] || need_src+=("$s")
done
if [ ${#need_src[@]} -gt 0 ]; then
	echo "$PROG: linux-source-${need_src[*]} missing: scripts/deps.sh validate" >&2
	"$ROOT/scripts/deps.sh" validate || true
	for s in "${need_src[@]}"; do
		[ -f "$SRC_DIR/linux-source-$s.tar.xz" ] && continue
		echo "$PROG: package linux-source-$s is needed and could not" \
		     "be installed (apt-get install linux-source-$s; see" \
		     "above): no $SRC_DIR/linux-source-$s.tar.xz to build" \
		     "refscale.ko from" >&2
		exit 2
	done
fi

TS=$(date -u +%Y%m%dT%H%M%SZ)
GIT=$(vm_git_commit)
mkdir -p "$BUILD/vm" "$BUILD/validate"

echo "$PROG: ${#KERNELS[@]} kernel(s), -smp $SMP, $NREADERS readers," \
     "$LOOPS loops, $NRUNS runs x $ROUNDS rounds; watchdog ${TIMEOUT}s per boot"
echo "$PROG: NOTE: qemu TCG is software emulation: these timings are NOT" \
     "representative of real hardware; only same-boot ratios mean anything."

# ---- refscale.ko + torture.ko from linux-source ----------------------------
# extract_src SERIES: prints the cache dir holding kernel/torture.c,
# kernel/rcu/{refscale.c,rcu.h} (and any header they include that the
# headers package lacks, under include/) of the installed linux-source.
REFSCALE_FILES="kernel/rcu/refscale.c kernel/rcu/rcu.h kernel/torture.c"
extract_src() {
	local s=$1 kdir=$2 ver dir tmp f inc missing=()
	ver=$(dpkg-query -W -f='${Version}' "linux-source-$s" 2>/dev/null || echo unknown)
	dir=$BUILD/validate/src-$s-$ver
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		tmp=$(mktemp -d "$BUILD/validate/.src.XXXXXX")
		local members=()
		for f in $REFSCALE_FILES; do members+=("linux-source-$s/$f"); done
		flock "$HEAVY_LOCK" tar -xJf "$SRC_DIR/linux-source-$s.tar.xz" \
			-C "$tmp" "${members[@]}" >&2
		# Their <...> includes that neither the common nor the arch
		# headers have: take those from the same source tree.
		local common
		common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$kdir/Makefile" | head -n1)
		for inc in $(cat "${members[@]/#/$tmp/}" |
			     sed -n 's/^#include <\([^>]*\)>.*/\1/p' | sort -u); do
			local d found=0
			for d in "$kdir/include" "$kdir/arch/x86/include/generated" \
				 "$kdir/arch/x86/include/generated/uapi" \
				 ${common:+"$common/include" "$common/include/uapi" \
				 "$common/arch/x86/include" "$common/arch/x86/include/uapi"}; do
				[ -f "$d/$inc" ] && { found=1; break; }
			done
			[ $found = 1 ] && continue
			case "$inc" in asm/*) continue ;; esac	# asm-generic, generated
			missing+=("linux-source-$s/include/$inc")
		done
		if [ ${#missing[@]} -gt 0 ]; then
			echo "$PROG: also extracting ${missing[*]#linux-source-$s/}" >&2
			flock "$HEAVY_LOCK" tar -xJf "$SRC_DIR/linux-source-$s.tar.xz" \
				-C "$tmp" "${missing[@]}" >&2 || true
		fi
		mv "$tmp/linux-source-$s" "$dir"
		rmdir "$tmp"
		echo "$ver" >"$dir/.complete"
	fi
	echo "$dir"
}

# build_refscale KVER KDIR SRC OUT: OUT/kernel/torture.ko and
# OUT/kernel/rcu/refscale.ko, log OUT/build.log; cached per kernel+source.
build_refscale() {
	local kv=$1 kdir=$2 src=$3 out=$4 stamp f
	stamp="$kv $(cat "$src/.complete")"
	if [ -f "$out/.built" ] && [ "$(cat "$out/.built")" = "$stamp" ] &&
	   [ -f "$out/kernel/torture.ko" ] && [ -f "$out/kernel/rcu/refscale.ko" ]; then
		echo "    refscale.ko, torture.ko: cached ($(rel "$out"))"
		return 0
	fi
	rm -rf "$out"
	mkdir -p "$out/kernel/rcu"
	for f in $REFSCALE_FILES; do cp "$src/$f" "$out/$f"; done
	{
		echo "# refscale.ko and torture.ko from linux-source, unmodified"
		echo "obj-m += kernel/torture.o kernel/rcu/refscale.o"
		[ -d "$src/include" ] && echo "ccflags-y += -I$src/include"
	} >"$out/Kbuild"
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL flock "$HEAVY_LOCK" \
		make -C "$kdir" M="$out" modules >"$out/build.log" 2>&1; then
		return 1
	fi
	echo "$stamp" >"$out/.built"
}

# build_revbench KDIR RUN: RUN/revbench.ko (as scripts/vm.sh builds it).
build_revbench() {
	local kdir=$1 run=$2 ko
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	flock "$BUILD/vm/.kmod-build.lock" flock "$HEAVY_LOCK" \
	make -C "$ROOT" --no-print-directory kmod KDIR="$kdir" KMOD_BUGS=0 \
		${BUILD_ARG:+BUILD="$BUILD_ARG"} >"$run/build-revbench.log" 2>&1 ||
		return 1
	ko=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" -s \
		--no-print-directory kmod-path KDIR="$kdir" KMOD_BUGS=0 \
		${BUILD_ARG:+BUILD="$BUILD_ARG"} 2>>"$run/build-revbench.log") || return 1
	case "$ko" in /*) ;; *) ko=$ROOT/$ko ;; esac
	cp "$ko" "$run/revbench.ko"
}

# ---- the guest --------------------------------------------------------------
# /init (write_init): the rbv.* words of the kernel command line are the
# whole plan.
init_body() {
	cat <<'EOF'
rounds=3 loops=10000 nreaders=2 nruns=10
for w in $(cat /proc/cmdline); do
	case "$w" in
	rbv.rounds=*) rounds=${w#*=} ;;
	rbv.loops=*) loops=${w#*=} ;;
	rbv.nreaders=*) nreaders=${w#*=} ;;
	rbv.nruns=*) nruns=${w#*=} ;;
	esac
done
nap() { sleep 0.2 2>/dev/null || sleep 1; }
# wait_for PATTERN COUNT: until dmesg has more than COUNT lines matching
wait_for() {
	n=0
	while [ "$(dmesg | grep -c "$1")" -le "$2" ]; do
		nap
		n=$((n + 1))
		if [ $n -ge 3000 ]; then
			echo "rbv: TIMEOUT waiting for '$1'"
			return 1
		fi
	done
}
# dump TAG FROM: kernel log lines after line FROM, between markers, on
# the data port (ttyS2: no console, so no printk can land in a block; on
# PREEMPT_RT the console is printed by a kthread, late, whatever the level)
dump() {
	{
		echo "rbv: BEGIN $1"
		dmesg | sed -n "$(($2 + 1)),\$p"
		echo "rbv: END $1"
	} >/dev/ttyS2
}
refscale() {	# refscale TYPE ROUND
	tag="refscale $1 round $2"
	from=$(dmesg | wc -l)
	ends=$(dmesg | grep -c 'END OF TEST')
	echo "rbv: step $tag"
	insmod /refscale.ko scale_type=$1 nreaders=$nreaders loops=$loops \
		nruns=$nruns holdoff=0 verbose=0 shutdown=0
	rc=$?
	echo "rbv: insmod refscale rc=$rc"
	[ $rc -eq 0 ] || return
	# after END OF TEST the same kthread prints the per-run lines
	wait_for 'END OF TEST' "$ends" && sleep 1
	dump "$tag" "$from"
	rmmod refscale
	echo "rbv: rmmod refscale rc=$?"
}
revbench() {	# revbench PRIMITIVE ROUND
	tag="revbench $1 round $2"
	dones=$(dmesg | grep -c 'revbench: done:')
	echo "rbv: step $tag"
	insmod /revbench.ko mode=bench primitive=$1 workload=empty \
		threads=$nreaders loops=$loops reps=$nruns generic=0 irqoff=1 \
		env=kernel-tcg
	rc=$?
	echo "rbv: insmod revbench rc=$rc"
	[ $rc -eq 0 ] || return
	wait_for 'revbench: done:' "$dones"
	{
		echo "rbv: BEGIN $tag"
		cat /sys/kernel/debug/revbench/results
		crc=$?
		echo
		echo "rbv: END $tag (cat rc=$crc)"
	} >/dev/ttyS2
	rmmod revbench
	echo "rbv: rmmod revbench rc=$?"
}
echo "revbench-vm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
insmod /torture.ko
echo "rbv: insmod torture rc=$?"
r=1
while [ $r -le $rounds ]; do
	# each pair's order alternates by round, so drift hits both alike
	[ $((r % 2)) -eq 1 ] && revbench none $r
	for pair in rcu:rcu srcu:srcu rwsem:rwsem refcnt:refcount; do
		if [ $((r % 2)) -eq 1 ]; then
			refscale ${pair%:*} $r; revbench ${pair#*:} $r
		else
			revbench ${pair#*:} $r; refscale ${pair%:*} $r
		fi
	done
	[ $((r % 2)) -eq 0 ] && revbench none $r
	r=$((r + 1))
done
rmmod torture
echo "rbv: rmmod torture rc=$?"
echo "rbv: all steps done"
EOF
}

make_initramfs() {	# make_initramfs RUNDIR REFSCALE_OUT
	local run=$1 rs=$2 tmp
	tmp=$(initramfs_tree wc)
	cp "$run/revbench.ko" "$tmp/revbench.ko"
	cp "$rs/kernel/torture.ko" "$tmp/torture.ko"
	cp "$rs/kernel/rcu/refscale.ko" "$tmp/refscale.ko"
	write_init "$tmp/init"
	initramfs_pack "$tmp" "$run/initramfs.cpio.gz"
}

NFAIL=0
SUMMARY=()
fail_kernel() {	# fail_kernel KVER RUN REASON...
	local kv=$1 run=$2 r
	shift 2
	echo "[validate] $kv: FAIL"
	for r in "$@"; do echo "    !!! $r"; done
	{ echo "[validate] $kv: FAIL"; for r in "$@"; do echo "!!! $r"; done; } >"$run/summary"
	NFAIL=$((NFAIL + 1))
	SUMMARY+=("[validate] $kv: FAIL  ($(rel "$run"))")
}

QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; exit 130' INT TERM

run_kernel() {
	local kv=$1 img=$2 kdir=$3 s src rs run reasons=()
	run=$BUILD/vm/$kv-validate-$TS
	[ -e "$run" ] && run=$run-$$
	mkdir -p "$run"
	echo "$kv" >"$run/kernel-version"
	echo "$img" >"$run/kernel-image"
	echo "$kdir" >"$run/kdir"
	echo "$GIT" >"$run/git-commit"
	[ -f "/boot/config-$kv" ] && cp "/boot/config-$kv" "$run/kernel-config"
	s=$(series_of "$kv")
	echo "=== [validate] $kv: linux-source-$s, headers $kdir"
	# one extraction and build per cache entry at a time (concurrent runs)
	exec 9>"$BUILD/validate/.build.lock"
	flock 9
	src=$(extract_src "$s" "$kdir")
	rs=$BUILD/validate/$kv
	if ! build_refscale "$kv" "$kdir" "$src" "$rs"; then
		flock -u 9
		tail -n 20 "$rs/build.log" | sed 's/^/    /'
		cp "$rs/build.log" "$run/build-refscale.log" 2>/dev/null || true
		fail_kernel "$kv" "$run" "refscale.ko build failed (log: $(rel "$rs/build.log"))"
		return
	fi
	cp "$rs/build.log" "$run/build-refscale.log"
	flock -u 9
	if ! build_revbench "$kdir" "$run"; then
		tail -n 20 "$run/build-revbench.log" | sed 's/^/    /'
		fail_kernel "$kv" "$run" "revbench.ko build failed (log: $(rel "$run/build-revbench.log"))"
		return
	fi
	local m vm
	for m in "$rs/kernel/torture.ko" "$rs/kernel/rcu/refscale.ko" "$run/revbench.ko"; do
		vm=$(modinfo -F vermagic "$m" | cut -d' ' -f1)
		[ "$vm" = "$kv" ] || {
			fail_kernel "$kv" "$run" "$(basename "$m") vermagic '$vm' is not '$kv'"
			return; }
	done
	{
		echo "linux_source_package=linux-source-$s"
		echo "linux_source_version=$(cat "$src/.complete")"
		echo "headers_version=$(dpkg-query -W -f='${Version}' \
			"linux-headers-$kv" 2>/dev/null || echo unknown)"
		echo "refscale_files=$REFSCALE_FILES"
		echo "refscale_params=nreaders=$NREADERS loops=$LOOPS nruns=$NRUNS holdoff=0 verbose=0 shutdown=0 scale_type=rcu|srcu|rwsem|refcnt"
		echo "revbench_params=mode=bench workload=empty threads=$NREADERS loops=$LOOPS reps=$NRUNS generic=0 irqoff=1 env=kernel-tcg primitive=rcu|srcu|rwsem|refcount|none"
		echo "rounds=$ROUNDS smp=$SMP"
	} >"$run/refscale-params"
	make_initramfs "$run" "$rs"

	local append="console=ttyS0 quiet panic=-1 tsc=unstable no_timer_check log_buf_len=4M"
	append="$append rbv.rounds=$ROUNDS rbv.loops=$LOOPS rbv.nreaders=$NREADERS rbv.nruns=$NRUNS"
	local cmd=("$QEMU" "${TCG_ARGS[@]}" -smp "$SMP" -m 512
		-nographic -no-reboot -monitor none -net none
		-serial "file:$run/console.log" -serial "file:$run/dmesg.log"
		-serial "file:$run/data.log"
		-kernel "$img" -initrd "$run/initramfs.cpio.gz" -append "$append")
	{
		echo "#!/bin/sh"
		echo "# revbench vm-validate run on $kv, git $GIT; watchdog ${TIMEOUT}s"
		shell_quote "${cmd[@]}"
	} >"$run/qemu-cmd.sh"
	chmod 755 "$run/qemu-cmd.sh"
	echo "    booting $img (-smp $SMP); qemu command: $(rel "$run")/qemu-cmd.sh"
	local t0 brc now bs secs attempt why
	# A TCG flake (scripts/tcg-flake.sh: a stale int3 after kernel text
	# patching, or flags no CPU can hold; multi-threaded TCG's, not the
	# module's doing) is retried once, loudly; the first log is kept.
	for attempt in 1 2; do
		t0=$(date +%s) brc=0
		# (boot-start: when the heavy-job lock was granted and qemu
		# started)
		flock "$HEAVY_LOCK" sh -c 'date +%s >"$0/boot-start"; exec "$@"' \
			"$run" timeout --kill-after=10 "$TIMEOUT" "${cmd[@]}" \
			</dev/null >"$run/qemu.out" 2>&1 &
		QPID=$!
		wait "$QPID" || brc=$?
		QPID=
		now=$(date +%s)
		bs=$(cat "$run/boot-start" 2>/dev/null || echo "$t0")
		secs=$((now - bs))
		echo "    waited $((bs - t0))s for $HEAVY_LOCK, then ${secs}s boot+run"
		clean_log "$run/console.log" >"$run/console.txt"
		clean_log "$run/data.log" >"$run/data.txt" 2>/dev/null || :
		[ $attempt -eq 1 ] &&
			why=$(tcg_flake "$brc" "$run/console.txt") || break
		retry_boot "$run" "$kv" "$why"
	done
	if [ $brc -eq 124 ] || [ $brc -eq 137 ]; then
		reasons+=("the host watchdog killed qemu after ${TIMEOUT}s (console: $(rel "$run")/console.log)")
	elif [ $brc -ne 0 ]; then
		reasons+=("qemu exited with status $brc ($(rel "$run")/qemu.out)")
	fi
	grep -q '^rbv: all steps done' "$run/console.txt" ||
		reasons+=("the guest did not finish its steps (console: $(rel "$run")/console.log)")
	grep -q '^rbv: insmod torture rc=0' "$run/console.txt" ||
		reasons+=("insmod torture.ko failed")
	local line bad
	while IFS= read -r line; do reasons+=("$line"); done < <(
		grep -hE '^rbv: (insmod|rmmod) .* rc=[1-9]|^rbv: TIMEOUT|^rbv: END .*cat rc=[1-9]' \
			"$run/console.txt" "$run/data.txt" 2>/dev/null | head -n 10)
	bad=$( { grep -En "$BAD_RE" "$run/console.txt" | sed 's/^/console.log:/'
		 [ -f "$run/dmesg.log" ] && clean_log "$run/dmesg.log" |
			grep -En "$BAD_RE" | sed 's/^/dmesg.log:/'; } | head -n 6 || true)
	if [ -n "$bad" ]; then
		reasons+=("the kernel complained (oops/BUG/WARNING/stall):")
		while IFS= read -r line; do reasons+=("  $line"); done <<<"$bad"
	fi

	local out=
	if [ $WRITE_RESULTS = 1 ]; then
		out=$ROOT/results/vm-validate-$kv-$TS.json
		mkdir -p "$ROOT/results"
	fi
	local err
	if ! err=$(python3 - "$run" "$kv" "$ROUNDS" "$NRUNS" "$NREADERS" "$LOOPS" \
			"$SMP" "$GIT" "$TS" "$secs" "$out" 2>&1 <<'PY'
import json, os, re, statistics as st, sys
run, kv, rounds, nruns, nreaders, loops, smp, git, ts, secs, out = sys.argv[1:12]
rounds, nruns = int(rounds), int(nruns)
lines = open(os.path.join(run, "data.txt"), errors="replace").read().splitlines()
blocks, cur, tag = {}, None, None
for l in lines:
    m = re.match(r"^rbv: BEGIN (.*)$", l)
    if m:
        tag, cur = m.group(1), []
        continue
    if l.startswith("rbv: END ") and cur is not None:
        blocks[tag] = cur
        cur = None
        continue
    if cur is not None:
        cur.append(l)
errs = []
TS = re.compile(r"^\[ *[0-9]+\.[0-9]+\] ?")
def refscale_runs(t, r):
    b = blocks.get("refscale %s round %d" % (t, r))
    if b is None:
        errs.append("refscale %s round %d: no output block" % (t, r))
        return None
    on, runs = False, []
    for l in b:
        l = TS.sub("", l).strip()
        if "END OF TEST" in l:
            on = True
            continue
        m = re.match(r"^([0-9]+)\s+([0-9]+\.[0-9]+)$", l)
        if on and m:
            runs.append(float(m.group(2)))
    if len(runs) != nruns:
        errs.append("refscale %s round %d: %d run lines, want %d" % (t, r, len(runs), nruns))
        return None
    return runs
ctx_rb, paths, irqs = None, {}, {}
def revbench_reps(p, r):
    global ctx_rb
    b = blocks.get("revbench %s round %d" % (p, r))
    if b is None:
        errs.append("revbench %s round %d: no results block" % (p, r))
        return None
    try:
        doc = json.loads("\n".join(b))
    except ValueError as e:
        errs.append("revbench %s round %d: results JSON: %s" % (p, r, e))
        return None
    name = "empty/%s/threads:%s/cs:1" % (p, nreaders)
    reps = [e["real_time"] for e in doc.get("benchmarks", [])
            if e.get("name") == name and not e.get("error_occurred")]
    for c in doc.get("context", {}).get("revbench_cells", []):
        if c.get("name") == name:
            paths[p] = c.get("loop", "?")
            irqs[p] = c.get("irqoff", "?")
    if len(reps) != nruns:
        errs.append("revbench %s round %d: %d repetitions of %s, want %d" % (p, r, len(reps), name, nruns))
        return None
    ctx_rb = doc.get("context", {})
    return reps

PAIRS = [("rcu", "rcu", "rcu_read_lock/rcu_read_unlock", None),
         ("srcu", "srcu", "srcu_read_lock/srcu_read_unlock (DEFINE_STATIC_SRCU)", None),
         ("rwsem", "rwsem", "down_read/up_read", None),
         ("refcnt", "refcount", "atomic_inc/atomic_dec on one atomic_t",
          "not the same operation: refscale's refcnt is atomic_inc/atomic_dec, "
          "revbench's refcount is refcount_inc_not_zero (a cmpxchg loop) + refcount_dec")]
def med(v): return st.median(v)
def spread(v): return (max(v) - min(v)) / med(v)
rows = []
for t, p, what, note in PAIRS:
    ref = [refscale_runs(t, r) for r in range(1, rounds + 1)]
    rb = [revbench_reps(p, r) for r in range(1, rounds + 1)]
    if None in ref or None in rb:
        continue
    refr = [med(x) for x in ref]
    rbr = [med(x) for x in rb]
    ratios = [a / b for a, b in zip(rbr, refr)]
    e = {"primitive": p, "peer": "refscale:" + t, "reference": what,
         "readsection": paths.get(p, "?"), "revbench_irqoff": irqs.get(p, "?"),
         "revbench_ns": rbr, "reference_ns": refr,
         "revbench_runs_ns": rb, "reference_runs_ns": ref,
         "revbench_median_ns": med(rbr), "reference_median_ns": med(refr),
         "revbench_spread": spread(rbr), "reference_spread": spread(refr),
         "ratio": med(rbr) / med(refr), "ratio_min": min(ratios), "ratio_max": max(ratios)}
    if note:
        e["note"] = note
    rows.append(e)
floor = None
fr = [revbench_reps("none", r) for r in range(1, rounds + 1)]
if None not in fr:
    frr = [med(x) for x in fr]
    floor = {"primitive": "none", "readsection": paths.get("none", "?"),
             "revbench_irqoff": irqs.get("none", "?"),
             "revbench_ns": frr, "revbench_runs_ns": fr,
             "revbench_median_ns": med(frr), "revbench_spread": spread(frr),
             "note": "revbench's floor: a plain load through the same loop; refscale has no such type"}
for e in rows + ([floor] if floor else []):
    for k in ("revbench_median_ns", "reference_median_ns"):
        if k in e and not e[k] > 0:
            errs.append("%s: %s is %r, not positive" % (e["primitive"], k, e[k]))
qcmd = [l.strip() for l in open(os.path.join(run, "qemu-cmd.sh"))
        if l.strip() and not l.startswith("#")][-1]
params = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(run, "refscale-params")) if "=" in l)
ctx = {"revbench_env": "kernel-tcg", "vm_kernel": kv, "date": ts, "git_commit": git,
       "smp": int(smp), "threads": int(nreaders), "rounds": rounds, "loops": int(loops),
       "nruns": nruns, "boot_seconds": int(secs), "qemu_command": qcmd,
       "refscale_params": params.get("refscale_params", ""),
       "revbench_params": params.get("revbench_params", ""),
       "linux_source": "%s %s" % (params.get("linux_source_package"), params.get("linux_source_version")),
       "headers_version": params.get("headers_version", ""),
       "method": "one boot; per round refscale and revbench.ko alternate pairwise "
                 "(order flipped every round); a round's figure is the median of "
                 "nruns refscale experiments / revbench repetitions; the table "
                 "shows the median of the rounds, spread = (max-min)/median"}
if ctx_rb:
    for k in ("kernel", "preemption", "clocksource", "spectre_v2", "cpu_model",
              "calib_loop_ns", "calib_clock_ns", "compiler", "hz", "irqoff",
              "delay_loop_ns", "rcu_expedited", "rcu_normal"):
        if k in ctx_rb:
            ctx["revbench_" + k] = ctx_rb[k]
doc = {"context": ctx, "validate": rows}
if floor:
    doc["floor"] = floor
def f(x): return "%.2f" % x if x < 1000 else "%.0f" % x
T = []
T.append("%s: %s readers x %s loops, %d rounds x %d runs (qemu TCG)" % (kv, nreaders, loops, rounds, nruns))
T.append("%-7s %11s %6s  %-9s %11s %6s %6s %7s  %s" % ("type", "refscale ns", "spread", "cell", "revbench ns", "spread", "ratio", "-none", "path"))
fl = floor["revbench_median_ns"] if floor else None
for e in rows:
    T.append("%-7s %11s %5.0f%%  %-9s %11s %5.0f%% %5.2fx %7s  %s" % (
        e["peer"].split(":")[1], f(e["reference_median_ns"]), 100 * e["reference_spread"],
        e["primitive"], f(e["revbench_median_ns"]), 100 * e["revbench_spread"], e["ratio"],
        ("%+.2f" % (e["revbench_median_ns"] - fl)) if fl else "-", e["readsection"]))
if floor:
    T.append("%-7s %11s %6s  %-9s %11s %5.0f%% %6s %7s  %s" % ("(floor)", "-", "", "none",
             f(fl), 100 * floor["revbench_spread"], "-", "", floor["readsection"]))
T.append("  ns per read-side section (lock+unlock), median of the rounds;")
T.append("  spread = (max-min)/median over the rounds; ratio = revbench/refscale;")
T.append("  -none = revbench ns minus its 'none' floor (same loop, plain load).")
T.append("  Both time their window with interrupts off: revbench irqoff %s." %
         ",".join(sorted(set(irqs.get(e["primitive"], "?") for e in rows))))
T.append("  refcnt: refscale's is atomic_inc/atomic_dec, revbench's refcount is")
T.append("  refcount_inc_not_zero + refcount_dec: not the same operation.")
T.append("  TCG: software emulation; compare within this boot only.")
for l in T:
    if len(l) > 80:
        errs.append("table line over 80 columns: " + l)
table = "\n".join(T) + "\n"
open(os.path.join(run, "table.txt"), "w").write(table)
sys.stdout.write(table)
if len(rows) != len(PAIRS) or floor is None:
    errs.append("table incomplete: %d of %d rows%s" % (len(rows), len(PAIRS), "" if floor else ", no none floor"))
for dst in [os.path.join(run, "validate.json")] + ([out] if out and not errs else []):
    tmp = dst + ".tmp"
    with open(tmp, "w") as fp:
        json.dump(doc, fp, indent=1, allow_nan=False)
        fp.write("\n")
    os.rename(tmp, dst)
if errs:
    sys.stderr.write("\n".join("ERROR " + e for e in errs) + "\n")
    sys.exit(1)
PY
	); then
		printf '%s\n' "$err" | grep -v '^ERROR ' || true
		while IFS= read -r line; do reasons+=("${line#ERROR }"); done < <(
			printf '%s\n' "$err" | grep '^ERROR ' || true)
		[ ${#reasons[@]} -gt 0 ] || reasons+=("parsing the console failed: $err")
	else
		printf '%s\n' "$err"
	fi
	echo "    boot ${secs}s under TCG; run dir $(rel "$run")"
	if [ ${#reasons[@]} -gt 0 ]; then
		fail_kernel "$kv" "$run" "${reasons[@]}"
		return
	fi
	echo "    table: $(rel "$run")/table.txt, JSON: $(rel "$run")/validate.json${out:+, $(rel "$out")}"
	echo "[validate] $kv: PASS" | tee "$run/summary"
	SUMMARY+=("[validate] $kv: PASS  ($(rel "$run"))")
}

for k in "${KERNELS[@]}"; do
	IFS='|' read -r kv img kdir <<<"$k"
	run_kernel "$kv" "$img" "$kdir"
done
echo "=== [validate] summary (qemu TCG: timings NOT representative of hardware)"
for s in "${SUMMARY[@]}"; do echo "  $s"; done
[ "$NFAIL" -eq 0 ]
