#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table and the plot of make bench.

bench-report.py RAW OUT ROUNDS ICOUNT_ROUNDS

RAW holds base-N.txt and series-N.txt, a line "row ns" each per row, one
file a UML boot, and icount-base-N.txt and icount-series-N.txt from the
x86_64 boots under QEMU -icount.  Writes OUT/bench.md (the table),
OUT/bench.dat and OUT/bench.png (ns per pair against the number of hlist
subscribers), and prints the table.  Exits 2 when a hot-path row (a
start/end pair) has a native IQR over BENCH_MAX_IQR % (default 5) on
either side: the native figures of that run are noise.
"""
import os
import statistics
import subprocess
import sys

raw, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
icount_rounds = int(sys.argv[4])
max_iqr = float(os.environ.get('BENCH_MAX_IQR', '5'))

DESC = {
    'register': 'mmu_notifier_register()',
    'nonblock_fail_hlist4': 'failed nonblock start: 3 hlist start+end, 4th fails',
    'nonblock_fail_itree1': 'failed nonblock start: the interval notifier fails',
}


def describe(row):
    if row.startswith('pair_'):
        _, h, i = row.split('_')
        return 'start/end pair: %s hlist, %s itree' % (h[5:], i[5:])
    return DESC.get(row, row)


def load(side, n):
    runs = {}
    for r in range(1, n + 1):
        with open(os.path.join(raw, '%s-%d.txt' % (side, r))) as f:
            for line in f:
                row, ns = line.split()
                runs.setdefault(row, []).append(float(ns))
    return runs


base, series = load('base', rounds), load('series', rounds)
ibase = load('icount-base', icount_rounds)
iseries = load('icount-series', icount_rounds)
rows = list(base)
for sides, n in (((base, series), rounds), ((ibase, iseries), icount_rounds)):
    if any(set(rows) != set(d) or any(len(v) != n for v in d.values())
           for d in sides):
        sys.exit('bench-report.py: the base and the series did not report the '
                 'same rows in every round')


def stats(v):
    """The median, and the interquartile range in % of it."""
    q = statistics.quantiles(v, n=4)
    m = statistics.median(v)
    return m, 100.0 * (q[2] - q[0]) / m


lines = ['| operation | base ns | IQR | series ns | IQR | series/base '
         '| base instr | IQR | series instr | IQR | series/base |',
         '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
noisy = []
for row in rows:
    bm, bs = stats(base[row])
    sm, ss = stats(series[row])
    ibm, ibs = stats(ibase[row])
    ism, iss = stats(iseries[row])
    mark = ''
    if row.startswith('pair_') and max(bs, ss) > max_iqr:
        noisy.append(row)
        mark = ' **noise**'
    lines.append('| %s | %.1f | %.1f%% | %.1f | %.1f%% | %.3f%s '
                 '| %.1f | %.2f%% | %.1f | %.2f%% | %.4f |' %
                 (describe(row), bm, bs, sm, ss, sm / bm, mark,
                  ibm, ibs, ism, iss, ism / ibm))
lines.append('')
lines.append('ns: UML, native, the median over %d boots of each kernel in '
             'alternating rounds; IQR: the interquartile range over those '
             'boots, in %% of the median.  instr: x86_64 under QEMU TCG with '
             '-icount shift=0,sleep=off, where the guest clock advances one ns '
             'an instruction: instructions per operation, the median over %d '
             'boots of each, which the host\'s load does not move.'
             % (rounds, icount_rounds))
if noisy:
    lines.append('')
    lines.append('**NOISY RUN**: the native IQR of %d hot-path row(s) is over '
                 '%g%% (%s); read the instr columns, or run again on a quiet '
                 'machine.' % (len(noisy), max_iqr, ', '.join(noisy)))
table = '\n'.join(lines) + '\n'
with open(os.path.join(out, 'bench.md'), 'w') as f:
    f.write(table)
sys.stdout.write(table)

dat = os.path.join(out, 'bench.dat')
with open(dat, 'w') as f:
    f.write('# hlist base_itree0 series_itree0 base_itree1 series_itree1\n')
    for h in (0, 1, 4, 16):
        v = [statistics.median(s['pair_hlist%d_itree%d' % (h, i)])
             for i in (0, 1) for s in (base, series)]
        f.write('%d %.3f %.3f %.3f %.3f\n' % (h, v[0], v[1], v[2], v[3]))

png = os.path.join(out, 'bench.png')
subprocess.run(['gnuplot'], check=True, text=True, input='''
set terminal pngcairo size 800,500 font ",10" noenhanced
set output "%s"
set title "mmu_notifier: blockable start/end pair (UML, median of %d boots)"
set xlabel "hlist subscribers"
set ylabel "ns per pair"
set xtics (0, 1, 4, 16)
set key top left
set grid
plot "%s" using 1:2 with linespoints pt 7 lc rgb "#1f77b4" title "base, no interval notifier", \\
     "%s" using 1:3 with linespoints pt 6 dt 2 lc rgb "#ff7f0e" title "series, no interval notifier", \\
     "%s" using 1:4 with linespoints pt 5 lc rgb "#2ca02c" title "base, 1 interval notifier", \\
     "%s" using 1:5 with linespoints pt 4 dt 2 lc rgb "#d62728" title "series, 1 interval notifier"
''' % (png, rounds, dat, dat, dat, dat))

sys.exit(2 if noisy else 0)
