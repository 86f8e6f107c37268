#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build (or reuse) the revbench debug kernels from
# Debian's linux-source-6.1 and linux-source-6.12 packages, in the manner of
# rcutorture's kvm.sh: "make tinyconfig", then the fragments kept in
# kernels/ (debug-base.config + <flavour>.config), "make olddefconfig", a
# check that every fragment line took, "make -j2".
#
#   debug-kernel.sh [VERSION|all] [FLAVOUR|all]    build or reuse
#   debug-kernel.sh --print VERSION FLAVOUR        print "KERNEL=... KDIR=..."
#                                                  of a cached kernel (exit 1
#                                                  if it is not built)
#
#   VERSION  6.1 | 6.12 | all (default all)
#   FLAVOUR  kasan: generic inline KASAN, PROVE_LOCKING, PROVE_RCU,
#                   DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS_RCU_HEAD, SLUB_DEBUG,
#                   DEBUG_PREEMPT, RCU_STRICT_GRACE_PERIOD (NR_CPUS=4)
#            kcsan: KCSAN, PROVE_LOCKING
#            all (default)
#            (both: PREEMPT, SMP, the serial console, initramfs, modules)
#
# Cache: $REVBENCH_CACHE (default ~/.cache/revbench)/kernels/, one entry
# per kernel, named <series>-<flavour>-<package version>-<key>, where the
# key hashes the package version, both fragments, the gcc version and the
# recipe version below.  An entry holds bzImage, config (the exact
# .config), build.log, tree/ (the build tree after "make clean": what an
# external module build needs; KDIR=) and stamp, written last.  It is built
# in a temporary directory next to it and renamed into place, so an
# interrupted build never leaves a half-built entry; an entry missing its
# bzImage, Module.symvers, utsrelease.h or stamp is reported as corrupt and
# rebuilt.  <series>-<flavour> is a symlink to the current entry.
#
# Exit: 0 every requested kernel is ready; 1 a build failed ("FAIL" with the
# log path); 2 bad usage, or a linux-source package that is missing and
# cannot be installed.
#
# Environment: REVBENCH_CACHE, REVBENCH_SRC_DIR (where the
# linux-source-*.tar.xz are, default /usr/src), REVBENCH_NO_INSTALL=1 (do
# not run scripts/deps.sh debug), JOBS (default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROG=debug-kernel.sh
RECIPE=1	# bump when the build steps change what a cache entry holds
CACHE=${REVBENCH_CACHE:-$HOME/.cache/revbench}/kernels
SRC_DIR=${REVBENCH_SRC_DIR:-/usr/src}
JOBS=${JOBS:-2}
SERIES_ALL="6.1 6.12"
FLAVOURS_ALL="kasan kcsan"

usage() {
	echo "$PROG: $*" >&2
	echo "usage: $PROG [6.1|6.12|all] [kasan|kcsan|all]" >&2
	echo "       $PROG --print 6.1|6.12 kasan|kcsan" >&2
	exit 2
}

PRINT=0
if [ "${1:-}" = --print ]; then
	PRINT=1
	shift
	[ $# -eq 2 ] || usage "--print needs a VERSION and a FLAVOUR"
fi
[ $# -le 2 ] || usage "too many arguments"
case "${1:-all}" in
all) series_list=$SERIES_ALL ;;
6.1|6.12) series_list=$1 ;;
-h|--help) sed -n '3,40p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) usage "unknown kernel version '$1' (want 6.1, 6.12 or all)" ;;
esac
case "${2:-all}" in
all) flavour_list=$FLAVOURS_ALL ;;
kasan|kcsan) flavour_list=$2 ;;
*) usage "unknown flavour '$2' (want kasan, kcsan or all)" ;;
esac
[ $PRINT = 0 ] || { [ "$1" != all ] && [ "$2" != all ]; } ||
	usage "--print needs one VERSION and one FLAVOUR, not 'all'"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || usage "JOBS='$JOBS' is not a positive integer"

BASE_FRAG=$ROOT/kernels/debug-base.config
for f in "$BASE_FRAG" $(for fl in $flavour_list; do echo "$ROOT/kernels/$fl.config"; done); do
	[ -f "$f" ] || { echo "$PROG: missing fragment $f" >&2; exit 2; }
done

pkg_version() {	# the installed version of a package, or nothing
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^ii  *//p'
}

