# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# vm-scenarios.sh - the module's interface tests, run by the guest's /init
# in "vm.sh check" boots (sourced after the KTAP mode=test run, with the
# module unloaded; busybox sh).  Each scenario prints exactly one line
#
#   revbench-vm: scenario NAME: ok [(detail)]
#   revbench-vm: scenario NAME: not ok: WHY
#
# which scripts/vm.sh counts as a test point next to the KTAP ones; kernel
# reports (KASAN, lockdep, ...) during a scenario fail the boot as always.
# The boot has srcutree.exp_holdoff=0 (vm.sh), so synchronize_srcu() never
# auto-expedites and the srcu/srcu-exp split below is deterministic.
#
#   kthread    insmod mode=bench returns while the run is still going
#              (status "running"), and rmmod stops it
#   knobs      knob combinations the shared rules refuse (a timed window
#              or a spinning stall longer than the lockup watchdog
#              allows, fewer samples than a p99 needs) and values outside
#              a knob's range (guard) fail the debugfs write with -EINVAL
#              and a message naming the knobs
#   context    a bench run's results carry the context keys of
#              results/FORMAT.md read from this kernel, seed= as given,
#              the irq-off state of each read-side cell, and which
#              srcu-fast ran (the primitive table's impl)
#   srcu-path  srcu and srcu-exp unbinds: gp_normal / gp_expedited split
#              as exp_holdoff=0 makes it, and the retained bytes
#   floor      driver-unbind of the no-protection floor runs its readers
#              without unbinds (a no-unbind row with their rate)
#   rwsem-many unbind-many rwsem n=4096 finishes, and under lockdep the
#              validator is still on at the end (debug_locks 1)
#   sysfs      driver-unbind of every safe primitive while a shell loop
#              unbinds and binds revbench.0 and revbench.1 through sysfs:
#              no cell fails (no false contract violation), no report.
#              On a debug kernel (lockdep or KCSAN: 5-10x slower under
#              TCG) one primitive per reclaim path (caps deferred,
#              typestable, neither: the only thing kmod/drv.c does
#              differently per primitive); vm-check-debug's bench step
#              runs driver-unbind of every primitive there anyway
#   primlist   insmod primitive= with a list of the table's names longer
#              than a kernel string parameter's usual 64 bytes runs; the
#              same list with an unknown item, and one longer than the
#              module's room (RBK_NAME_LEN), fail insmod with revbench's
#              own messages, not the kernel's "string doesn't fit"

RB=/sys/kernel/debug/revbench
DRV=/sys/bus/platform/drivers/revbench

sc_ok() { echo "revbench-vm: scenario $1: ok${2:+ ($2)}"; }
sc_fail() { echo "revbench-vm: scenario $1: not ok: $2"; }

# sc_wait_idle SECONDS: until status is no longer "running"; 1 on timeout
sc_wait_idle() {
	_n=0
	while grep -q '^running' $RB/status 2>/dev/null; do
		sleep 1
		_n=$((_n + 1))
		[ $_n -ge "$1" ] && return 1
	done
	return 0
}

# sc_bench NAME SECONDS LINE: a debugfs run, waited for; its status line
# in $SC_ST and its results in /tmp/results.json.  1 (and a not ok line)
# if it was refused, did not finish, or a cell failed.
sc_bench() {
	if ! echo "$3" >$RB/run; then
		sc_fail "$1" "debugfs run refused '$3'"
		return 1
	fi
	if ! sc_wait_idle "$2"; then
		echo 1 >$RB/stop
		sc_wait_idle 300
		sc_fail "$1" "'$3' did not finish within $2 s"
		return 1
	fi
	SC_ST=$(cat $RB/status)
	cat $RB/results >/tmp/results.json 2>/dev/null
	case "$SC_ST" in
	"done: bench, 0 cell(s) failed"*) return 0 ;;
	esac
	sc_fail "$1" "'$3': $SC_ST"
	return 1
}

# sc_refused WHAT MSG CMD...: CMD must fail and leave MSG in the kernel
# log; else "; WHY" goes to $bad.  1 when CMD succeeded (its run is
# stopped first; the caller unloads what it loaded).
sc_refused() {
	what=$1 msg=$2
	shift 2
	if "$@"; then
		bad="$bad; accepted $what"
		echo 1 >$RB/stop
		sc_wait_idle 600
		return 1
	fi
	dmesg | grep -qF "$msg" || bad="$bad; $what refused without '$msg'"
}

