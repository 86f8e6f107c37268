# SPDX-License-Identifier: GPL-2.0
# Figure 1: reader cost against reader threads, one panel per results file
# (userspace and kernel side by side), the `none` baseline dashed black.
# Data: DATADIR/fig1-pP.dat from "revbench export --gnuplot".
W = 0; H = 560
load DATADIR.'/meta.gp'
W = 700 * NP + (NP == 1 ? 100 : 0)
load PLOTDIR.'/common.gp'
ns = 1.0 / F1_DIV

# small horizontal offsets keep the error bars of primitives apart
set multiplot layout 1, NP title "Reader cost: time per try_access..release per reader\n(median of runs, bars min..max)" font ',12'
do for [p = 1:NP] {
	set ytics autofreq
	N = value(sprintf('F1_N%d', p))
	T = value(sprintf('F1_T%d', p))
	L = value(sprintf('F1_L%d', p))
	set title panel_title(p, 'F1')
	set xlabel 'reader threads'
	if (F1_YMAX / F1_YMIN >= 30) {
		set ylabel 'time per access per reader (' . F1_U . ', log scale)'
		set logscale y
		set format y '%g'
		set yrange [F1_YMIN * ns / 1.5 : F1_YMAX * ns * 1.5]
	} else {
		set ylabel 'time per access per reader (' . F1_U . ')'
		unset logscale y
		set format y '%g'
		set yrange [0 : F1_YMAX * ns * 1.1]
	}
	set xrange [0.5 : F1_XMAX + 0.5]
	set xtics 1
	set mxtics 1
	set key outside right top vertical Left reverse samplen 2 spacing 1.1
	if (N > 0) {
		plot for [i = 1:N] DATADIR.sprintf('/fig1-p%d.dat', p) index (i - 1) \
			using ($1 + (i - (N + 1) / 2.0) * 0.2 / N):($2 * ns):($3 * ns):($4 * ns) with yerrorlines \
			lt (word(L, i) + 0) title word(T, i)
	} else {
		set label 1 'no translate cells in this file' at graph 0.5, graph 0.5 center
		unset xtics
		unset ytics
		plot NaN notitle
	}
}
unset multiplot