# source_for SERIES: sets SRC_TAR and SRC_VER, installing the package if
# needed (scripts/deps.sh debug); exit 2 if it cannot be had.
source_for() {
	local s=$1 pkg=linux-source-$1
	SRC_TAR=$SRC_DIR/linux-source-$s.tar.xz
	SRC_VER=$(pkg_version "$pkg")
	if [ ! -f "$SRC_TAR" ] && [ "${REVBENCH_NO_INSTALL:-}" != 1 ]; then
		echo "$PROG: $SRC_TAR missing: installing $pkg (scripts/deps.sh debug)" >&2
		"$ROOT/scripts/deps.sh" debug >&2 || true
		SRC_VER=$(pkg_version "$pkg")
	fi
	if [ ! -f "$SRC_TAR" ]; then
		echo "$PROG: the Debian package $pkg is not installed and could not be" \
		     "installed (no $SRC_TAR): as root run 'scripts/deps.sh debug' or" \
		     "'apt-get install $pkg' (6.12: bookworm-security or bookworm-backports)" >&2
		exit 2
	fi
	[ -n "$SRC_VER" ] || SRC_VER=unpackaged-$(stat -c %Y "$SRC_TAR")
}

gcc_version() { ${CC:-gcc} --version 2>/dev/null | head -n1; }

# entry_problem DIR: why DIR is not a usable cache entry (empty if it is).
entry_problem() {
	local d=$1 f
	for f in bzImage config stamp tree/Makefile tree/Module.symvers \
		 tree/include/generated/utsrelease.h tree/scripts/mod/modpost; do
		[ -e "$d/$f" ] || { echo "missing $f"; return; }
	done
	[ -s "$d/bzImage" ] || echo "empty bzImage"
}

kmake() {	# make in a tree, free of a calling make's jobserver and flags
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u KDIR -u KERNEL -u BUILD \
		KBUILD_BUILD_USER=revbench KBUILD_BUILD_HOST=revbench \
		make "$@"
}

