#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug_kernel_cli.sh - the bad-input paths of scripts/debug-kernel.sh,
# without building a kernel: unknown version or flavour (exit 2), a
# missing linux-source package that cannot be installed (exit 2, named),
# --print of a kernel that is not built or whose cache entry is corrupt
# (exit 1); and its check of the config fragments against a .config.
# Writes "passed=N failed=N skipped=N" to $BUILD/check-results/debug-kernel-cli.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DK=$ROOT/scripts/debug-kernel.sh
results=${BUILD:-build}/check-results
mkdir -p "$results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

expect() {	# expect NAME RC REGEX CMD...: exit status and a message
	local name=$1 want=$2 re=$3 rc=0 out
	shift 3
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq -- "$re" <<<"$out"; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name (rc=$rc, want $want and /$re/):"
		sed 's/^/    /' <<<"$out"
		fail=$((fail + 1))
	fi
}

export REVBENCH_CACHE=$tmp/cache
expect "unknown version" 2 "unknown kernel version '6.2'" "$DK" 6.2 kasan
expect "unknown flavour" 2 "unknown flavour 'kmsan'" "$DK" 6.1 kmsan
expect "too many arguments" 2 "too many arguments" "$DK" 6.1 kasan extra
expect "--print needs one kernel" 2 "not 'all'" "$DK" --print all kasan
expect "missing linux-source, not installable" 2 "linux-source-6.12 is not installed" \
	env REVBENCH_SRC_DIR="$tmp/nosrc" REVBENCH_NO_INSTALL=1 "$DK" 6.12 kcsan
mkdir -p "$tmp/src"
: >"$tmp/src/linux-source-6.1.tar.xz"
expect "--print: not built" 1 "is not built" \
	env REVBENCH_SRC_DIR="$tmp/src" "$DK" --print 6.1 kasan
# A corrupt entry (no bzImage) is not handed out.
name=$(env REVBENCH_SRC_DIR="$tmp/src" "$DK" --print 6.1 kasan 2>&1 |
	sed -n 's|.*(want .*/\([^/]*\)).*|\1|p')
if [ -n "$name" ]; then
	mkdir -p "$REVBENCH_CACHE/kernels/$name/tree"
	touch "$REVBENCH_CACHE/kernels/$name/stamp" "$REVBENCH_CACHE/kernels/$name/config"
	expect "--print: corrupt entry (no bzImage)" 1 "is not built" \
		env REVBENCH_SRC_DIR="$tmp/src" "$DK" --print 6.1 kasan
else
	echo "not ok - --print did not name the entry it wants"
	fail=$((fail + 1))
fi

# check_fragment (the script's function, run on its own): a symbol a later
# fragment sets again is checked for its last value; a line olddefconfig
# dropped fails, naming the symbol.
cf=$tmp/check_fragment.sh
sed -n '/^check_fragment() {/,/^}/p' "$DK" >"$cf"
[ -s "$cf" ] || { echo "not ok - no check_fragment() in $DK"; fail=$((fail + 1)); }
mkdir -p "$tmp/kc"
printf 'config NR_CPUS\nconfig RCU_STRICT_GRACE_PERIOD\n' >"$tmp/kc/Kconfig"
printf 'CONFIG_NR_CPUS=8\nCONFIG_SMP=y\n' >"$tmp/base.frag"
printf 'CONFIG_NR_CPUS=4\nCONFIG_RCU_STRICT_GRACE_PERIOD=y\n' >"$tmp/flav.frag"
printf 'CONFIG_SMP=y\nCONFIG_NR_CPUS=4\nCONFIG_RCU_STRICT_GRACE_PERIOD=y\n' >"$tmp/ok.config"
printf 'CONFIG_SMP=y\nCONFIG_NR_CPUS=8\n' >"$tmp/bad.config"
# shellcheck source=/dev/null
cfrun() { (cd "$tmp/kc" && . "$cf" && check_fragment "$@"); }
expect "check_fragment: a flavour overrides the base" 0 "^$" \
	cfrun "$tmp/ok.config" "$tmp/base.frag" "$tmp/flav.frag"
expect "check_fragment: an overridden value that did not take is named" 1 \
	"CONFIG_NR_CPUS: fragment wants '4', olddefconfig gave '8'" \
	cfrun "$tmp/bad.config" "$tmp/base.frag" "$tmp/flav.frag"
expect "check_fragment: a dropped option is named" 1 \
	"CONFIG_RCU_STRICT_GRACE_PERIOD: fragment wants 'y', olddefconfig gave 'n'" \
	cfrun "$tmp/bad.config" "$tmp/base.frag" "$tmp/flav.frag"
echo "passed=$pass failed=$fail skipped=0" >"$results/debug-kernel-cli"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
