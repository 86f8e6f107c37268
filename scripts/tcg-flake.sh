#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcg-flake.sh LOG - whether a guest's console log shows a fault of qemu's
# multi-threaded TCG, not the module's doing, as its only kernel report.
# Used by scripts/vm.sh and scripts/vm-validate.sh to retry such a boot
# once, loudly.  Two signatures, each of something no real CPU does:
#
# - A stale int3.  The kernel patches its own text live (jump labels,
#   static calls: e.g. when "random: crng init done" enables
#   crng_is_ready): text_poke_bp() writes an int3 over the site, syncs
#   every CPU, writes the new bytes and removes the int3, and its int3
#   handler steps any CPU that traps in between.  A vCPU can still run a
#   translation of the site taken while the int3 was there, after the
#   patch is over: the handler no longer knows the site, and the kernel
#   dies with "Oops: int3" at an address whose bytes hold no int3 (seen on
#   the 6.12-rt kernel, 12-06: RIP get_random_u16+0x27, "Code: ... 0f <1f>
#   44 00 00", a five-byte nop, just after crng init, the module
#   unloaded).  The test: the "Code:" line shows that the byte before the
#   trapping address (the <xx> byte; int3 reports the address after
#   itself) is not 0xcc.
# - Impossible flags.  An Oops whose register dump has an EFLAGS that no
#   x86-64 CPU can hold: a reserved bit set (bits 3, 5, 15, 22 and up),
#   bit 1 clear, or VM (bit 17), which long mode does not have.  The CPU
#   pushes the flags of every exception frame itself, so such a value is
#   the emulator's.  Seen on 6.12, 12-06, in CI's torture: "Oops: double
#   fault" on CPU 0 at __kmalloc_noprof+0x123, just after its cmpxchg16b,
#   with EFLAGS 1ff74242 (VM, AC and reserved bits set; the low bits those
#   of a cmpxchg16b that succeeded, the high ones those of RAX), while CPU
#   hotplug took CPU 1 down; the same seed passed on the next boot and
#   failed on the one after.  The guests now run without CX16 (TCG_ARGS,
#   scripts/vm-kernels.sh), so the kernel does not use that instruction.
#
# Every "Oops:" of the log must show one of the two, and no line may match
# the boots' kernel-report pattern (BAD_RE, scripts/vm-kernels.sh: BUG:,
# WARNING:, KASAN:, KCSAN:, lockdep, RCU stalls, ...) but those Oopses and
# what follows them (Call Trace:, Kernel panic).  A real int3 in the code,
# flags a CPU can hold, or any other report is not a TCG flake and is never
# retried.  Prints one line saying what it found; exit 0 if it is a TCG
# flake, 1 if not, 2 on bad usage.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: tcg-flake.sh LOG" >&2; exit 2; }
[ -f "$1" ] && [ -r "$1" ] ||
	{ echo "tcg-flake.sh: cannot read '$1' (not a readable file)" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/vm-kernels.sh
. "$ROOT/scripts/vm-kernels.sh"
BAD_RE=$BAD_RE exec python3 - "$1" <<'EOF'
import os, re, sys

text = open(sys.argv[1], errors="replace").read().splitlines()
oops = [i for i, l in enumerate(text) if re.search(r"\bOops: ", l)]
bad = re.compile(os.environ["BAD_RE"])
ours = re.compile(r"Oops: |Call Trace:|Kernel panic")
# EFLAGS bits a CPU can hold in long mode: CF, 1, PF, AF, ZF, SF, TF, IF,
# DF, OF, IOPL, NT, RF, AC, VIF, VIP, ID (not VM, bit 17).
CAN_HOLD = 0x3D7FD7


def stale_int3(block):
    """None, or why block (an Oops: int3 and what follows) is stale."""
    if "Oops: int3" not in block[0]:
        return None
    code = next((l for l in block if "Code: " in l), None)
    m = code and re.search(r"([0-9a-f]{2}) <([0-9a-f]{2})>", code)
    if not m or m.group(1) == "cc":
        return None
    return "stale int3 (no int3 in its code)"


def bad_flags(block):
    """None, or why block's EFLAGS are none a CPU can hold."""
    m = next((re.search(r"EFLAGS: ([0-9a-f]+)", l) for l in block
              if "EFLAGS: " in l), None)
    if not m:
        return None
    f = int(m.group(1), 16)
    if f & ~CAN_HOLD or not f & 2:
        return "EFLAGS %s, which no x86-64 CPU can hold" % m.group(1)
    return None


if not oops:
    print("no Oops in the log")
    sys.exit(1)
for l in text:
    if bad.search(l) and not ours.search(l):
        print("another kernel report: " + l.strip())
        sys.exit(1)
found = []
for k, i in enumerate(oops):
    block = text[i:oops[k + 1] if k + 1 < len(oops) else i + 40]
    why = stale_int3(block) or bad_flags(block)
    if not why:
        print("an Oops that is not a TCG flake: " + text[i].strip())
        sys.exit(1)
    rip = next((l.split("RIP: ", 1)[1].strip() for l in block
                if "RIP: " in l), "?")
    found.append("%s at %s: %s" % (text[i].split("Oops: ", 1)[1].strip(),
                                   rip, why))
print("%d Oops, each a TCG flake: %s" % (len(found), "; ".join(found)))
EOF
