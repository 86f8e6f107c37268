#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh GROUP - install the Debian packages revbench needs (idempotent).
#
#   user  compiler, liburcu, hwloc, Google Benchmark (+ compare.py), scipy,
#         jansson, gnuplot
#   vm    qemu (TCG), busybox-static, cpio, kmod, python3 (to check the
#         bench JSON), and three Debian kernels with their headers: 6.1
#         (bookworm), 6.12 and 6.12 PREEMPT_RT (the rt group; both from
#         bookworm-backports)
#   rt    the Debian 6.12 PREEMPT_RT kernel with its headers
#         (linux-image-6.12.*+deb12-rt-amd64, or its -unsigned variant, and
#         linux-headers-6.12.*+deb12-rt-amd64, bookworm-backports)
#   debug what scripts/debug-kernel.sh needs to build the debug kernels:
#         linux-source-6.1 and linux-source-6.12 (bookworm, -security or
#         bookworm-backports), the compiler and the kernel build tools
#   validate  linux-source-6.1 and linux-source-6.12 (make vm-validate:
#         refscale.ko and torture.ko are built from them), each at the
#         version of the installed headers of that series when the
#         archive still has it
#   all   user, vm (with rt) and debug
#
# Fast path: when everything is installed it prints nothing and exits 0.
# Otherwise, as root, it runs apt-get update (once) and apt-get install;
# not as root, it prints the exact commands to run and exits 1.
# Exit 2 on a bad argument.
#
# A kernel series counts as installed when some linux-image-<ver>-amd64 of
# that series (not -rt, not -cloud; for rt: <ver> ends in -rt-amd64), or
# its -unsigned variant, is installed together with the matching
# linux-headers-<ver> and /boot/vmlinuz-<ver>: a newer Debian ABI (e.g.
# 6.1.0-57) is not pulled in just because it exists.  To install, the
# versioned names are resolved from the linux-image-amd64 /
# linux-headers-amd64 metapackages of bookworm and of bookworm-backports,
# and linux-image-rt-amd64 / linux-headers-rt-amd64 of bookworm-backports.
set -euo pipefail

usage() {
	echo "usage: $0 user|vm|rt|debug|validate|all" >&2
	exit 2
}
[ $# -eq 1 ] || usage
case "$1" in
user|vm|rt|debug|validate|all) group=$1 ;;
*) usage ;;
esac

USER_PKGS="build-essential g++ pkg-config liburcu-dev libhwloc-dev hwloc
libbenchmark-dev libbenchmark-tools python3-scipy libjansson-dev zlib1g-dev
gnuplot-nox"
VM_PKGS="qemu-system-x86 busybox-static cpio kmod python3"
DEBUG_PKGS="linux-source-6.1 linux-source-6.12 build-essential flex bison bc
libelf-dev libssl-dev cpio xz-utils kmod"
BPO_FILE=/etc/apt/sources.list.d/bookworm-backports.sources

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# kernel_ok SERIES [rt]: an installed image+headers pair of that series
# (6.1, 6.12), generic or (rt) PREEMPT_RT
kernel_ok() {
	local series=$1 flavour=${2:-} pkg ver
	for pkg in $(dpkg-query -W -f='${Package}\n' 'linux-image-*-amd64' \
			'linux-image-*-amd64-unsigned' 2>/dev/null); do
		ver=${pkg#linux-image-}
		ver=${ver%-unsigned}
		case "$ver" in
		"$series".*-amd64) ;;
		*) continue ;;
		esac
		case "$flavour:$ver" in
		rt:*-rt-amd64) ;;
		rt:*|*:*-rt-amd64|*:*-cloud-amd64) continue ;;
		esac
		is_installed "$pkg" || continue
		is_installed "linux-headers-$ver" || continue
		[ -e "/boot/vmlinuz-$ver" ] || continue
		return 0
	done
	return 1
}

# resolve_kernel FLAVOUR [-t SUITE]: "linux-image-X linux-headers-X" for
# the current dependencies of the metapackages linux-{image,headers}-amd64
# (FLAVOUR "") or linux-{image,headers}-rt-amd64 (FLAVOUR rt) in the
# default (or given) suite.
resolve_kernel() {
	local meta=${1:+$1-}amd64 img hdr
	shift
	img=$(apt-cache depends "$@" "linux-image-$meta" 2>/dev/null |
	      sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' |
	      head -n1)
	hdr=$(apt-cache depends "$@" "linux-headers-$meta" 2>/dev/null |
	      sed -n 's/^ *|\{0,1\}Depends: \(linux-headers-[^ ]*-amd64\)$/\1/p' |
	      head -n1)
	[ -n "$img" ] && [ -n "$hdr" ] || return 1
	echo "$img $hdr"
}

