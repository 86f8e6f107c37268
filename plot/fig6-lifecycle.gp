# SPDX-License-Identifier: GPL-2.0
# Figure 6: lifecycle cost (create + destroy of one revocable) and bytes
# per revocable (ops->footprint()), bars, one colour per results file.
# Data: DATADIR/fig6-pP.dat.
W = 0; H = 640
load DATADIR.'/meta.gp'
NX = words(F6_XT)
W = NP > 2 ? 1700 : 1400
load PLOTDIR.'/common.gp'
ns = 1.0 / F6_DIV

BW = 0.8 / NP
set rmargin 7
set multiplot layout 1, 2 title "Lifecycle: cost of create + revoke + destroy, and memory per revocable\n" . F6_NOTE1 . \
	(F6_MISSING ne '' ? "\nno lifecycle cells in: " . F6_MISSING : '') font ',12'
set xrange [-0.6 : NX - 0.4]
set xtics () rotate by -30 left
set for [k = 1:NX] xtics add (word(F6_XT, k) k - 1)
set grid noxtics nomxtics
set style fill solid 0.85 border -1
set boxwidth BW absolute
set key outside bottom center vertical Left reverse samplen 2 maxrows 4

set title 'create + revoke + destroy, no readers (median of runs, bars min..max)'
set ylabel 'time per create + revoke + destroy (' . F6_U . ')'
set format y '%g'
if (F6_YMAX / F6_YMIN > 50) {
	set logscale y
	set yrange [F6_YMIN * ns / 2 : F6_YMAX * ns * 2]
	set ylabel 'time per create + revoke + destroy (' . F6_U . ', log scale)'
} else {
	set yrange [0 : F6_YMAX * ns * 1.15]
}
if (NX > 0) {
	plot for [p = 1:NP] DATADIR.sprintf('/fig6-p%d.dat', p) \
		using ($1 + (p - 0.5 - NP / 2.0) * BW):($3 * ns) with boxes \
		lt (20 + p) title bar_key(p, 'F6'), \
	     for [p = 1:NP] DATADIR.sprintf('/fig6-p%d.dat', p) \
		using ($1 + (p - 0.5 - NP / 2.0) * BW):($4 * ns):(0):(($5 - $4) * ns) \
		with vectors nohead lc rgb '#000000' lw 1.5 notitle
} else {
	set label 1 'no lifecycle cells' at graph 0.5, graph 0.5 center
	plot NaN notitle
	unset label 1
}

set title 'bytes per revocable (ops->footprint(), per-CPU/per-thread parts included)'
set ylabel 'bytes'
unset key
unset logscale y
set format y '%g'
set yrange [0 : (F6_BMAX > 0 ? F6_BMAX * 1.15 : 1)]
if (NX > 0 && F6_BMAX > 0) {
	plot for [p = 1:NP] DATADIR.sprintf('/fig6-p%d.dat', p) \
		using ($1 + (p - 0.5 - NP / 2.0) * BW):6 with boxes \
		lt (20 + p) title bar_key(p, 'F6'), \
	     for [p = 1:NP] DATADIR.sprintf('/fig6-p%d.dat', p) \
		using ($1 + (p - 0.5 - NP / 2.0) * BW):6:(sprintf('%d', $6)) \
		with labels rotate by 90 left offset 0, 0.3 font ',8' notitle
} else {
	set label 1 'no bytes_per_rev counters' at graph 0.5, graph 0.5 center
	plot NaN notitle
}
unset multiplot
