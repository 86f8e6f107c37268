#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh - run the revbench kernel module under qemu (TCG), in the manner of
# rcutorture's kvm.sh: build the module against a kernel's headers, boot
# that kernel with a busybox initramfs, insmod with the mode's parameters,
# collect the serial console into a file, power off, and parse the log.
#
#   vm.sh check|bench|torture [options]
#
#   check    mode=test: the in-kernel contract and stress tests (KTAP v1),
#            then the module's interface scenarios (scripts/vm-scenarios.sh:
#            insmod's kthread, refused knobs, the results context, the
#            SRCU path split, the driver-unbind floor, unbind-many of
#            rwsem, driver-unbind under a sysfs unbind/bind loop, a
#            primitive= list over 64 characters and two it refuses), each a
#            test point; this boot has srcutree.exp_holdoff=0
#   bench    mode=bench: the benchmark matrix; the results JSON is copied
#            to the console between marker lines and written to
#            results/vm-<kernel>-<timestamp>.json, marked "kernel-tcg"
#   torture  mode=torture, 4 vCPUs: the test module with the bug zoo
#            (make kmod KMOD_BUGS=1; never the benchmark module), every
#            real primitive must run clean and every bug must be caught
#            (kmod/torture.c); bug detection times go to detection.txt
#
# Options:
#   --kernel-version VER  a Debian kernel: /boot/vmlinuz-VER with headers in
#                         /usr/src/linux-headers-VER (repeatable).  Default:
#                         the newest installed 6.1, 6.12 and 6.12-rt
#                         (PREEMPT_RT) -amd64 kernels that have headers.
#   --params 'K=V ...'    extra module parameters (also $VM_PARAMS)
#   --timeout SEC         host watchdog per boot (also $VM_TIMEOUT; default
#                         check 900, torture 900, bench 1800)
#   --smp N               vCPUs (default 2; torture 4)
#   --kmod-src DIR        build this Kbuild directory instead of kmod/
#                         (to test the harness itself)
#   --bugs                build the test module with the bug zoo
#                         (KMOD_BUGS=1) in any mode (torture always does):
#                         bench can then run a zoo entry by name
#   --expect ERE          (also $VM_EXPECT) a planted-bug run: it passes
#                         only if a kernel report (reports.txt) matches ERE,
#                         e.g. 'KASAN: (slab-)?use-after-free'; the other
#                         checks are printed but do not gate such a run
# Environment:
#   KERNEL=/path/bzImage KDIR=/path/to/build-tree   your own kernel (either
#                         alone is completed from the other's version)
#   BUILD (default build)  run directories go to $BUILD/vm/
#   VM_ONOFF_MS (default 100)  torture: ms between CPU offline/online
#                         operations (module parameter onoff_ms; 0: no
#                         hotplug; --params 'onoff_ms=N' wins)
#   VM_TORTURE_TALLY=1  torture: also write the tally for "make check"
#                         ($BUILD/check-results/vm-torture-<kernel>)
#   VM_BOOT_TIMEOUT (default 120)  seconds for the guest to reach /init; a
#                         boot that does not, or that crashes before the
#                         module is loaded, is retried once (loudly)
#   QEMU (default qemu-system-x86_64)
#   VM_RESULTS_DIR (default results/)  where bench writes its JSON
#                         (make vm-check-debug: under $BUILD, not results/)
#
# Each run directory $BUILD/vm/<kernel>-<mode>-<timestamp>/ holds the
# console log (console.log), the full kernel log written by the guest at
# the end (dmesg.log), the exact qemu command (qemu-cmd.sh, runnable), the
# kernel version and config, the git commit, the module parameters, the
# module and the initramfs, and the verdict (summary).
#
# Module parameters go on the kernel command line as revbench.K=V (so the
# qemu command line is the whole description of the run); the initramfs
# /init passes them to insmod.
#
# Pass/fail: a KTAP "not ok", no "revbench: done:" line, a failed insmod or
# rmmod, a kernel report in the log, or a guest the watchdog had to kill.
# Exit 0 only if every kernel passed; 1 on failure; 2 on bad usage.
#
# Kernel reports: every BUG:, WARNING:, Oops, general protection fault,
# KASAN:, KCSAN:, UBSAN:, lockdep splat (possible recursive/circular
# locking, inconsistent lock state, suspicious RCU usage), panic, stall or
# Call Trace is cut out of the full kernel log (dmesg.log, else the
# console) into reports.txt in the run directory, printed, and fails the
# kernel - except a KCSAN data race whose racing accesses (either side: the
# report's title, or the top frame of each access stack) are all outside
# the module: such a core race (e.g. ktime_get_mono_fast_ns, "race at
# unknown origin") is listed loudly but does not fail.  A KCSAN report
# with a [revbench] frame on a racing access fails.
#
# TCG is software emulation: timings from these runs are NOT representative
# of hardware (many times slower, distorted ratios).  They prove that the
# module builds, loads, is correct and writes well-formed results.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_ARG=${BUILD:-}	# as given, for "make kmod" (relative or absolute)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
QEMU=${QEMU:-qemu-system-x86_64}
RESULTS_DIR=${VM_RESULTS_DIR:-$ROOT/results}
PROG=vm.sh
# shellcheck source=scripts/vm-kernels.sh
. "$ROOT/scripts/vm-kernels.sh"

die_usage() {
	echo "$PROG: $*" >&2
	echo "usage: $PROG check|bench|torture [--kernel-version VER]..." \
	     "[--params 'K=V ...'] [--timeout SEC] [--smp N] [--kmod-src DIR]" \
	     "[--bugs] [--expect ERE]" >&2
	echo "       (env: KERNEL=/path/bzImage KDIR=/path/to/headers)" >&2
	exit 2
}