bpo_configured() {
	grep -rqs --include='*.list' --include='*.sources' \
		'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

# ---- what is missing -------------------------------------------------------
missing=()
need_61=0
need_612=0
need_rt=0
want_user=0
want_vm=0
want_rt=0
want_debug=0
want_validate=0
case "$group" in
user) want_user=1 ;;
vm) want_vm=1; want_rt=1 ;;
rt) want_rt=1 ;;
debug) want_debug=1 ;;
validate) want_validate=1 ;;
all) want_user=1; want_vm=1; want_rt=1; want_debug=1 ;;
esac

if [ $want_user = 1 ]; then
	for p in $USER_PKGS; do is_installed "$p" || missing+=("$p"); done
fi
if [ $want_vm = 1 ]; then
	for p in $VM_PKGS; do is_installed "$p" || missing+=("$p"); done
	kernel_ok 6.1 || need_61=1
	kernel_ok 6.12 || need_612=1
fi
if [ $want_rt = 1 ]; then
	kernel_ok 6.12 rt || need_rt=1
fi
if [ $want_debug = 1 ]; then
	for p in $DEBUG_PKGS; do
		is_installed "$p" && continue
		case " ${missing[*]} " in *" $p "*) ;; *) missing+=("$p") ;; esac
	done
fi
# validate: linux-source-SERIES, pinned to the version of that series'
# installed headers package when apt knows that version.
if [ $want_validate = 1 ]; then
	for series in 6.1 6.12; do
		is_installed "linux-source-$series" && continue
		hv=$(dpkg-query -W -f='${Version}\n' "linux-headers-$series.*-amd64" \
			2>/dev/null | sort -V | tail -n1)
		if [ -n "$hv" ] && apt-cache madison "linux-source-$series" 2>/dev/null |
		   awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | grep -qxF "$hv"; then
			missing+=("linux-source-$series=$hv")
		else
			missing+=("linux-source-$series")
		fi
	done
fi