sc_run_line() { echo "$1" >$RB/run 2>/dev/null; }	# a debugfs run line

# sc_verdict NAME DETAIL: not ok with the problems in $bad, else ok
sc_verdict() {
	if [ -n "$bad" ]; then sc_fail "$1" "${bad#; }"; else sc_ok "$1" "$2"; fi
}

# sc_counter NAME KEY: the values of counter KEY in the cells named NAME
# (a prefix) of /tmp/results.json, one per repetition
sc_counter() {
	grep -F "{\"name\":\"$1" /tmp/results.json |
		sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"
}

sc_kthread() {
	n0=$(dmesg | grep -c 'revbench: done:')
	insmod /revbench.ko mode=bench primitive=rcu workload=unbind \
		samples=100000 reps=1 threads=2 env=kernel-tcg
	rc=$?
	n1=$(dmesg | grep -c 'revbench: done:')
	st=$(cat $RB/status 2>/dev/null)
	echo "revbench-vm: scenario insmod rc=$rc, status '$st'"
	if [ $rc -ne 0 ]; then
		sc_fail kthread "insmod mode=bench failed (rc=$rc)"
		return
	fi
	sleep 2
	rmmod revbench
	rrc=$?
	if [ "$n1" != "$n0" ]; then
		sc_fail kthread "insmod returned after the run's done: line (the run ran inside module_init)"
	elif [ "${st#running}" = "$st" ]; then
		sc_fail kthread "status right after insmod is '$st', not running"
	elif [ $rrc -ne 0 ]; then
		sc_fail kthread "rmmod during the run failed (rc=$rrc)"
	elif [ "$(dmesg | grep -c 'revbench: done:')" = "$n0" ]; then
		sc_fail kthread "no done: line after rmmod stopped the run"
	else
		sc_ok kthread "insmod returned at once, rmmod stopped the run"
	fi
}

sc_knobs() {
	bad=
	for line in \
	    "workload=translate primitive=rcu loops=100000000 cs=1000000|loops=100000000 x" \
	    "workload=unbind primitive=rcu stall_us=5000000 threads=3|stall_us=5000000 spins" \
	    "workload=unbind primitive=rcu samples=20|samples=20: a repetition" \
	    "workload=driver-unbind primitive=rcu samples=20|samples=20: a repetition" \
	    "workload=unbind primitive=rcu stall_rcu=1|stall_rcu=1 places" \
	    "workload=translate primitive=rcu guard=0|parameter guard: '0' is not a number in [1, 64]" \
	    "workload=translate primitive=rcu guard=65|parameter guard: '65' is not a number in [1, 64]" \
	    "workload=translate primitive=rcu loops=100000000 guard=64 cs=10000|loops=100000000 x guard=64 x" \
	    "workload=empty primitive=srcu,nosuch|unknown primitive 'srcu,nosuch'"; do
		sc_refused "'${line%%|*}'" "${line#*|}" sc_run_line "${line%%|*}"
	done
	sc_verdict knobs "9 combinations refused with -EINVAL and a message"
}

sc_context() {
	sc_bench context 600 "workload=empty,translate primitive=rcu loops=2000 reps=2 seed=7 threads=2" || return
	miss=
	for k in hz preemption rcu_lazy rcu_expedited rcu_normal rcu_nocbs \
		 srcu_exp_holdoff srcu_convert_to_big irqoff seed delay_loop_ns; do
		grep -q "^    \"$k\": \"" /tmp/results.json || miss="$miss $k"
	done
	seed=$(sed -n 's/^    "seed": "\(.*\)",*$/\1/p' /tmp/results.json)
	hold=$(sed -n 's/^    "srcu_exp_holdoff": "\(.*\)",*$/\1/p' /tmp/results.json)
	nirq=$(grep -c '"irqoff":"on"' /tmp/results.json)
	bad=
	[ -n "$miss" ] && bad="$bad; context keys missing:$miss"
	[ "$seed" != 7 ] && bad="$bad; seed=7 recorded as '$seed'"
	[ "$hold" != 0 ] && bad="$bad; srcu_exp_holdoff '$hold', the boot set 0"
	[ "$nirq" -lt 2 ] &&
		bad="$bad; the rcu empty and translate cells do not say irqoff on"
	# ops->impl in the primitive table: which srcu-fast this module runs
	grep -qE '"name":"srcu-fast".*"impl":"(port of Linux v6.15 SRCU-fast|kernel API srcu_read_lock_fast)' /tmp/results.json ||
		bad="$bad; srcu-fast's impl (kernel API or port) not recorded"
	if [ -n "$bad" ]; then
		sc_fail context "${bad#; }"
	else
		sc_ok context "every key, seed 7, exp_holdoff 0 read back, irqoff on, srcu-fast's impl recorded"
	fi
}

