# SPDX-License-Identifier: GPL-2.0
#
# vm-kernels.sh - sourced by scripts/vm.sh and scripts/vm-validate.sh: the
# static busybox for the initramfs, the Debian kernels to boot, the commit.  The
# caller defines PROG and die_usage, and sets KVERS (--kernel-version).

# BUSYBOX=the static busybox, or exit 1 naming the package.
find_busybox() {
	local b
	BUSYBOX=
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then BUSYBOX=$b; break; fi
	done
	[ -n "$BUSYBOX" ] || {
		echo "$PROG: no static busybox: run 'make deps-vm' (package busybox-static)" >&2
		exit 1
	}
}

kdir_for() {	# kdir_for VER: the Debian headers of VER, if installed
	local d
	for d in "/usr/src/linux-headers-$1" "/lib/modules/$1/build"; do
		[ -f "$d/Makefile" ] && { (cd "$d" && pwd -P); return 0; }
	done
	return 1
}

# The Debian kernels every VM target runs by default: SERIES or
# SERIES-rt (PREEMPT_RT), installed by scripts/deps.sh vm.
VM_KERNEL_SERIES="6.1 6.12 6.12-rt"

# Append "version|image|kdir" to KERNELS for each of KVERS, or by default
# for the newest installed -amd64 kernel with headers of each of
# VM_KERNEL_SERIES (X.Y: not -rt, not -cloud; X.Y-rt: -rt-amd64).
debian_kernels() {
	local v d series best img pat
	if [ ${#KVERS[@]} -gt 0 ]; then
		for v in "${KVERS[@]}"; do
			[ -f "/boot/vmlinuz-$v" ] || die_usage "no /boot/vmlinuz-$v"
			d=$(kdir_for "$v") || die_usage "no headers for $v (/usr/src/linux-headers-$v)"
			KERNELS+=("$v|/boot/vmlinuz-$v|$d")
		done
		return 0
	fi
	for series in $VM_KERNEL_SERIES; do
		best=
		case "$series" in
		*-rt) pat="${series%-rt}.*-rt-amd64" ;;
		*) pat="$series.*-amd64" ;;
		esac
		for img in /boot/vmlinuz-$pat; do
			[ -f "$img" ] || continue
			v=${img#/boot/vmlinuz-}
			case "$series:$v" in
			*-rt:*) ;;
			*:*-rt-amd64|*:*-cloud-amd64) continue ;;
			esac
			kdir_for "$v" >/dev/null || continue
			best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
		done
		if [ -z "$best" ]; then
			echo "$PROG: !!! no Debian $series amd64 kernel with headers installed" \
			     "(want /boot/vmlinuz-$pat and /usr/src/linux-headers-*):" \
			     "run 'make deps-vm'" >&2
			exit 1
		fi
		KERNELS+=("$best|/boot/vmlinuz-$best|$(kdir_for "$best")")
	done
}

# The commit of the tree at ROOT, "-dirty" when tracked files changed.
vm_git_commit() {
	local g
	g=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
	if [ "$g" != unknown ] &&
	   [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		g=$g-dirty
	fi
	echo "$g"
}
