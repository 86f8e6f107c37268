# SPDX-License-Identifier: GPL-2.0
# Figure 5: revoke latency against the readers' critical-section length,
# with the stalled-reader cell at the right; one panel per results file.
# Point = median over runs of revoke_p50_ns, bar up to median revoke_p99_ns.
# Data: DATADIR/fig5-pP.dat.
W = 0; H = 600
load DATADIR.'/meta.gp'
W = 700 * NP + (NP == 1 ? 100 : 0)
load PLOTDIR.'/common.gp'
ns = 1.0 / F5_DIV

# small horizontal offsets keep overlapping primitives apart
set multiplot layout 1, NP title "Revoke latency against reader critical section\n(point = median over runs of the p50, bar up to the median p99)" font ',12'
do for [p = 1:NP] {
	set ytics autofreq
	N = value(sprintf('F5_N%d', p))
	T = value(sprintf('F5_T%d', p))
	L = value(sprintf('F5_L%d', p))
	NC = value(sprintf('F5_NC%d', p))
	set title panel_title(p, 'F5')
	set xlabel 'reader critical section (cs:K = K page-table lookups per access)'
	if (F5_YMAX / F5_YMIN >= 30) {
		set ylabel 'revoke latency (' . F5_U . ', log scale)'
		set logscale y
		set format y '%g'
		set yrange [F5_YMIN * ns / 2 : F5_YMAX * ns * 2]
	} else {
		set ylabel 'revoke latency (' . F5_U . ')'
		unset logscale y
		set format y '%g'
		set yrange [0 : F5_YMAX * ns * 1.1]
	}
	set xrange [-0.5 : (NC > 0 ? NC : 1) - 0.5]
	if (NC > 0) {
		set xtics () norotate
		set for [k = 1:NC] xtics add (value(sprintf('F5_XT%d_%d', p, k)) k - 1)
	} else {
		unset xtics
	}
	set grid noxtics nomxtics
	set key outside right top vertical Left reverse samplen 2 spacing 1.1
	if (N > 0) {
		plot for [i = 1:N] DATADIR.sprintf('/fig5-p%d.dat', p) index (i - 1) \
			using ($1 + (i - (N + 1) / 2.0) * 0.5 / N):($2 * ns):($3 * ns):($4 * ns) \
			with yerrorlines lt (word(L, i) + 0) title word(T, i)
	} else {
		set label 1 'no unbind cells in this file' at graph 0.5, graph 0.5 center
		unset xtics
		unset ytics
		plot NaN notitle
	}
}
unset multiplot