# ---- arguments -------------------------------------------------------------
[ $# -ge 1 ] || die_usage "missing mode"
MODE=$1
shift
case "$MODE" in
check) KMODE="test"; SMP=2; TIMEOUT=900 ;;
bench) KMODE=bench; SMP=2; TIMEOUT=1800 ;;
torture) KMODE=torture; SMP=4; TIMEOUT=900 ;;	# KMOD_BUGS=1 build
validate) exec "$ROOT/scripts/vm-validate.sh" "$@" ;;	# refscale vs revbench.ko, one boot
-h|--help) sed -n '3,78p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) die_usage "unknown mode '$MODE'" ;;
esac
[ -n "${VM_TIMEOUT:-}" ] && TIMEOUT=$VM_TIMEOUT
KMOD_BUGS=0
[ "$MODE" = torture ] && KMOD_BUGS=1
EXTRA_PARAMS=${VM_PARAMS:-}
KVERS=()
KMOD_SRC=
EXPECT=${VM_EXPECT:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel-version) [ $# -ge 2 ] || die_usage "$1 needs a value"
		KVERS+=("$2"); shift 2 ;;
	--kernel-version=*) KVERS+=("${1#*=}"); shift ;;
	--params) [ $# -ge 2 ] || die_usage "$1 needs a value"
		EXTRA_PARAMS="$EXTRA_PARAMS $2"; shift 2 ;;
	--timeout) [ $# -ge 2 ] || die_usage "$1 needs a value"
		TIMEOUT=$2; shift 2 ;;
	--smp) [ $# -ge 2 ] || die_usage "$1 needs a value"
		SMP=$2; shift 2 ;;
	--kmod-src) [ $# -ge 2 ] || die_usage "$1 needs a value"
		KMOD_SRC=$(cd "$2" 2>/dev/null && pwd) ||
			die_usage "--kmod-src: no directory '$2'"
		shift 2 ;;
	--bugs) KMOD_BUGS=1; shift ;;
	--expect) [ $# -ge 2 ] || die_usage "$1 needs a value"
		EXPECT=$2; shift 2 ;;
	KERNEL=*) KERNEL=${1#*=}; shift ;;
	KDIR=*) KDIR=${1#*=}; shift ;;
	*) die_usage "unknown argument '$1'" ;;
	esac
done
if [ -n "$EXPECT" ]; then
	rc=0; grep -Eq -- "$EXPECT" /dev/null 2>/dev/null || rc=$?
	[ $rc -le 1 ] || die_usage "--expect: '$EXPECT' is not an extended regular expression"
fi
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die_usage "--timeout: '$TIMEOUT' is not a positive integer"
[[ "$SMP" =~ ^[1-9][0-9]*$ ]] && [ "$SMP" -le 64 ] ||
	die_usage "--smp: '$SMP' is not an integer in 1..64"
