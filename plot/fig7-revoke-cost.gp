# SPDX-License-Identifier: GPL-2.0
# Figure 7: what a revoke costs the revoker: its CPU time per revoke
# (revoke_cpu_ns) against the revoke's latency (real_time), one point per
# primitive, medians with min..max bars over the repetitions, log-log;
# the diagonal is CPU = wall (a revoker that never sleeps); one panel per
# results file.  Data: DATADIR/fig7-pP.dat.
W = 0; H = 600
load DATADIR.'/meta.gp'
W = 720 * NP + (NP == 1 ? 100 : 0)
load PLOTDIR.'/common.gp'
ns = 1.0 / F7_DIV
# a CPU time of 0 (under the clock's resolution) is drawn at the floor
LO = F7_XMIN * ns / 2
pos(v) = v * ns > LO ? v * ns : LO

set multiplot layout 1, NP title "What a revoke costs the revoker: CPU time against latency, per revoke\n(on the diagonal the revoker burns its whole wait; far below it, it sleeps)" font ',12'
do for [p = 1:NP] {
	N = value(sprintf('F7_N%d', p))
	T = value(sprintf('F7_T%d', p))
	L = value(sprintf('F7_L%d', p))
	set title panel_title(p, 'F7')
	set xlabel 'revoke latency, mean per repetition (' . F7_U . ', log scale)'
	set ylabel "revoker's CPU time per revoke (" . F7_U . ', log scale)'
	set logscale xy
	set format x '%g'
	set format y '%g'
	set xrange [LO : F7_XMAX * ns * 2]
	set yrange [LO : F7_XMAX * ns * 2]
	set key outside right top vertical Left reverse samplen 2 spacing 1.1
	if (N > 0) {
		plot x with lines lc rgb '#999999' dt 3 lw 1 title 'CPU = wall', \
		     for [i = 1:N] DATADIR.sprintf('/fig7-p%d.dat', p) index (i - 1) \
			using ($1 * ns):(pos($4)):($2 * ns):($3 * ns):(pos($5)):(pos($6)) \
			with xyerrorbars lt (word(L, i) + 0) ps 1.6 title word(T, i)
	} else {
		set label 1 'no revoke_cpu_ns counters in this file' at graph 0.5, graph 0.5 center
		unset xtics
		unset ytics
		plot NaN notitle
		set xtics autofreq
		set ytics autofreq
		unset label 1
	}
}
unset multiplot
