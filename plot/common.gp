# SPDX-License-Identifier: GPL-2.0
# common.gp - shared by plot/fig*.gp; loaded after the figure set W and H.
#
# Variables given on the gnuplot command line by plot/plot.sh:
#   DATADIR  output of "revbench export --gnuplot" (meta.gp, figN-pP.dat)
#   OUT      output file
#   FMT      'png' or 'svg'
#   PNGTERM  'pngcairo' (default) or 'png' when pngcairo is missing
if (!exists("PNGTERM")) PNGTERM = 'pngcairo'
if (!exists("FMT")) FMT = 'png'

if (!exists("TR_N")) load DATADIR.'/meta.gp'	# not for trend.gp

set encoding utf8
if (FMT eq 'svg') {
	set terminal svg size W,H dynamic font 'sans,12' background '#ffffff' noenhanced
} else {
	if (PNGTERM eq 'pngcairo') {
		set terminal pngcairo size W,H font 'sans,10' background '#ffffff' noenhanced
	} else {
		set terminal png size W,H font 'sans,10' background '#ffffff' noenhanced
	}
}
set output OUT

# Default colours by place in the primitive table (line type = the
# primitive's rank + 1; names beyond the table 15..20), replaced below by
# the colours the table itself gives.
set linetype 1 lc rgb '#000000' lw 2 dt 2 pt 1 ps 1
set linetype 2 lc rgb '#d62728' lw 2 dt 1 pt 2 ps 1
set linetype 3 lc rgb '#1f77b4' lw 2 dt 1 pt 4 ps 1
set linetype 4 lc rgb '#6baed6' lw 2 dt 1 pt 6 ps 1
set linetype 5 lc rgb '#08306b' lw 2 dt 1 pt 8 ps 1
set linetype 6 lc rgb '#2ca02c' lw 2 dt 1 pt 10 ps 1
set linetype 7 lc rgb '#98df8a' lw 2 dt 1 pt 12 ps 1
set linetype 8 lc rgb '#006d2c' lw 2 dt 1 pt 14 ps 1
set linetype 9 lc rgb '#9467bd' lw 2 dt 1 pt 3 ps 1
set linetype 10 lc rgb '#ff7f0e' lw 2 dt 1 pt 5 ps 1
set linetype 11 lc rgb '#e6ab02' lw 2 dt 1 pt 7 ps 1
set linetype 12 lc rgb '#8c564b' lw 2 dt 1 pt 9 ps 1
set linetype 13 lc rgb '#e377c2' lw 2 dt 1 pt 11 ps 1
set linetype 14 lc rgb '#17becf' lw 2 dt 1 pt 13 ps 1
set linetype 15 lc rgb '#7f7f7f' lw 2 dt 1 pt 1 ps 1
set linetype 16 lc rgb '#bcbd22' lw 2 dt 1 pt 2 ps 1
set linetype 17 lc rgb '#c49c94' lw 2 dt 1 pt 4 ps 1
set linetype 18 lc rgb '#f7b6d2' lw 2 dt 1 pt 6 ps 1
set linetype 19 lc rgb '#636363' lw 2 dt 1 pt 8 ps 1
set linetype 20 lc rgb '#a55194' lw 2 dt 1 pt 10 ps 1
# bar colours, one per results file (figures 3 and 6)
set linetype 21 lc rgb '#4c72b0' lw 1 dt 1
set linetype 22 lc rgb '#dd8452' lw 1 dt 1
set linetype 23 lc rgb '#55a868' lw 1 dt 1
set linetype 24 lc rgb '#c44e52' lw 1 dt 1
# The primitives' own colours, from the files' primitive tables (line
# type = rank + 1, the floor dashed): revbench export writes LT_SETUP.
if (exists("LT_SETUP")) { eval LT_SETUP }

set grid xtics ytics mxtics mytics lc rgb '#dddddd' lw 1 dt 1
set border lw 1
set tics nomirror
set key noenhanced

# Panel title: environment, file, selection note.  Call as
#   PT = panel_title(p, 'F1')
panel_title(p, f) = value(sprintf('PANEL%d', p)) . "\n" . \
	value(sprintf('FILE%d', p)) . ': ' . value(sprintf('%s_NOTE%d', f, p))
# Time axes: one unit per axis, chosen by revbench export from the
# largest value (F<n>_U, F<n>_DIV ns per unit); each figure sets
# ns = 1.0 / F<n>_DIV, so "$2 * ns" is a value in that unit, and labels
# the axis with it.  Plain numbers on the ticks, never mixed units.
ns = 1.0
# Bar key entry for results file p: file and short environment, plus the
# selection note when it differs from the first file's (in the title).
bar_key(p, f) = value(sprintf('FILE%d', p)) . ' (' . value(sprintf('SHORT%d', p)) . ')' . \
	(value(sprintf('%s_NOTE%d', f, p)) eq value(sprintf('%s_NOTE1', f)) ? '' : \
	 ', ' . value(sprintf('%s_NOTE%d', f, p)))