# Module parameters: K=V words, no spaces or quotes in values; mode is ours.
for p in $EXTRA_PARAMS; do
	[[ "$p" =~ ^[a-z_][a-z0-9_]*=[^\"\'\\]*$ ]] ||
		die_usage "--params: '$p' is not a K=V module parameter"
	case "$p" in mode=*) die_usage "--params: mode= is set by the vm.sh mode" ;; esac
done
MOD_PARAMS="mode=$KMODE${EXTRA_PARAMS:+ $(echo $EXTRA_PARAMS)}"

command -v "$QEMU" >/dev/null || {
	echo "$PROG: $QEMU not found: run 'make deps-vm' (package qemu-system-x86)" >&2
	exit 1
}
find_busybox
for t in cpio gzip timeout modinfo; do
	command -v $t >/dev/null || {
		echo "$PROG: '$t' not found: run 'make deps-vm'" >&2; exit 1; }
done
if [ "$MODE" = bench ]; then
	command -v python3 >/dev/null || {
		echo "$PROG: python3 is needed to validate the results JSON" >&2
		exit 1; }
fi

# ---- kernels ---------------------------------------------------------------
# bzimage_version FILE: the version string embedded in an x86 bzImage.
bzimage_version() {
	local f=$1 magic off
	magic=$(dd if="$f" bs=1 skip=$((0x202)) count=4 2>/dev/null) || return 1
	[ "$magic" = HdrS ] || return 1
	off=$(od -An -j $((0x20E)) -N2 -tu2 "$f" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$f" bs=1 skip=$((off + 0x200)) count=256 2>/dev/null |
		tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

# kdir_version DIR: the release a build tree builds modules for.
kdir_version() {
	local h=$1/include/generated/utsrelease.h
	[ -f "$h" ] || return 1
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$h"
}

# Each kernel is "version|image|kdir".
KERNELS=()
if [ -n "${KERNEL:-}" ] || [ -n "${KDIR:-}" ]; then
	[ ${#KVERS[@]} -eq 0 ] || die_usage "--kernel-version and KERNEL=/KDIR= exclude each other"
	if [ -n "${KDIR:-}" ]; then
		[ -f "$KDIR/Makefile" ] || die_usage "KDIR=$KDIR: no kernel build tree (no Makefile)"
		KDIR=$(cd "$KDIR" && pwd -P)
		kv=$(kdir_version "$KDIR") ||
			die_usage "KDIR=$KDIR: no include/generated/utsrelease.h (run 'make modules_prepare' there)"
	fi
	if [ -n "${KERNEL:-}" ]; then
		[ -f "$KERNEL" ] || die_usage "KERNEL=$KERNEL: no such file"
		KERNEL=$(cd "$(dirname "$KERNEL")" && pwd -P)/$(basename "$KERNEL")
		iv=$(bzimage_version "$KERNEL") ||
			die_usage "KERNEL=$KERNEL is not an x86 bzImage (want arch/x86/boot/bzImage or /boot/vmlinuz-*)"
	fi
	if [ -z "${KDIR:-}" ]; then
		KDIR=$(kdir_for "$iv") ||
			die_usage "KERNEL=$KERNEL is $iv, but no headers for it: set KDIR="
		kv=$iv
	fi
	if [ -z "${KERNEL:-}" ]; then
		KERNEL=/boot/vmlinuz-$kv
		[ -f "$KERNEL" ] || die_usage "KDIR=$KDIR builds for $kv, but there is no $KERNEL: set KERNEL="
		iv=$kv
	fi
	[ "$iv" = "$kv" ] ||
		die_usage "KERNEL is $iv but KDIR builds for $kv: the module would not load"
	KERNELS+=("$kv|$KERNEL|$KDIR")
else
	debian_kernels
fi

# ---- shared state ----------------------------------------------------------
TS=$(date -u +%Y%m%dT%H%M%SZ)
GIT=$(vm_git_commit)
mkdir -p "$BUILD/vm" "$BUILD/check-results"

echo "$PROG: $MODE: ${#KERNELS[@]} kernel(s), mode=$KMODE, -smp $SMP," \
     "watchdog ${TIMEOUT}s per boot"
echo "$PROG: NOTE: qemu TCG is software emulation: any timing from these" \
     "runs is NOT representative of real hardware."

# ---- the initramfs ---------------------------------------------------------
# /init (write_init): insmod with the revbench.* words of the kernel
# command line, wait for the "done" line, (bench) copy the results to the
# data port (ttyS2, data.log) between marker lines, rmmod.
init_body() {
	cat <<'EOF'
params= mode=
for w in $(cat /proc/cmdline); do
	case "$w" in
	revbench.*) params="$params ${w#revbench.}" ;;
	esac
	case "$w" in
	revbench.mode=*) mode=${w#revbench.mode=} ;;
	esac
done
echo "revbench-vm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
echo "revbench-vm: insmod /revbench.ko$params"
insmod /revbench.ko $params
rc=$?
echo "revbench-vm: insmod rc=$rc"
if [ $rc -eq 0 ]; then
	# Runs may finish after insmod returns: wait for the module's last line
	# (the host watchdog handles a module that never prints it).
	n=0
	until dmesg | grep -q 'revbench: done:'; do
		sleep 1
		n=$((n + 1))
		[ $((n % 60)) -eq 0 ] && echo "revbench-vm: still waiting for 'revbench: done:' (${n}s)"
	done
	if [ "$mode" = bench ]; then
		# On the data port (ttyS2), which is no console: no kernel
		# message can land inside the JSON (on PREEMPT_RT a kthread
		# prints the console late, whatever the log level says).
		{
			echo "revbench-vm: BEGIN results /sys/kernel/debug/revbench/results"
			cat /sys/kernel/debug/revbench/results
			crc=$?
			echo
			echo "revbench-vm: END results (cat rc=$crc)"
			for f in /sys/kernel/debug/revbench/*samples*; do
				[ -f "$f" ] || continue
				echo "revbench-vm: BEGIN samples $f"
				cat "$f"
				echo
				echo "revbench-vm: END samples"
			done
		} >/dev/ttyS2
	fi
	rmmod revbench
	rrc=$?
	echo "revbench-vm: rmmod rc=$rrc"
	# torture: bad values of the hotplug knob must fail insmod (-EINVAL)
	if [ "$mode" = torture ] && [ $rrc -eq 0 ]; then
		for v in -1 abc 3600001; do
			insmod /revbench.ko mode=none onoff_ms=$v 2>/dev/null
			r=$?
			[ $r -eq 0 ] && rmmod revbench
			echo "revbench-vm: refused-knob onoff_ms=$v insmod rc=$r"
		done
	fi
	# check: the interface scenarios, with the module unloaded
	if [ "$mode" = test ] && [ -f /scenarios.sh ]; then
		. /scenarios.sh
	fi
fi
EOF
}

make_initramfs() {	# make_initramfs KO OUT
	local ko=$1 out=$2 tmp
	tmp=$(initramfs_tree head tail)
	cp "$ko" "$tmp/revbench.ko"
	[ "$MODE" = check ] && cp "$ROOT/scripts/vm-scenarios.sh" "$tmp/scenarios.sh"
	write_init "$tmp/init"
	initramfs_pack "$tmp" "$out"
}

# ---- building the module ---------------------------------------------------
# build_kmod KVER KDIR RUNDIR: leaves RUNDIR/revbench.ko, log in build.log.
build_kmod() {
	local kv=$1 kdir=$2 run=$3 ko
	if [ -n "$KMOD_SRC" ]; then
		mkdir -p "$run/kmod-src"
		cp -a "$KMOD_SRC"/. "$run/kmod-src/"
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$kdir" M="$run/kmod-src" modules >"$run/build.log" 2>&1 ||
			return 1
		ko=$run/kmod-src/revbench.ko
	else
		# mk/kmod.mk builds in $BUILD/kmod/<release>/, one tree per kernel
		# A fresh make (no jobserver or variables from a calling make),
		# one vm.sh build at a time: they share $BUILD/kmod/<release>/.
		# torture: the test module with the bug zoo (its own tree,
		# build/kmod/<release>-bugs/), never the benchmark module.
		# Two kernel trees can share a release (a debug kernel rebuilt
		# with another config keeps its -revbench-<flavour> release):
		# Kbuild, finding the other tree's headers older than its
		# objects, would not rebuild, and the module would carry the
		# other config (seen: "Unknown symbol __this_cpu_preempt_check"
		# from a DEBUG_PREEMPT build on the kernel without it).  So the
		# object tree records the KDIR and config it was built for
		# (.revbench-kdir) and starts afresh when they change.
		ko=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" -s --no-print-directory kmod-path KDIR="$kdir" \
			KMOD_BUGS=$KMOD_BUGS \
			${BUILD_ARG:+BUILD="$BUILD_ARG"} 2>"$run/build.log") || return 1
		case "$ko" in /*) ;; *) ko=$ROOT/$ko ;; esac
		local out=${ko%/*} id
		id="$kdir $(sha256sum <"$kdir/include/generated/autoconf.h" | cut -c1-16)"
		(
			flock 8
			if [ -d "$out" ] && [ "$(cat "$out/.revbench-kdir" 2>/dev/null)" != "$id" ]; then
				echo "vm.sh: $out: not built for $id: removed"
				rm -rf "$out"
			fi
			env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
			make -C "$ROOT" --no-print-directory kmod KDIR="$kdir" \
				KMOD_BUGS=$KMOD_BUGS ${BUILD_ARG:+BUILD="$BUILD_ARG"} &&
				echo "$id" >"$out/.revbench-kdir"
		) 8>"$BUILD/vm/.kmod-build.lock" >>"$run/build.log" 2>&1 || return 1
	fi
	[ -f "$ko" ] || { echo "no $ko after the build" >>"$run/build.log"; return 1; }
	cp "$ko" "$run/revbench.ko"
}

# ---- parsing ---------------------------------------------------------------
# kernel_reports LOG OUT: cut every kernel report out of the (cleaned) LOG
# into OUT, one "=== report N: CLASS: title" header per report; CLASS is
# FAIL, or CORE-KCSAN for a KCSAN report none of whose racing accesses is
# in the module (title and top frame of each access stack).  A report runs
# from its first line to the "=====" that closes a KASAN/KCSAN report, or
# to "---[ end trace", or to the end of its stack dump (</TASK>, or a line
# that is no longer part of it), at most 120 lines.  Prints the counts
# "FAIL CORE ZOO".  ZOO: an "inconsistent lock state" lockdep report that
# starts while the torture runs a zoo entry flagged REV_CAP_LOCKDEP (its
# header line lists the cap "lockdep"; bug-irq-rwlock): the report IS
# that entry being caught, listed and not failing; the module's KTAP
# point says whether it was caught.
kernel_reports() {
	RE=$BAD_RE awk '
	function flush(   i, cls) {
		if (!n) return
		cls = "FAIL"
		if (kcsan && !modrace) cls = "CORE-KCSAN"
		if (zoo && title ~ /inconsistent lock state/) cls = "ZOO-LOCKDEP"
		nr++
		if (cls == "FAIL") nfail++
		else if (cls == "ZOO-LOCKDEP") nzoo++
		else ncore++
		printf "=== report %d: %s: %s\n", nr, cls, title > out
		for (i = 1; i <= n; i++) print buf[i] > out
		n = 0; kcsan = 0; modrace = 0; sep = 0; intask = 0; want_top = 0
		title = ""; zoo = 0
	}
	BEGIN { re = ENVIRON["RE"]; out = ARGV[2]; ARGV[2] = ""; n = 0; nr = nfail = ncore = nzoo = 0 }
	{
		line = $0
		if (line ~ /^# \[bug-[^]]*\] torture: caps [^;]*lockdep/) inlockdep = 1
		if (line ~ /^(not )?ok [0-9]+ /) inlockdep = 0
		if (n) {
			buf[++n] = line
			if (kcsan && want_top && line ~ /^ +[^ ]/) {
				if (line ~ /\[revbench\]/) modrace = 1
				want_top = 0
			}
			if (kcsan && line ~ /(read|write|read-write|race at unknown origin).*(by task|by interrupt|on cpu)/)
				want_top = 1
			if (title == "" && line ~ re && line !~ /cut here/) {
				title = line
				if (line ~ /KCSAN:/) kcsan = 1
				if (kcsan && line ~ /\[revbench\]/) modrace = 1
			}
			if (sep && line ~ /^=====/) { flush(); next }
			if (!sep && line ~ /---\[ end trace/) { flush(); next }
			if (!sep && line ~ /<TASK>|Call Trace:/) intask = 1
			if (!sep && intask && line ~ /<\/TASK>/) { flush(); next }
			if (n >= 120) { flush(); next }
			next
		}
		if (line ~ re) {
			n = 1; buf[1] = line; zoo = inlockdep
			# KASAN and KCSAN reports sit between two "=====" lines
			sep = (prev ~ /^=====/ && line ~ /(KASAN|KCSAN):/)
			if (line !~ /cut here/) {
				title = line
				if (line ~ /KCSAN:/) kcsan = 1
				if (kcsan && line ~ /\[revbench\]/) modrace = 1
			}
			if (line ~ /Call Trace:/) intask = 1
		}
		prev = line
	}
	END { flush(); print nfail + 0, ncore + 0, nzoo + 0 }
	' "$1" "$2"
}

# ---- one kernel ------------------------------------------------------------
TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0 NFAILED_KERNELS=0
SUMMARY=()

# The kernel command line: quiet boot; panic reboots at once, which with
# -no-reboot ends qemu; TCG's TSC is not reliable (and marking it unstable
# at boot spares a late patch of kernel text, which multi-threaded TCG
# occasionally gets wrong); the IO-APIC timer check can fail on a loaded
# host under TCG; a big log buffer keeps the whole run for dmesg.log.
KCMDLINE="console=ttyS0 quiet panic=-1 tsc=unstable no_timer_check log_buf_len=4M"
# torture: full preemption (Debian boots voluntary), as most rcutorture
# scenarios run: a reader kthread can then be preempted anywhere, also
# inside the few instructions of a broken primitive's race window.
[ "$MODE" = torture ] && KCMDLINE="$KCMDLINE preempt=full"
# check: no SRCU auto-expedite, so that the srcu-path scenario's split is
# exact (srcu always normal, srcu-exp always expedited; the results read
# exp_holdoff back from the running kernel).
[ "$MODE" = check ] && KCMDLINE="$KCMDLINE srcutree.exp_holdoff=0"
BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-120}
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; exit 130' INT TERM

# boot KVER IMAGE RUNDIR: run qemu once under the watchdog.  Sets BOOT_RC
# (124: the watchdog fired), BOOT_HUNG (1: /init did not start within
# BOOT_TIMEOUT seconds, qemu was stopped) and BOOT_SECS.
boot() {
	local kv=$1 img=$2 run=$3
	local append=$KCMDLINE p
	for p in $RUN_PARAMS; do append="$append revbench.$p"; done
	QEMU_CMD=("$QEMU" "${TCG_ARGS[@]}" -smp "$SMP" -m 512
		-nographic -no-reboot -monitor none -net none
		-serial "file:$run/console.log" -serial "file:$run/dmesg.log"
		-serial "file:$run/data.log"
		-kernel "$img" -initrd "$run/initramfs.cpio.gz"
		-append "$append")
	{
		echo "#!/bin/sh"
		echo "# revbench $MODE run on $kv, git $GIT; watchdog ${TIMEOUT}s"
		echo "# (running it again overwrites console.log and dmesg.log here)"
		shell_quote "${QEMU_CMD[@]}"
	} >"$run/qemu-cmd.sh"
	chmod 755 "$run/qemu-cmd.sh"
	local t0=$SECONDS started=0
	BOOT_RC=0 BOOT_HUNG=0
	timeout --kill-after=10 "$TIMEOUT" "${QEMU_CMD[@]}" \
		</dev/null >"$run/qemu.out" 2>&1 &
	QPID=$!
	while kill -0 "$QPID" 2>/dev/null; do
		if [ $started = 0 ]; then
			if grep -q 'revbench-vm: kernel' "$run/console.log" 2>/dev/null; then
				started=1
			elif [ $((SECONDS - t0)) -ge "$BOOT_TIMEOUT" ]; then
				BOOT_HUNG=1
				kill "$QPID" 2>/dev/null || true
			fi
		fi
		sleep 1
	done
	wait "$QPID" || BOOT_RC=$?
	QPID=
	BOOT_SECS=$((SECONDS - t0))
}

run_kernel() {
	local kv=$1 img=$2 kdir=$3
	local run=$BUILD/vm/$kv-$MODE-$TS
	[ -e "$run" ] && run=$run-$$
	mkdir -p "$run"
	local rel
	rel=$(rel "$run")
	local reasons=() pass=0 fail=0 skip=0 sub=0 attempt

	echo "$kv" >"$run/kernel-version"
	echo "$img" >"$run/kernel-image"
	echo "$kdir" >"$run/kdir"
	echo "$GIT" >"$run/git-commit"
	if [ -f "$kdir/.config" ]; then cp "$kdir/.config" "$run/kernel-config"
	elif [ -f "/boot/config-$kv" ]; then cp "/boot/config-$kv" "$run/kernel-config"
	fi

	echo "=== [$MODE] $kv: building the module against $kdir"
	local t0=$SECONDS
	if ! build_kmod "$kv" "$kdir" "$run"; then
		tail -n 30 "$run/build.log" | sed 's/^/    /'
		finish_kernel "$kv" "$run" 0 0 0 "module build failed (log: $rel/build.log)"
		return
	fi
	if grep -Eq ':[0-9]+(:[0-9]+)?: warning:|^WARNING:' "$run/build.log"; then
		grep -E ':[0-9]+(:[0-9]+)?: warning:|^WARNING:' "$run/build.log" |
			head -n 20 | sed 's/^/    /'
		reasons+=("compiler warnings in the module build ($rel/build.log)")
	fi
	local vm
	vm=$(modinfo -F vermagic "$run/revbench.ko" | cut -d' ' -f1)
	if [ "$vm" != "$kv" ]; then
		finish_kernel "$kv" "$run" 0 0 0 "module vermagic '$vm' is not the kernel '$kv'"
		return
	fi
	# The mode parameter's description lists the modes the module has.
	local mdesc
	mdesc=$(modinfo -F parm "$run/revbench.ko" | sed -n 's/^mode://p')
	if [ "$KMODE" = torture ] && [ -z "$KMOD_SRC" ] &&
	   { ! grep -qw torture <<<"$mdesc" ||
	     grep -q 'torture (not implemented' <<<"$mdesc"; }; then
		finish_kernel "$kv" "$run" 0 0 0 "this revbench.ko has no torture mode yet (its mode parameter: '$mdesc')"
		return
	fi
	# The results context says TCG too, if the module takes env=.
	RUN_PARAMS=$MOD_PARAMS
	# (torture: kmod/torture.c lets a bug whose race window TCG cannot
	# reach be a loud SKIP instead of a failure; see t_tuning[] there.)
	if { [ "$KMODE" = bench ] || [ "$KMODE" = torture ]; } &&
	   [[ " $MOD_PARAMS " != *" env="* ]] &&
	   modinfo -F parm "$run/revbench.ko" | grep -q '^env:'; then
		RUN_PARAMS="$RUN_PARAMS env=kernel-tcg"
	fi
	# torture: CPU hotplug (rcutorture's onoff) with the 4 vCPUs, unless
	# --params names onoff_ms (onoff_ms=0: none); a module without the
	# parameter (--kmod-src) is left alone.
	if [ "$KMODE" = torture ] && [[ " $RUN_PARAMS " != *" onoff_ms="* ]] &&
	   modinfo -F parm "$run/revbench.ko" | grep -q '^onoff_ms:'; then
		RUN_PARAMS="$RUN_PARAMS onoff_ms=${VM_ONOFF_MS:-100}"
	fi
	echo "$RUN_PARAMS" >"$run/module-params"
	echo "    built in $((SECONDS - t0))s; booting $img (-smp $SMP, $RUN_PARAMS)"
	make_initramfs "$run/revbench.ko" "$run/initramfs.cpio.gz"

	# A boot that crashes before the module is loaded, or never reaches
	# /init, is not the module's doing (seen under multi-threaded TCG on a
	# loaded host: a stale int3 after kernel text patching, a stuck timer
	# check); nor is a TCG flake at any time, a stale int3 or flags no CPU
	# can hold (scripts/tcg-flake.sh).  Such a boot is retried once,
	# loudly; both logs are kept.
	for attempt in 1 2; do
		boot "$kv" "$img" "$run"
		clean_log "$run/console.log" >"$run/console.txt"
		clean_log "$run/data.log" >"$run/data.txt" 2>/dev/null || :
		[ $attempt -eq 1 ] || break
		local why=
		if [ "$BOOT_HUNG" = 1 ]; then
			why="did not reach /init within ${BOOT_TIMEOUT}s"
		elif [ "$BOOT_RC" -ne 124 ] && [ "$BOOT_RC" -ne 137 ] &&
		     ! grep -q '^revbench-vm: insmod ' "$run/console.txt" &&
		     grep -Eq "$BAD_RE" "$run/console.txt"; then
			why="crashed during boot, before the module was loaded"
			grep -Em3 "$BAD_RE" "$run/console.txt" | sed 's/^/    !!! /'
		else
			why=$(tcg_flake "$BOOT_RC" "$run/console.txt") || :
		fi
		[ -n "$why" ] || break
		# Not the module's doing: a TCG flake.  Retry once, loudly,
		# and keep the first log.
		retry_boot "$run" "$kv" "$why"
	done
	local log=$run/console.txt

	if [ "$BOOT_HUNG" = 1 ]; then
		finish_kernel "$kv" "$run" 0 0 0 "$kv did not reach /init within ${BOOT_TIMEOUT}s, twice (console: $rel/console.log, $rel/console-boot1.log)"
		return
	elif [ "$BOOT_RC" -eq 124 ] || [ "$BOOT_RC" -eq 137 ]; then
		reasons+=("guest on $kv hung: the host watchdog killed qemu after ${TIMEOUT}s (console: $rel/console.log)")
		if grep -q '^revbench-vm: insmod /' "$log" &&
		   ! grep -q '^revbench-vm: insmod rc=' "$log"; then
			reasons+=("insmod never returned")
		fi
		echo "    !!! $kv: watchdog fired; last console lines:"
		grep -v '^$' "$log" | tail -n 12 | sed 's/^/    | /'
	elif [ "$BOOT_RC" -ne 0 ]; then
		reasons+=("qemu exited with status $BOOT_RC ($rel/qemu.out)")
		tail -n 5 "$run/qemu.out" | sed 's/^/    /'
	elif ! grep -q '^revbench-vm: poweroff' "$log"; then
		reasons+=("the guest stopped before /init powered it off (panic, reboot, or qemu killed from outside; $rel/qemu.out)")
	fi

	# KTAP: top-level test points start in column 0 (after the printk time);
	# indented ones are subtests, counted separately.
	# KTAP points and kernel reports are read from the whole kernel log
	# (dmesg.log, written by /init at the end) when there is one: on the
	# console /init's own echo can share a line with a printk ("...insmod
	# rc=0[ 2.708] ok 6 none....": a point lost, CI 12-06); the console
	# only when the guest never wrote it.
	local ktap=$run/ktap.txt ksrc=$log
	if [ -s "$run/dmesg.log" ]; then
		ksrc=$run/dmesg.txt
		clean_log "$run/dmesg.log" >"$ksrc"
	fi
	grep -E '^(revbench: )?( *)(KTAP version|TAP version|1\.\.[0-9]+|(not )?ok [0-9]+|#)' "$ksrc" |
		sed 's/^revbench: //' >"$ktap" || true
	pass=$(grep -Ec '^ok [0-9]+' "$ktap" || true)
	skip=$(grep -Eic '^ok [0-9]+.*# *skip' "$ktap" || true)
	fail=$(grep -Ec '^not ok [0-9]+' "$ktap" || true)
	sub=$(grep -Ec '^ +(not )?ok [0-9]+' "$ktap" || true)
	pass=$((pass - skip))
	local plan
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$ktap" | head -n1)
	if [ "$KMODE" != bench ]; then
		if [ $((pass + skip + fail)) -eq 0 ]; then
			reasons+=("no KTAP test points in the console log")
		elif [ -n "$plan" ] && [ "$plan" -ne $((pass + skip + fail)) ]; then
			reasons+=("KTAP plan 1..$plan but $((pass + skip + fail)) test points")
		fi
	fi
	[ "$fail" -gt 0 ] && reasons+=("$fail KTAP test point(s) not ok:")
	local line
	while IFS= read -r line; do
		reasons+=("  $line")
	done < <(grep -E '^ *not ok [0-9]+' "$ktap" | head -n 20)
	if [ "$skip" -gt 0 ]; then
		echo "    !!! $skip test point(s) skipped:"
		grep -Ei '^ok [0-9]+.*# *skip' "$ktap" | sed 's/^/    !!! /'
	fi

	# The module's last line: "revbench: done: P passed, F failed" (test),
	# "revbench: done: bench, N cell(s) failed" or "... bench error E".
	local done_line dp df
	# the run's own: the scenarios (check) make more after it.  "done: "
	# with its space: /init's "still waiting for 'revbench: done:' (120s)"
	# can come after the module's line in the same second (CI, 12-06).
	done_line=$(sed '/^revbench-vm: scenarios begin/q' "$log" |
		grep -E 'revbench: done: ' | tail -n1 || true)
	done_line=${done_line#*revbench: done: }
	if [ -z "$done_line" ]; then
		reasons+=("no 'revbench: done:' line in the console log")
	elif [[ "$done_line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		dp=${BASH_REMATCH[1]} df=${BASH_REMATCH[2]}
		[ "$df" -gt 0 ] && reasons+=("module reports: done: $done_line")
		if [ "$KMODE" != bench ] && [ "$dp" -ne "$pass" ]; then
			reasons+=("module says $dp passed, the console has $pass ok test points (output lost?)")
		fi
	elif [[ "$done_line" =~ ^bench,\ ([0-9]+)\ cell ]]; then
		df=${BASH_REMATCH[1]}
		[ "$df" -gt 0 ] && reasons+=("module reports: done: $done_line")
		[ "$KMODE" = bench ] || reasons+=("bench done line in mode=$KMODE")
	else
		reasons+=("module reports: done: $done_line")
	fi
	local irc
	irc=$(sed -n 's/^revbench-vm: insmod rc=\([0-9]*\)$/\1/p' "$log" | tail -n1)
	if [ -z "$irc" ]; then
		grep -q '^revbench-vm: insmod ' "$log" ||
			reasons+=("the guest never reached insmod (boot failure?)")
	elif [ "$irc" -ne 0 ]; then
		reasons+=("insmod failed (rc=$irc):")
		while IFS= read -r line; do reasons+=("  $line"); done < <(
			grep -E 'revbench|insmod' "$log" | grep -Ev '^revbench-vm: insmod' | tail -n 3)
	fi
	local rrc
	rrc=$(sed -n 's/^revbench-vm: rmmod rc=\([0-9]*\)$/\1/p' "$log" | tail -n1)
	if [ -n "$rrc" ] && [ "$rrc" -ne 0 ]; then
		# why: rmmod's own message, and a run that pinned the module
		reasons+=("rmmod revbench failed (rc=$rrc):")
		while IFS= read -r line; do reasons+=("  $line"); done < <(
			grep -E 'rmmod: |is stuck|revbench is pinned' "$log" | head -n 6)
	fi

	# check: the interface scenarios, one test point each
	if [ "$MODE" = check ]; then
		local sp sf
		sp=$(grep -c '^revbench-vm: scenario [a-z-]*: ok' "$log" || true)
		sf=$(grep -c '^revbench-vm: scenario [a-z-]*: not ok' "$log" || true)
		grep -E '^revbench-vm: scenario [a-z-]*: (not )?ok' "$log" |
			sed 's/^revbench-vm: /    /'
		pass=$((pass + sp))
		fail=$((fail + sf))
		[ "$sf" -gt 0 ] && reasons+=("$sf interface scenario(s) not ok:")
		while IFS= read -r line; do
			reasons+=("  $line")
		done < <(grep '^revbench-vm: scenario [a-z-]*: not ok' "$log" |
			 sed 's/^revbench-vm: scenario //')
		if [ "$irc" = 0 ] && ! grep -q '^revbench-vm: scenarios end' "$log"; then
			reasons+=("the interface scenarios did not finish (no 'scenarios end' line)")
		fi
	fi
	if [ "$KMODE" = bench ] && [ "$irc" = 0 ]; then
		bench_results "$kv" "$run" || reasons+=("$BENCH_ERR")
	fi
	[ "$KMODE" = torture ] && torture_report "$run"

	# Kernel reports (oops, BUG, WARNING, KASAN, KCSAN, lockdep, panic,
	# stalls), from the full log if the guest wrote it, else the console.
	gate_reports "$run" "$ksrc"
	if [ -n "$EXPECT" ]; then
		expect_verdict "$run"
	fi
	finish_kernel "$kv" "$run" "$pass" "$fail" "$skip" "${reasons[@]}"
	[ "$sub" -gt 0 ] && echo "    ($sub subtest points inside those)"
	echo "    boot+run ${BOOT_SECS}s under TCG; console: $rel/console.log"
}

# gate_reports RUNDIR KLOG: reports.txt, printed; failing ones go to
# reasons[] (of the caller), core KCSAN races are listed loudly.  KLOG is
# the cleaned kernel log (the whole dmesg.log when there is one).
gate_reports() {
	local run=$1 src=$2 counts nf nc nz t
	: >"$run/reports.txt"
	counts=$(kernel_reports "$src" "$run/reports.txt")
	read -r nf nc nz <<<"$counts"
	[ "$nf" -gt 0 ] || [ "$nc" -gt 0 ] || [ "$nz" -gt 0 ] ||
		{ rm -f "$run/reports.txt"; return 0; }
	echo "    !!! $((nf + nc + nz)) kernel report(s) in $(rel "$src") ($nf failing," \
	     "$nc KCSAN race(s) outside the module, $nz lockdep report(s) of a" \
	     "REV_CAP_LOCKDEP zoo entry); all in $(rel "$run")/reports.txt"
	# Each report's title and first lines: enough to see what and where.
	awk '/^=== report /{ k = 0; print; next } { if (++k <= 14) print }' \
		"$run/reports.txt" | head -n 200 | sed 's/^/    | /'
	if [ "$nz" -gt 0 ]; then
		echo "    expected: lockdep catching a zoo entry that claims REV_CAP_IRQSAFE falsely (listed, not failing; its KTAP point says it was caught)"
	fi
	if [ "$nc" -gt 0 ]; then
		echo "    !!! KCSAN races outside the module (listed, not failing):"
		sed -n 's/^=== report [0-9]*: CORE-KCSAN: //p' "$run/reports.txt" |
			sort | uniq -c | sed 's/^/    !!!   /'
	fi
	if [ "$nf" -gt 0 ]; then
		reasons+=("$nf kernel report(s) ($(rel "$run")/reports.txt):")
		while IFS= read -r t; do reasons+=("  $t"); done < <(
			sed -n 's/^=== report [0-9]*: FAIL: //p' "$run/reports.txt" |
			sort | uniq -c | sed 's/^ *//' | head -n 12)
	fi
}

# expect_verdict RUNDIR: an --expect run passes iff a report matches; the
# other reasons are printed, not gating (a planted bug may crash the rest).
expect_verdict() {
	local run=$1 r
	if [ ${#reasons[@]} -gt 0 ]; then
		echo "    (--expect run: not gating: the planted bug's consequences)"
		for r in "${reasons[@]}"; do echo "    ~ $r"; done
	fi
	reasons=()
	if [ -f "$run/reports.txt" ] && grep -Eq -- "$EXPECT" "$run/reports.txt"; then
		echo "    expected report found (--expect '$EXPECT'):"
		grep -Em3 -- "$EXPECT" "$run/reports.txt" | sed 's/^/    | /'
		echo "expected: $EXPECT: found" >>"$run/notes"
	else
		reasons+=("--expect '$EXPECT': no kernel report matched it: the planted bug went unseen")
	fi
}

# torture_report RUNDIR: the seed, the bug detection times (also into
# RUNDIR/detection.txt) and the first failure lines of real primitives.
torture_report() {
	local run=$1 log=$1/console.txt seed
	seed=$(sed -n 's/^# torture: seed \([0-9]*\).*/\1/p' "$log" | head -n1)
	[ -n "$seed" ] && echo "    torture seed $seed (replay: VM_ARGS=\"--params 'seed=$seed'\" or revbench.seed=$seed)"
	# Bad onoff_ms values were refused (/init tried them after rmmod).
	if grep -q '^revbench-vm: refused-knob onoff_ms=.* insmod rc=0$' "$log"; then
		reasons+=("insmod accepted a bad onoff_ms: $(grep '^revbench-vm: refused-knob .* rc=0$' "$log" | head -n1)")
	elif grep -q '^revbench-vm: refused-knob ' "$log"; then
		echo "    onoff_ms: bad values refused by insmod ($(grep -c '^revbench-vm: refused-knob ' "$log") tried)"
	fi
	# CPU hotplug ran, was off, or was SKIPPED (a kernel without
	# CONFIG_HOTPLUG_CPU): said here too, never silently.
	grep -m1 '^# torture: CPU hotplug' "$log" | sed 's/^# torture: /    /' || true
	grep -E '^ok [0-9]+ [^ ]+ # SKIP' "$log" | sed 's/^ok [0-9]* /    SKIP: /' || true
	sed -n 's/^# detection: //p' "$log" >"$run/detection.txt"
	if [ -s "$run/detection.txt" ]; then
		echo "    bug detection (seconds from the start of the bug's run to its first failure; a statistic, not a threshold):"
		sed 's/^/      /' "$run/detection.txt"
	fi
	local real
	real=$(grep '^!!! \[' "$log" | grep -v '^!!! \[bug-' | head -n 10 || true)
	if [ -n "$real" ]; then
		echo "    !!! failure lines of real primitives:"
		sed 's/^/    /' <<<"$real"
	fi
}

# bench_results KVER RUNDIR: JSON from the data port -> results/, tagged TCG.
bench_results() {
	local kv=$1 run=$2 out
	BENCH_ERR=
	awk '/^revbench-vm: END results/ { on = 0 }
	     on { print }
	     /^revbench-vm: BEGIN results/ { on = 1; n++ }
	     END { if (n != 1) exit 1 }' "$run/data.txt" >"$run/results-raw.json" || {
		BENCH_ERR="no (or more than one) results block between the BEGIN/END markers"
		return 1; }
	grep -q '^revbench-vm: END results (cat rc=0)' "$run/data.txt" || {
		BENCH_ERR="reading /sys/kernel/debug/revbench/results failed or was cut short"
		return 1; }
	mkdir -p "$RESULTS_DIR"
	out=$RESULTS_DIR/vm-$kv-$TS.json
	local err
	if ! err=$(python3 - "$run/results-raw.json" "$out" "$kv" "$run/qemu-cmd.sh" 2>&1 <<'EOF'
import json, os, sys, tempfile
raw, out, kver, cmdfile = sys.argv[1:5]
try:
    with open(raw) as f:
        doc = json.load(f)
except ValueError as e:
    sys.exit("results JSON does not parse: %s" % e)
if not isinstance(doc, dict) or not isinstance(doc.get("context"), dict) \
   or not isinstance(doc.get("benchmarks"), list):
    sys.exit("results JSON lacks a context object or a benchmarks list")
if not doc["benchmarks"]:
    sys.exit("results JSON has no benchmarks")
for i, b in enumerate(doc["benchmarks"]):
    for k in ("name", "run_type", "real_time", "time_unit"):
        if not isinstance(b, dict) or k not in b:
            sys.exit("benchmarks[%d] lacks '%s'" % (i, k))
with open(cmdfile) as f:
    cmd = [l.strip() for l in f if l.strip() and not l.startswith("#")][-1]
ctx = doc["context"]
ctx["revbench_env"] = "kernel-tcg"
ctx["qemu_command"] = cmd
ctx["vm_kernel"] = kver
fd, tmp = tempfile.mkstemp(prefix=".vm-", suffix=".tmp", dir=os.path.dirname(out))
with os.fdopen(fd, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
os.chmod(tmp, 0o644)
os.rename(tmp, out)
print(len(doc["benchmarks"]))
EOF
	); then
		BENCH_ERR="bad results: $err (raw: $(rel "$run")/results-raw.json)"
		return 1
	fi
	cp "$out" "$run/results.json"
	# Raw revoke samples, if the module exported them.
	if grep -q '^revbench-vm: BEGIN samples' "$run/data.txt"; then
		awk '/^revbench-vm: END samples/ { on = 0 }
		     on && NF { print }
		     /^revbench-vm: BEGIN samples/ { on = 1 }' "$run/data.txt" >"$out.samples.csv.tmp" &&
			mv "$out.samples.csv.tmp" "$out.samples.csv" &&
			cp "$out.samples.csv" "$run/results.samples.csv"
	fi
	echo "    results: $(rel "$out") ($err benchmark entries, marked revbench_env=kernel-tcg)"
	echo "    !!! TCG timings are NOT representative of hardware: use them only to check the pipeline"
}

# finish_kernel KVER RUNDIR PASS FAIL SKIP [REASON...]: verdict line, the
# run's summary file and (check) the tally for scripts/check-summary.sh.
finish_kernel() {
	local kv=$1 run=$2 pass=$3 fail=$4 skip=$5 verdict=PASS extra=0 r
	shift 5
	if [ $# -gt 0 ]; then
		verdict=FAIL
		# a failure with no "not ok" behind it still counts once
		[ "$fail" -eq 0 ] && extra=1
	fi
	local line="[$MODE] $kv: $verdict: $pass passed, $fail failed, $skip skipped"
	if [ "$MODE" = bench ]; then
		# no test points: count kernels
		[ "$verdict" = PASS ] && pass=1 || pass=0
		line="[$MODE] $kv: $verdict"
	fi
	TOTAL_PASS=$((TOTAL_PASS + pass))
	TOTAL_FAIL=$((TOTAL_FAIL + fail + extra))
	TOTAL_SKIP=$((TOTAL_SKIP + skip))
	echo "$line"
	for r in "$@"; do echo "    !!! $r"; done
	{
		echo "$line"
		for r in "$@"; do echo "!!! $r"; done
		echo "passed=$pass failed=$((fail + extra)) skipped=$skip"
	} >"$run/summary"
	if [ "$MODE" = check ]; then
		echo "passed=$pass failed=$((fail + extra)) skipped=$skip" \
			>"$BUILD/check-results/vm-$kv"
	elif [ "$MODE" = torture ] && [ -n "${VM_TORTURE_TALLY:-}" ]; then
		echo "passed=$pass failed=$((fail + extra)) skipped=$skip" \
			>"$BUILD/check-results/vm-torture-$kv"
	fi
	[ "$verdict" = PASS ] || NFAILED_KERNELS=$((NFAILED_KERNELS + 1))
	SUMMARY+=("$line  ($(rel "$run"))")
}

for k in "${KERNELS[@]}"; do
	IFS='|' read -r kv img kdir <<<"$k"
	run_kernel "$kv" "$img" "$kdir"
done

echo "=== [$MODE] summary (qemu TCG: timings NOT representative of hardware)"
for s in "${SUMMARY[@]}"; do echo "  $s"; done
if [ "$MODE" = bench ]; then
	echo "bench: $TOTAL_PASS kernel(s) passed, $TOTAL_FAIL failed"
else
	echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
fi
[ "$NFAILED_KERNELS" -eq 0 ]
