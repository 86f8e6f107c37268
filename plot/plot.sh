#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# plot/plot.sh RESULTS.json [RESULTS.json...] OUTDIR
# plot/plot.sh --history OUTDIR PATH... [-- HISTORY OPTIONS]
#
# Draws the seven revbench figures, PNG and SVG, from 1 to 4 results files
# (each file becomes a panel or a bar colour: e.g. userspace and kernel):
#   OUTDIR/fig1-reader-cost.{png,svg}   reader cost against threads
#   OUTDIR/fig2-revoke-cdf.{png,svg}    revoke latency CDF, log x
#   OUTDIR/fig3-error-path.{png,svg}    error-path cost, bars
#   OUTDIR/fig4-unbind-many.{png,svg}   unbind-many, log-log
#   OUTDIR/fig5-revoke-vs-cs.{png,svg}  revoke latency vs critical section
#   OUTDIR/fig6-lifecycle.{png,svg}     lifecycle cost and bytes/revocable
# RESULTS may be run folders (their results.json is read).  With
# --history, the trend figure of "revbench history PATH..." instead:
#   OUTDIR/trend.{png,svg}   the series with change points over the runs
# (revbench history --export writes its data; bad input draws nothing).
# The data
# behind the figures (revbench export --gnuplot) stays in OUTDIR/data, or
# in $PLOT_DATA when that is set.
#
# Environment: REVBENCH (default build/revbench next to this script's
# parent), GNUPLOT (default gnuplot), PLOT_DATA, PLOT_FORMATS (default
# "png svg"; make bench draws "png" into the run folder).
# Exit: 0 done, 2 bad input / unwritable OUTDIR / missing gnuplot, 130
# interrupted.  Each figure is written to a temp name and renamed when
# complete: an interrupted plot leaves no partial figure.  One line on
# stdout says how many figures went where.
set -u

here=$(cd "$(dirname "$0")" && pwd)
REVBENCH=${REVBENCH:-$here/../build/revbench}
GNUPLOT=${GNUPLOT:-gnuplot}

die() { echo "plot.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: plot/plot.sh RESULTS.json [RESULTS.json...] OUTDIR | --history OUTDIR PATH..."
command -v "$GNUPLOT" >/dev/null 2>&1 ||
	die "gnuplot not found: install gnuplot-nox (make deps)"
[ -x "$REVBENCH" ] || die "$REVBENCH not built (run make)"

history=
if [ "$1" = --history ]; then
	history=1
	out=$2
	shift 2
fi
# last argument = OUTDIR, the rest = results files
n=$#
i=0
files=
for a in "$@"; do
	[ -n "$history" ] && break
	i=$((i + 1))
	if [ $i -lt $n ]; then
		files="$files $(printf '%s' "$a" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"
	else
		out=$a
	fi
done
case "$out" in
*.json) die "the last argument must be the output directory, got $out" ;;
esac
mkdir -p "$out" 2>/dev/null || die "$out: cannot create output directory"
[ -d "$out" ] && [ -w "$out" ] || die "$out: output directory not writable"

# pngcairo gives anti-aliased PNGs; plain libgd png is the fallback
# (stdin from /dev/null: on a terminal gnuplot pages the list and waits)
if "$GNUPLOT" -e 'set terminal' </dev/null 2>&1 | grep -qw pngcairo; then
	pngterm=pngcairo
else
	pngterm=png
	echo "plot.sh: gnuplot has no pngcairo terminal: PNGs use the libgd 'png' terminal" >&2
fi
case " ${PLOT_FORMATS:-png svg} " in
*" svg "*) "$GNUPLOT" -e 'set terminal' </dev/null 2>&1 | grep -qw svg ||
	die "gnuplot has no svg terminal" ;;
esac

data=${PLOT_DATA:-$out/data}
if [ -n "$history" ]; then
	"$REVBENCH" history --export "$data" "$@" >/dev/null
	[ $? -le 1 ] || exit 2
else
	eval "set -- $files"
	"$REVBENCH" export --gnuplot -o "$data" "$@" || exit 2
fi

# gnuplot single-quoted strings: double any '
q() { printf '%s' "$1" | sed "s/'/''/g"; }

status=0
made=0
tmp=
trap 'rm -f "$tmp" "$tmp.err"; exit 130' INT TERM
for gp in "$here"/*.gp; do
	name=$(basename "$gp" .gp)
	case "$history:$name" in
	1:trend | :fig*) ;;
	*) continue ;;
	esac
	for fmt in ${PLOT_FORMATS:-png svg}; do
		final="$out/$name.$fmt"
		tmp="$out/.$name.$fmt.tmp.$$"
		# a results file without cells for a figure leaves its data
		# file empty: gnuplot's warning about it is expected, others not
		if "$GNUPLOT" -e "DATADIR='$(q "$data")'; PLOTDIR='$(q "$here")'; OUT='$(q "$tmp")'; FMT='$fmt'; PNGTERM='$pngterm'" "$gp" </dev/null 2>"$tmp.err" &&
		   [ -s "$tmp" ]; then
			grep -v 'Skipping data file with no valid points' "$tmp.err" >&2
			rm -f "$tmp.err"
			mv -f "$tmp" "$final" && made=$((made + 1)) || status=2
		else
			cat "$tmp.err" >&2
			rm -f "$tmp" "$tmp.err"
			echo "plot.sh: gnuplot failed on $name ($fmt)" >&2
			status=2
		fi
	done
done
echo "plot.sh: $made figures in $out (${PLOT_FORMATS:-png svg})"
exit $status