sc_srcu_path() {
	out=
	# rcupdate.rcu_normal (PREEMPT_RT sets it after boot) turns
	# synchronize_srcu_expedited() into a normal grace period, and
	# rcu_expedited the other way round: the split to expect follows them
	rn=$(cat /sys/module/rcupdate/parameters/rcu_normal 2>/dev/null)
	rx=$(cat /sys/module/rcupdate/parameters/rcu_expedited 2>/dev/null)
	want="srcu:0:100 srcu-exp:100:0"
	why="exp_holdoff=0: srcu always normal, srcu-exp always expedited"
	if [ "$rn" = 1 ]; then
		want="srcu:0:100 srcu-exp:0:100"
		why="rcu_normal=1: both always normal"
	elif [ "$rx" = 1 ]; then
		want="srcu:100:0 srcu-exp:100:0"
		why="rcu_expedited=1: both always expedited"
	fi
	for p in srcu srcu-exp; do
		sc_bench srcu-path 900 "workload=unbind primitive=$p samples=100 reps=1 threads=2" || return
		e=$(sc_counter "unbind/$p/" gp_expedited)
		n=$(sc_counter "unbind/$p/" gp_normal)
		r=$(sc_counter "unbind/$p/" retained_peak_bytes)
		out="$out $p:$e/$n"
		case " $want " in
		*" $p:$e:$n "*) ;;
		*) sc_fail srcu-path "$p: gp_expedited '$e', gp_normal '$n' of 100 ($why)"
		   return ;;
		esac
		if [ -z "$r" ] || [ "${r%%.*}" -le 0 ]; then
			sc_fail srcu-path "$p: no retained_peak_bytes ('$r')"
			return
		fi
	done
	sc_ok srcu-path "expedited/normal:$out ($why)"
}

sc_floor() {
	sc_bench floor 600 "workload=driver-unbind primitive=none samples=100 reps=1" || return
	aps=$(sc_counter "unbind/none/" accesses_per_sec | head -n1)
	if ! grep -q 'via:driver-core/no-unbind' /tmp/results.json; then
		sc_fail floor "no driver-unbind floor row"
	elif [ -z "$aps" ] || [ "${aps%%.*}" -le 0 ]; then
		sc_fail floor "the floor row has no reader rate ('$aps')"
	else
		sc_ok floor "readers at $aps accesses/s"
	fi
}

sc_rwsem_many() {
	# seconds=900: a repetition of 100 cycles of 4096 objects took over
	# the default 60 s under KASAN + lockdep + RCU_STRICT_GRACE_PERIOD
	sc_bench rwsem-many 1500 "workload=unbind-many primitive=rwsem nmany=4096 samples=100 reps=1 threads=2 seconds=900" || return
	if [ ! -r /proc/lockdep_stats ]; then
		sc_ok rwsem-many "finished; no lockdep in this kernel"
	elif grep -qE 'debug_locks: +1$' /proc/lockdep_stats; then
		sc_ok rwsem-many "finished; lockdep still on (debug_locks 1)"
	else
		sc_fail rwsem-many "lockdep turned itself off: $(grep debug_locks /proc/lockdep_stats)"
	fi
}

