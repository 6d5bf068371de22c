#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/bench-plots.sh LOG OUTDIR: draws the plots of a `make bench`
# console LOG (its "mmiodemo-plot:" lines) as PNGs in OUTDIR, with gnuplot:
#   first-touch.png  first write, ms per MiB, by mapping size: DMA, ramfs
#   take.png         take time by number of dirty pages: GET_DIRTY against
#                    PAGEMAP_SCAN (uffd-wp) and mprotect(PROT_READ) of a memfd
#   cycle.png        a take and one store to each page taken, the same three
#   registers.png    ns per 32-bit register access, by path
# Each title names the kernel (from LOG) and the date. Prints the files.
set -euo pipefail

log=${1:?usage: tests/host/bench-plots.sh LOG OUTDIR}
out=${2:?usage: tests/host/bench-plots.sh LOG OUTDIR}
command -v gnuplot >/dev/null || { echo "bench-plots: no gnuplot (workbench/host-packages)" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

kernel=$(sed -n 's/^mmiodemo-guest: kernel //p' "$log" | tr -d '\r' | head -n 1)
when="${kernel:-unknown kernel}, $(date -u +%Y-%m-%d)"
plot_lines() {
	tr -d '\r' <"$log" | sed -n "s/^mmiodemo-plot: $1 //p"
}
plot_lines first-write >"$tmp/first"
plot_lines take >"$tmp/take"
plot_lines cycle >"$tmp/cycle"
plot_lines reg >"$tmp/reg"

common="set terminal pngcairo size 800,500 font 'sans,10'; set grid; set key top left"
if [ -s "$tmp/first" ]; then
	gnuplot -e "$common; set output '$out/first-touch.png';
		set title 'First write of every page, ms per MiB ($when)';
		set xlabel 'mapping size, MiB'; set ylabel 'ms per MiB';
		set logscale x 2; set yrange [0:*];
		plot '$tmp/first' using 1:2 with linespoints title 'mmiodemo DMA buffer',
		     '' using 1:3 with linespoints title 'ramfs file (shared, page_mkwrite)'"
	echo "$out/first-touch.png"
fi
# track_bench's lines: N, then dma, uffd, segv; uffd is 0 where the kernel
# has no async uffd-wp (not drawn: the y axis is logarithmic).
tracking() { # NAME TITLE UFFD-TITLE SEGV-TITLE
	gnuplot -e "$common; set output '$out/$1.png';
		set title '$2, ms ($when)';
		set xlabel 'dirty pages'; set ylabel 'ms'; set logscale xy;
		plot '$tmp/$1' using 1:2 with linespoints title 'GET\\_DIRTY (mmiodemo)',
		     '' using 1:(\$3 > 0 ? \$3 : 1/0) with linespoints title '$3',
		     '' using 1:4 with linespoints title '$4'"
	echo "$out/$1.png"
}
if [ -s "$tmp/take" ]; then
	tracking take 'Taking the written pages' \
		'PAGEMAP\_SCAN of a memfd (uffd-wp async)' \
		'mprotect(PROT\_READ) of a memfd'
fi
if [ -s "$tmp/cycle" ]; then
	tracking cycle 'A take and one store to each page taken' \
		'memfd, uffd-wp async + PAGEMAP\_SCAN' \
		'memfd, mprotect + SIGSEGV handler'
fi
if [ -s "$tmp/reg" ]; then
	gnuplot -e "$common; set output '$out/registers.png';
		set title 'One 32-bit register access, ns ($when)';
		set style data histograms; set style fill solid 0.8 border -1;
		set ylabel 'ns per access'; set logscale y; set yrange [1:*];
		set xtics rotate by -20;
		plot '$tmp/reg' using 2:xtic(1) title 'read', '' using 3 title 'write'"
	echo "$out/registers.png"
fi
