# SPDX-License-Identifier: GPL-2.0
# Figure 4: unbind-many, unbind time against the number of revocables,
# log-log; solid = batched (one wait for all), dashed = one by one.
# One panel per results file.  Data: DATADIR/fig4-pP.dat.
W = 0; H = 560
load DATADIR.'/meta.gp'
W = 700 * NP + (NP == 1 ? 100 : 0)
load PLOTDIR.'/common.gp'
ns = 1.0 / F4_DIV

# legend: one entry per primitive (on its first block) plus the two styles
first_of(T, i) = (i == 1 || word(T, i) ne word(T, i - 1)) ? word(T, i) : ''
set multiplot layout 1, NP title "unbind-many: time to revoke n revocables (median of runs, bars min..max)\nsolid = batched (revoke_many, one wait), dashed = one by one" font ',12'
do for [p = 1:NP] {
	set ytics autofreq
	set xtics autofreq
	N = value(sprintf('F4_N%d', p))
	T = value(sprintf('F4_T%d', p))
	L = value(sprintf('F4_L%d', p))
	D = value(sprintf('F4_D%d', p))
	set title panel_title(p, 'F4')
	set xlabel 'number of revocables n (log scale)'
	set ylabel 'time per unbind of n revocables (' . F4_U . ', log scale)'
	set logscale xy
	set format y '%g'
	set format x '%g'
	set xrange [F4_XMIN / 1.5 : F4_XMAX * 1.5]
	set yrange [F4_YMIN * ns / 2 : F4_YMAX * ns * 2]
	set key outside right top vertical Left reverse samplen 3 spacing 1.1
	if (N > 0) {
		plot for [i = 1:N] DATADIR.sprintf('/fig4-p%d.dat', p) index (i - 1) \
			using 1:($2 * ns):($3 * ns):($4 * ns) with yerrorlines \
			lt (word(L, i) + 0) dt 0 + word(D, i) \
			title first_of(T, i), \
		     NaN with lines lc rgb '#000000' lw 2 dt 1 title 'batched', \
		     NaN with lines lc rgb '#000000' lw 2 dt 2 title 'one by one'
	} else {
		set label 1 'no unbind-many cells in this file' at graph 0.5, graph 0.5 center
		unset xtics
		unset ytics
		plot NaN notitle
	}
}
unset multiplot