# check_fragment CONFIG FRAGMENT...: every line of the fragments is in the
# final config; prints the ones that are not and fails.  A symbol set again
# by a later fragment (the flavour's NR_CPUS=4 over the base's 8) is
# checked for its last value, the one the kernel's config reader keeps.
check_fragment() {
	local cfg=$1 bad=0 line sym want have
	local -A last=()
	local order=()
	shift
	while IFS= read -r line; do
		if [[ "$line" =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
		elif [[ "$line" =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]} want=n
		else
			continue
		fi
		[ -n "${last[$sym]+set}" ] || order+=("$sym")
		last[$sym]=$want
	done < <(cat "$@")
	for sym in "${order[@]}"; do
		want=${last[$sym]}
		have=$(sed -n "s/^$sym=//p" "$cfg")
		[ -n "$have" ] || have=n
		if [ "$have" != "$want" ] &&
		   ! grep -rqs --include='Kconfig*' -E "^(menu)?config ${sym#CONFIG_}\$" .; then
			# e.g. CONFIG_SRCU: unconditional (no option) from 6.2 on
			echo "    ~ $sym: not an option of this kernel (no Kconfig entry): skipped"
		elif [ "$have" != "$want" ]; then
			echo "    !!! $sym: fragment wants '$want', olddefconfig gave '$have'"
			bad=1
		fi
	done
	return $bad
}

# build_one SERIES FLAVOUR: reuse or build; prints the result line.
NFAIL=0
build_one() {
	local s=$1 fl=$2 frag=$ROOT/kernels/$2.config
	source_for "$s"
	local key name entry link
	key=$( { echo "recipe $RECIPE"; echo "source linux-source-$s $SRC_VER"
		 echo "gcc $(gcc_version)"; sha256sum <"$BASE_FRAG"
		 sha256sum <"$frag"; } | sha256sum | cut -c1-12)
	name=$s-$fl-$(echo "$SRC_VER" | tr -c 'A-Za-z0-9.+~\n-' '_')-$key
	entry=$CACHE/$name
	link=$CACHE/$s-$fl

	if [ $PRINT = 1 ]; then
		if [ -d "$entry" ] && [ -z "$(entry_problem "$entry")" ]; then
			echo "KERNEL=$entry/bzImage KDIR=$entry/tree"
			return 0
		fi
		echo "$PROG: $s-$fl is not built (want $entry): run '$PROG $s $fl'" >&2
		exit 1
	fi

	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock-$s-$fl"
	flock 9	# one build of an entry at a time
	if [ -d "$entry" ]; then
		local why
		why=$(entry_problem "$entry")
		if [ -z "$why" ]; then
			ln -sfn "$name" "$link.tmp.$$" && mv -Tf "$link.tmp.$$" "$link"
			echo "debug-kernel: $s-$fl: cached: $entry"
			echo "    KERNEL=$entry/bzImage KDIR=$entry/tree"
			exec 9>&-
			return 0
		fi
		echo "debug-kernel: !!! $s-$fl: corrupt cache entry $entry ($why): rebuilding"
		rm -rf "$entry"
	fi

	local tmp log t0=$SECONDS
	tmp=$(mktemp -d "$CACHE/.tmp-$name.XXXXXX")
	log=$tmp/build.log
	echo "debug-kernel: $s-$fl: building linux-source-$s $SRC_VER ($(gcc_version)) in $tmp (log: build.log there)"
	# (not in an "if": set -e would be off inside the subshell)
	local rc=0
	set +e
	( set -e
		cd "$tmp"
		echo "== $PROG: linux-source-$s $SRC_VER, flavour $fl, key $key"
		echo "== gcc: $(gcc_version)"
		mkdir tree
		tar -xf "$SRC_TAR" -C tree --strip-components=1
		cd tree
		echo "== make tinyconfig"
		kmake tinyconfig
		{ echo; cat "$BASE_FRAG" "$frag"
		  echo "CONFIG_LOCALVERSION=\"-revbench-$fl\""; } >>.config
		echo "== make olddefconfig"
		kmake olddefconfig
		echo "== checking the fragments against .config"
		check_fragment .config "$BASE_FRAG" "$frag" \
			<(echo "CONFIG_LOCALVERSION=\"-revbench-$fl\"")
		cp .config ../config
		echo "== make -j$JOBS"
		kmake -j"$JOBS"
		cp arch/x86/boot/bzImage ../bzImage
		cp Module.symvers ../Module.symvers
		# Keep what an external module build needs (make clean keeps
		# the config, generated headers and host tools), not the objects.
		echo "== make clean; make modules_prepare"
		kmake clean
		[ -f Module.symvers ] || cp ../Module.symvers Module.symvers
		kmake -j"$JOBS" modules_prepare
		rm -f ../Module.symvers
	) >"$log" 2>&1
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		mkdir -p "$CACHE/logs"
		local keep=$CACHE/logs/$name-failed-$(date -u +%Y%m%dT%H%M%SZ).log
		cp "$log" "$keep"
		grep -F '!!!' "$log" | head -n 20 || true
		tail -n 15 "$log" | sed 's/^/    | /'
		echo "debug-kernel: FAIL: $s-$fl: build failed after $((SECONDS - t0))s (log: $keep)"
		rm -rf "$tmp"
		NFAIL=$((NFAIL + 1))
		exec 9>&-
		return 0
	fi
	mv -T "$tmp" "$entry"
	# An external module builds against the tree where it now lies.
	set +e
	( set -e
		m=$(mktemp -d "$CACHE/.modtest.XXXXXX")
		trap 'rm -rf "$m"' EXIT
		cat >"$m/rbtest.c" <<'EOF'
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/percpu-refcount.h>
#include <linux/platform_device.h>
#include <linux/srcu.h>
DEFINE_STATIC_SRCU(rbtest_srcu);
static void rbtest_release(struct percpu_ref *r) { }
static int __init rbtest_init(void)
{
	struct percpu_ref r;
	int idx = srcu_read_lock(&rbtest_srcu);

	srcu_read_unlock(&rbtest_srcu, idx);
	synchronize_srcu(&rbtest_srcu);
	if (percpu_ref_init(&r, rbtest_release, 0, GFP_KERNEL))
		return -ENOMEM;
	percpu_ref_exit(&r);
	debugfs_remove(debugfs_create_dir("rbtest", NULL));
	return PTR_ERR_OR_ZERO(platform_device_register_simple("rbtest", -1, NULL, 0)) ?:
	       (kthread_should_stop() ? 1 : 0);
}
module_init(rbtest_init);
MODULE_LICENSE("GPL");
EOF
		echo 'obj-m := rbtest.o' >"$m/Kbuild"
		echo "== module test build against $entry/tree"
		kmake -C "$entry/tree" M="$m" modules
		[ -f "$m/rbtest.ko" ]
	) >>"$entry/build.log" 2>&1
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		tail -n 15 "$entry/build.log" | sed 's/^/    | /'
		echo "debug-kernel: FAIL: $s-$fl: a test module does not build against $entry/tree (log: $entry/build.log)"
		NFAIL=$((NFAIL + 1))
		exec 9>&-
		return 0
	fi
	{ echo "linux-source-$s $SRC_VER"; echo "flavour $fl"; echo "gcc $(gcc_version)"
	  echo "recipe $RECIPE key $key"; echo "built $(date -u +%FT%TZ) in $((SECONDS - t0))s"
	} >"$entry/stamp"
	ln -sfn "$name" "$link.tmp.$$" && mv -Tf "$link.tmp.$$" "$link"
	echo "debug-kernel: $s-$fl: built in $((SECONDS - t0))s: $entry"
	echo "    KERNEL=$entry/bzImage KDIR=$entry/tree (release $(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$entry/tree/include/generated/utsrelease.h"))"
	exec 9>&-
}

[ $PRINT = 1 ] || echo "debug-kernel: cache $CACHE"
for s in $series_list; do
	for fl in $flavour_list; do
		build_one "$s" "$fl"
	done
done
[ $PRINT = 1 ] || [ $NFAIL -eq 0 ] || {
	echo "debug-kernel: $NFAIL kernel(s) failed to build" >&2; exit 1; }