# the 6.12 kernels to take from bookworm-backports: "" generic, rt
bpo_flavours=()
[ $need_612 = 0 ] || bpo_flavours+=("")
[ $need_rt = 0 ] || bpo_flavours+=(rt)
need_bpo=${#bpo_flavours[@]}
if [ ${#missing[@]} -eq 0 ] && [ $need_61 = 0 ] && [ "$need_bpo" = 0 ]; then
	exit 0
fi

if [ $((need_61 + need_bpo)) -gt 0 ]; then
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	if [ "$codename" != bookworm ]; then
		echo "deps.sh: the VM kernels (6.1 from bookworm, 6.12 and 6.12-rt" \
		     "from bookworm-backports) are only resolved on Debian bookworm;" \
		     "this system is '${codename:-unknown}'." >&2
		echo "deps.sh: install a kernel image + headers yourself and run" \
		     "'make vm-check KERNEL=/boot/vmlinuz-VER KDIR=/usr/src/linux-headers-VER'." >&2
		exit 1
	fi
fi

# bpo_kernel FLAVOUR: the image and headers to install from
# bookworm-backports for the 6.12 kernel of FLAVOUR ("" or rt), or nothing.
bpo_kernel() {
	local k
	k=$(resolve_kernel "$1" -t bookworm-backports) || return 1
	case "$k" in
	linux-image-6.12.*) echo "$k" ;;
	*) return 1 ;;
	esac
}

# ---- not root: print the commands ------------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages for '$group'; run as root:" >&2
	if [ "$need_bpo" -gt 0 ] && ! bpo_configured; then
		cat >&2 <<EOF
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | sudo tee $BPO_FILE
EOF
	fi
	echo "  sudo apt-get update" >&2
	main_pkgs=("${missing[@]}")
	if [ $need_61 = 1 ]; then
		k=$(resolve_kernel "") || k=
		case "$k" in
		linux-image-6.1.*) read -ra kp <<<"$k"; main_pkgs+=("${kp[@]}") ;;
		*) main_pkgs+=(linux-image-amd64/bookworm linux-headers-amd64/bookworm) ;;
		esac
	fi
	if [ ${#main_pkgs[@]} -gt 0 ]; then
		echo "  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y" \
		     "--no-install-recommends ${main_pkgs[*]}" >&2
	fi
	if [ "$need_bpo" -gt 0 ]; then
		bpo_pkgs=()
		# (apt may not know bookworm-backports before the update: then
		# the metapackages, which pull the newest)
		for fl in "${bpo_flavours[@]}"; do
			k=$(bpo_kernel "$fl") ||
				k="linux-image-${fl:+$fl-}amd64 linux-headers-${fl:+$fl-}amd64"
			read -ra kp <<<"$k"
			bpo_pkgs+=("${kp[@]}")
		done
		echo "  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y" \
		     "--no-install-recommends -t bookworm-backports ${bpo_pkgs[*]}" >&2
	fi
	exit 1
fi

# ---- root: install -----------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
APT_INSTALL=(apt-get install -y --no-install-recommends)

if [ "$need_bpo" -gt 0 ] && ! bpo_configured; then
	echo "deps.sh: adding $BPO_FILE" >&2
	tmp=$(mktemp "$BPO_FILE.XXXXXX")
	cat >"$tmp" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	chmod 644 "$tmp"
	mv -f "$tmp" "$BPO_FILE"
fi

# apt-get update can fail because of an unrelated third-party source; go on
# if so: a real problem with the Debian suites shows up as a resolve or
# install error below, with apt's own message.
echo "deps.sh: apt-get update" >&2
if ! apt-get update -q >&2; then
	echo "deps.sh: WARNING: apt-get update reported errors (see above);" \
	     "continuing with the Debian suites that did update" >&2
fi

main_pkgs=("${missing[@]}")
if [ $need_61 = 1 ]; then
	if ! k=$(resolve_kernel ""); then
		echo "deps.sh: cannot resolve linux-image-amd64/linux-headers-amd64" \
		     "from bookworm (did apt-get update fail for deb.debian.org?)" >&2
		exit 1
	fi
	case "$k" in
	linux-image-6.1.*) ;;
	*)
		echo "deps.sh: bookworm resolves to '$k', not a 6.1 kernel;" \
		     "install a 6.1 image + headers by hand" >&2
		exit 1 ;;
	esac
	read -ra kp <<<"$k"
	main_pkgs+=("${kp[@]}")
fi
if [ ${#main_pkgs[@]} -gt 0 ]; then
	echo "deps.sh: ${APT_INSTALL[*]} ${main_pkgs[*]}" >&2
	"${APT_INSTALL[@]}" "${main_pkgs[@]}" >&2
fi
if [ "$need_bpo" -gt 0 ]; then
	bpo_pkgs=()
	for fl in "${bpo_flavours[@]}"; do
		if ! k=$(bpo_kernel "$fl"); then
			echo "deps.sh: linux-image-${fl:+$fl-}amd64/linux-headers-${fl:+$fl-}amd64" \
			     "of bookworm-backports do not resolve to a 6.12 kernel" \
			     "(did apt-get update fail for it?): install a 6.12${fl:+ $fl}" \
			     "image + headers by hand" >&2
			exit 1
		fi
		read -ra kp <<<"$k"
		bpo_pkgs+=("${kp[@]}")
	done
	echo "deps.sh: ${APT_INSTALL[*]} -t bookworm-backports ${bpo_pkgs[*]}" >&2
	"${APT_INSTALL[@]}" -t bookworm-backports "${bpo_pkgs[@]}" >&2
fi

# Verify: the fast-path test must now succeed.
fail=0
for p in "${missing[@]}"; do
	is_installed "${p%%=*}" || { echo "deps.sh: $p still not installed" >&2; fail=1; }
done
if [ $need_61 = 1 ] && ! kernel_ok 6.1; then
	echo "deps.sh: no 6.1 image+headers pair with /boot/vmlinuz after install" >&2
	fail=1
fi
if [ $need_612 = 1 ] && ! kernel_ok 6.12; then
	echo "deps.sh: no 6.12 image+headers pair with /boot/vmlinuz after install" >&2
	fail=1
fi
if [ $need_rt = 1 ] && ! kernel_ok 6.12 rt; then
	echo "deps.sh: no 6.12 -rt-amd64 image+headers pair with /boot/vmlinuz after install" >&2
	fail=1
fi
exit $fail