sc_sysfs() {
	bad= total=0 lost=0 np=0 seen=
	debug=
	[ -r /proc/lockdep_stats ] || [ -d /sys/kernel/debug/kcsan ] && debug=1
	while read -r name fam caps rest; do
		case ",$caps," in *,unsafe,*|*,broken,*) continue ;; esac
		if [ -n "$debug" ]; then
			case ",$caps," in
			*,deferred,*) cls=deferred ;;
			*,typestable,*) cls=typestable ;;
			*) cls=synchronous ;;
			esac
			case " $seen " in *" $cls "*) continue ;; esac
			seen="$seen $cls"
		fi
		np=$((np + 1))
		if ! echo "workload=driver-unbind primitive=$name reps=1 samples=100 cs=256" >$RB/run; then
			bad="$bad; $name: run refused"
			continue
		fi
		n=0 u=0 t=0
		while grep -q '^running' $RB/status; do
			for d in revbench.0 revbench.1; do
				echo $d >$DRV/unbind 2>/dev/null && u=$((u + 1))
				echo $d >$DRV/bind 2>/dev/null
			done
			n=$((n + 1))
			[ $((n % 50)) -eq 0 ] && sleep 1 && t=$((t + 1))
			[ $t -ge 900 ] && break
		done
		sc_wait_idle 300
		st=$(cat $RB/status)
		cat $RB/results >/tmp/results.json 2>/dev/null
		l=$(sc_counter "unbind/$name/" unbinds_lost | head -n1)
		total=$((total + u))
		l=${l:-0}
		lost=$((lost + ${l%%.*}))
		echo "revbench-vm: scenario sysfs $name: $u sysfs unbinds, $l benchmark cycles lost to them, $st"
		case "$st" in
		"done: bench, 0 cell(s) failed"*) ;;
		*) bad="$bad; $name: $st" ;;
		esac
	done <$RB/primitives
	for d in revbench.0 revbench.1; do echo $d >$DRV/bind 2>/dev/null; done
	if [ -n "$bad" ]; then
		sc_fail sysfs "${bad#; }"
	elif [ "$total" -eq 0 ]; then
		sc_fail sysfs "no sysfs unbind went through: nothing was tested"
	else
		sc_ok sysfs "$np primitives${debug:+ (one per reclaim path:$seen)}, $total sysfs unbinds during the runs, $lost cycles lost to them"
	fi
}

# primlist: after the other scenarios, with the module unloaded; SC_PRIMS
# holds the primitive table's names (read while it was loaded).
sc_primlist() {
	long=
	for p in $SC_PRIMS; do
		[ ${#long} -gt 64 ] && break
		long=${long:+$long,}$p
	done
	huge=$long
	while [ ${#huge} -lt 256 ]; do huge=$huge,$long; done
	if [ ${#long} -le 64 ]; then
		sc_fail primlist "the table's names make only ${#long} characters"
		return
	fi
	if ! insmod /revbench.ko mode=bench primitive="$long" workload=empty \
		loops=1000 reps=1 threads=1 env=kernel-tcg; then
		sc_fail primlist "insmod primitive=$long (${#long} characters) refused"
		return
	fi
	sc_wait_idle 600 || echo 1 >$RB/stop
	st=$(cat $RB/status)
	got=$(cat /sys/module/revbench/parameters/primitive)
	rmmod revbench
	case "$st" in
	"done: bench, 0 cell(s) failed"*) ;;
	*) sc_fail primlist "primitive=$long: $st"; return ;;
	esac
	if [ "$got" != "$long" ]; then
		sc_fail primlist "parameters/primitive reads '$got', not '$long'"
		return
	fi
	bad=
	for v in "$long,nosuch|unknown primitive '$long,nosuch'" \
		 "$huge|parameter primitive: value too long (${#huge} characters"; do
		sc_refused "primitive=${v%%|*}" "${v#*|}" insmod /revbench.ko \
			mode=bench primitive="${v%%|*}" workload=empty loops=1000 \
			reps=1 threads=1 2>/dev/null || rmmod revbench
	done
	sc_verdict primlist "a ${#long}-character list ran; an unknown item and ${#huge} characters refused"
}

echo "revbench-vm: scenarios begin"
sc_kthread
if insmod /revbench.ko env=kernel-tcg; then
	sc_knobs
	sc_context
	sc_srcu_path
	sc_floor
	sc_rwsem_many
	sc_sysfs
	SC_PRIMS=$(sed 's/ .*//' $RB/primitives)
	rmmod revbench
	echo "revbench-vm: scenario rmmod rc=$?"
	sc_primlist
else
	sc_fail setup "insmod (mode=none) failed"
fi
echo "revbench-vm: scenarios end"
