# SPDX-License-Identifier: GPL-2.0
#
# vm-kernels.sh - sourced by scripts/vm.sh and scripts/vm-validate.sh: the
# static busybox for the initramfs, the Debian kernels to boot, the commit,
# and what both do alike around a boot: the guest's /init around its body,
# its initramfs, the console log cleaned, the kernel-report pattern, the
# one retry of a TCG flake, paths and command lines for messages.
# The caller defines PROG, die_usage and init_body, and sets ROOT, BUILD
# and KVERS (--kernel-version).

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

# write_init FILE: the guest's /init: the pseudo file systems, every
# kernel message through to the console (the kernels boot "quiet"), then
# the caller's init_body (what this VM run does), then the whole kernel
# log to ttyS1 (including what "quiet" kept off the console) and power off.
write_init() {
	{
		cat <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
echo 8 >/proc/sys/kernel/printk
EOF
		init_body
		cat <<'EOF'
dmesg >/dev/ttyS1 2>/dev/null
echo "revbench-vm: poweroff"
poweroff -f
EOF
	} >"$1"
	chmod 755 "$1"
}

# initramfs_tree APPLET...: a new folder under $BUILD/vm, its path on
# stdout: the guest's tree, the static busybox linked as the applets every
# /init uses and as these.
initramfs_tree() {
	local d a
	d=$(mktemp -d "$BUILD/vm/initramfs.XXXXXX") || return 1
	mkdir -p "$d"/{bin,dev,proc,sys,tmp}
	cp "$BUSYBOX" "$d/bin/busybox"
	for a in sh mount insmod rmmod dmesg cat grep sleep echo poweroff \
		 uname sed tr "$@"; do
		ln -s busybox "$d/bin/$a"
	done
	echo "$d"
}

# initramfs_pack DIR OUT: DIR as a gzipped newc cpio in OUT (sorted and
# owned by root, so the same tree packs the same), then DIR removed.
initramfs_pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$2"
	rm -rf "$1"
}

# clean_log IN: console text without CRs, terminal escapes, printk times.
clean_log() {
	sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' \
	    -e 's/^\[ *[0-9]*\.[0-9]*\] //' "$1"
}

# Lines that mean the kernel is unhappy, wherever they come from: every
# boot of vm.sh and vm-validate.sh is judged by them, and so is what
# tcg-flake.sh lets pass.
BAD_RE='(^|[^a-z_])(BUG:|WARNING:|Oops|Call Trace:|Kernel panic|kernel BUG at|general protection fault|UBSAN:|KASAN:|KCSAN:|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|detected stalls?|self-detected stall|blocked for more than|soft lockup|hard LOCKUP|list_add corruption|list_del corruption|refcount_t:|------------\[ cut here \])'

# How every guest runs: multi-threaded TCG (no KVM here) on qemu's default
# CPU model, qemu64, less CX16.  Debian's qemu 7.2 corrupts the flags of a
# vCPU after the kernel's cmpxchg16b (SLUB's per-CPU freelist fast path)
# now and then: the next exception pushes an EFLAGS with bits no CPU has
# (VM, reserved), and the guest dies of a double fault (12-06, AMD EPYC
# host: 3 of 4 torture boots of the 6.12 kernel, whose CPU hotplug makes
# many kmallocs; the 8c3a6d4 module too, so not this tree's doing).
# Without CX16 the kernel takes its irq-disabled emulation of that
# compare-and-exchange instead; the module uses no 16-byte atomic.
# tcg-flake.sh still recognises the signature, should it come back.
TCG_ARGS=(-accel "tcg,thread=multi" -cpu "qemu64,-cx16")

# tcg_flake RC LOG: whether a boot that qemu ended with RC (124/137: the
# watchdog) died of a fault of multi-threaded TCG and not of the module's
# doing (scripts/tcg-flake.sh on its cleaned console LOG: a stale int3, or
# flags no CPU can hold); if so, prints why, for retry_boot.
tcg_flake() {
	local st
	[ "$1" -ne 124 ] && [ "$1" -ne 137 ] &&
		st=$("$ROOT/scripts/tcg-flake.sh" "$2") &&
		echo "died of a TCG flake, not of the module: $st"
}

# retry_boot RUN KV WHY: before the one retry of a boot that was not the
# module's doing: say so loudly, keep its console as console-boot1.log and
# note why in RUN/notes.
retry_boot() {
	echo "    !!! $2 $3 (log kept as $(rel "$1")/console-boot1.log); retrying once"
	mv "$1/console.log" "$1/console-boot1.log"
	echo "boot 1 $3 (console-boot1.log); retried" >>"$1/notes"
	rm -f "$1/dmesg.log"
}

rel() {	# a path relative to the source tree, for messages
	case "$1" in "$ROOT"/*) echo "${1#"$ROOT"/}" ;; *) echo "$1" ;; esac
}

shell_quote() {	# one line a POSIX shell reads back as these words
	local a out=
	for a in "$@"; do
		if [[ "$a" =~ ^[A-Za-z0-9_,.:/=+@%-]+$ ]]; then
			out+="$a "
		else
			out+="'${a//\'/\'\\\'\'}' "
		fi
	done
	echo "${out% }"
}
