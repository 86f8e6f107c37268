# SPDX-License-Identifier: GPL-2.0
# Figure 2: revoke (unbind) latency as a CDF per primitive, log x axis;
# one panel per results file.  Data: DATADIR/fig2-pP.dat.
W = 0; H = 560
load DATADIR.'/meta.gp'
W = 700 * NP + (NP == 1 ? 100 : 0)
load PLOTDIR.'/common.gp'
ns = 1.0 / F2_DIV

set multiplot layout 1, NP title "Revoke (unbind) latency CDF: every revoke sample of every run" font ',12'
do for [p = 1:NP] {
	set ytics autofreq
	set xtics autofreq
	N = value(sprintf('F2_N%d', p))
	T = value(sprintf('F2_T%d', p))
	L = value(sprintf('F2_L%d', p))
	set title panel_title(p, 'F2')
	set xlabel 'revoke latency (' . F2_U . ', log scale)'
	set ylabel 'fraction of revokes <= x'
	set logscale x
	set format x '%g'
	set xrange [F2_XMIN * ns / 2 : F2_XMAX * ns * 2]
	set yrange [0 : 1.02]
	set ytics 0.1
	set key outside right top vertical Left reverse samplen 2 spacing 1.1
	if (N > 0) {
		plot for [i = 1:N] DATADIR.sprintf('/fig2-p%d.dat', p) index (i - 1) \
			using ($1 * ns):2 with steps lt (word(L, i) + 0) title word(T, i)
	} else {
		set label 1 'no unbind revoke samples in this file' at graph 0.5, graph 0.5 center
		unset xtics
		unset ytics
		plot NaN notitle
	}
}
unset multiplot
