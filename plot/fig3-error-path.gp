# SPDX-License-Identifier: GPL-2.0
# Figure 3: error-path cost (try_access on a revoked resource) as bars,
# one bar colour per results file.  Data: DATADIR/fig3-pP.dat.
W = 0; H = 640
load DATADIR.'/meta.gp'
NX = words(F3_XT)
W = NX * 45 * NP + 300 < 1000 ? 1000 : NX * 45 * NP + 300
load PLOTDIR.'/common.gp'
ns = 1.0 / F3_DIV

BW = 0.8 / NP
set title "Error path: time of one failed try_access after revoke (median of runs, bars min..max)\n" . F3_NOTE1 . \
	(F3_MISSING ne '' ? "\nno error-path cells in: " . F3_MISSING : '') font ',12'
set ylabel 'time per failed access (' . F3_U . ')'
set format y '%g'
if (F3_YMAX / F3_YMIN > 50) {
	set logscale y
	set yrange [F3_YMIN * ns / 2 : F3_YMAX * ns * 2]
	set ylabel 'time per failed access (' . F3_U . ', log scale)'
} else {
	set yrange [0 : F3_YMAX * ns * 1.15]
}
set xrange [-0.6 : NX - 0.4]
set rmargin 7
set xtics () rotate by -30 left
set for [k = 1:NX] xtics add (word(F3_XT, k) k - 1)
set grid noxtics nomxtics
set style fill solid 0.85 border -1
set boxwidth BW absolute
set key outside bottom center vertical Left reverse samplen 2 maxrows 4
if (NX > 0) {
	plot for [p = 1:NP] DATADIR.sprintf('/fig3-p%d.dat', p) \
		using ($1 + (p - 0.5 - NP / 2.0) * BW):($3 * ns) with boxes \
		lt (20 + p) title bar_key(p, 'F3'), \
	     for [p = 1:NP] DATADIR.sprintf('/fig3-p%d.dat', p) \
		using ($1 + (p - 0.5 - NP / 2.0) * BW):($4 * ns):(0):(($5 - $4) * ns) \
		with vectors nohead lc rgb '#000000' lw 1.5 notitle
} else {
	set label 1 'no error-path cells' at graph 0.5, graph 0.5 center
	plot NaN notitle
}
