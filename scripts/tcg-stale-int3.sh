#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcg-stale-int3.sh LOG - whether a guest's console log shows a stale int3,
# a multi-threaded TCG race and not the module's doing, as its only kernel
# report.  Used by scripts/vm.sh and scripts/vm-validate.sh to retry such a
# boot once, loudly.
#
# The kernel patches its own text live (jump labels, static calls: e.g.
# when "random: crng init done" enables crng_is_ready): text_poke_bp()
# writes an int3 over the site, syncs every CPU, writes the new bytes and
# removes the int3, and its int3 handler steps any CPU that traps in
# between.  Under qemu's multi-threaded TCG a vCPU can still run a
# translation of the site taken while the int3 was there, after the patch
# is over: the handler no longer knows the site, and the kernel dies with
# "Oops: int3" at an address whose bytes hold no int3 (seen on the
# 6.12-rt kernel, 12-06: RIP get_random_u16+0x27, "Code: ... 0f <1f> 44
# 00 00", a five-byte nop, just after crng init, the module unloaded).
#
# The test is that signature, and nothing else: every "Oops:" of the log
# is "Oops: int3", the "Code:" line after each shows that the byte before
# the trapping address (the <xx> byte; int3 reports the address after
# itself) is not 0xcc, and no line matches the boots' kernel-report
# pattern (BAD_RE, scripts/vm-kernels.sh: BUG:, WARNING:, KASAN:, KCSAN:,
# lockdep, RCU stalls, ...) but those Oopses and what follows them (Call
# Trace:, Kernel panic).  A real int3 in
# the code, or any other report, is not a stale int3 and is never retried.
# Prints one line saying what it found; exit 0 if it is the race, 1 if not,
# 2 on bad usage.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: tcg-stale-int3.sh LOG" >&2; exit 2; }
[ -r "$1" ] || { echo "tcg-stale-int3.sh: cannot read '$1'" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/vm-kernels.sh
. "$ROOT/scripts/vm-kernels.sh"
BAD_RE=$BAD_RE exec python3 - "$1" <<'EOF'
import os, re, sys

text = open(sys.argv[1], errors="replace").read().splitlines()
oops = [i for i, l in enumerate(text) if re.search(r"\bOops: ", l)]
bad = re.compile(os.environ["BAD_RE"])
ours = re.compile(r"Oops: int3|Call Trace:|Kernel panic")
if not oops:
    print("no Oops in the log")
    sys.exit(1)
for l in text:
    if bad.search(l) and not ours.search(l):
        print("another kernel report: " + l.strip())
        sys.exit(1)
for i in oops:
    if "Oops: int3" not in text[i]:
        print("an Oops that is not an int3: " + text[i].strip())
        sys.exit(1)
    code = next((l for l in text[i + 1:i + 40] if "Code: " in l), None)
    m = code and re.search(r"([0-9a-f]{2}) <([0-9a-f]{2})>", code)
    if not m:
        print("Oops: int3 with no Code: bytes to check")
        sys.exit(1)
    if m.group(1) == "cc":
        print("Oops: int3 on a real int3 (byte cc before the address)")
        sys.exit(1)
rip = next((l.split("RIP: ", 1)[1].strip() for l in text[oops[0]:]
            if "RIP: " in l), "?")
print("stale int3: %d Oops: int3, at %s, whose code holds no int3 there"
      % (len(oops), rip))
EOF
