# SPDX-License-Identifier: GPL-2.0
# The trend figure: per series revbench history flagged (at most 6), its
# value in every run (the median of the run's kept repetitions), the
# median of each segment between change points (a line), and the change
# points (dashed verticals).  Data: DATADIR/trend.dat and trend.gp from
# "revbench history --export DATADIR"; drawn by plot/plot.sh --history.
load DATADIR.'/trend.gp'
NR = TR_N > 0 ? TR_N : 1
W = 900; H = 260 * NR + 60
load PLOTDIR.'/common.gp'
set multiplot layout NR, 1 title sprintf("revbench history: %d runs, the series with change points", TR_RUNS) font ',12'
set xlabel 'run (in the order of --by)'
set xrange [0.5 : TR_RUNS + 0.5]
set key top left
if (TR_N == 0) {
	set label 1 'no change point in this history' at graph 0.5, graph 0.5 center
	set yrange [0:1]
	unset ytics
	plot NaN notitle
}
do for [i = 1:TR_N] {
	unset arrow
	set title value(sprintf('TR_T%d', i))
	set ylabel 'value (ns; bytes for bytes_per_rev)'
	CP = value(sprintf('TR_CP%d', i))
	do for [k = 1:words(CP)] {
		set arrow k from word(CP, k) - 0.5, graph 0 to word(CP, k) - 0.5, graph 1 nohead dt 2 lc rgb '#d62728'
	}
	plot DATADIR.'/trend.dat' index (i - 1) using 1:2 with points pt 7 lc rgb '#1f77b4' title 'run median', \
	     '' index (i - 1) using 1:3 with steps lw 2 lc rgb '#000000' title 'segment median'
}
unset multiplot
