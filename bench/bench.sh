#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the cost of the mmu_notifier walk on the base and on the
# series, measured in one run.
#
# bench/mmu_notifier_bench.c is built into two UML kernels without debug
# options, one of the base and one of the series (HEAD of the work tree),
# each in a work tree of its own under work/bench/.  UML runs kernel code
# natively, as a process of the host.  The two kernels are then booted in
# alternating rounds (base first in odd rounds, series first in even ones),
# BENCH_ROUNDS of each (default 15); every boot prints, for every row, the
# median of its samples.  That time depends on what else the machine runs,
# so the same code is also built into two x86_64 kernels (tinyconfig with
# configs/bench-x86_64.config) and booted under QEMU's TCG with
# "-icount shift=0,sleep=off": the guest's clock then advances one ns per
# instruction executed, whatever the host's load, BENCH_ICOUNT_ROUNDS of
# each (default 3).  bench-report.py prints, per row, the median over the
# rounds, the interquartile range over the rounds (in % of the median) and
# the series/base ratio of both measures, and writes the table and a plot
# to work/bench/.  It exits 2, after the table, when a hot-path row's
# native spread is too wide to read (BENCH_MAX_IQR %, default 5).
. "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-15}
[ "$rounds" -ge 2 ] 2>/dev/null || die "BENCH_ROUNDS=$rounds: at least 2 rounds are needed for a spread"
icount_rounds=${BENCH_ICOUNT_ROUNDS:-3}
[ "$icount_rounds" -ge 2 ] 2>/dev/null || die "BENCH_ICOUNT_ROUNDS=$icount_rounds: at least 2 rounds are needed for a spread"
command -v qemu-system-x86_64 >/dev/null || die "QEMU is missing: run 'make bench', which installs it"
out=$WORK_DIR/bench${KERNEL_TREE:+-kernel-tree}
mkdir -p "$out"
command -v gnuplot >/dev/null || die "gnuplot is missing: run 'make bench', which installs it"

series_head=$(git -C "$LINUX_DIR" rev-parse HEAD)
[ "$series_head" != "$(git -C "$LINUX_DIR" rev-parse base)" ] ||
	die "the work tree holds no series: nothing to compare with the base"

for side in base series; do
	tree=$out/$side/linux
	rev=base
	[ $side = series ] && rev=$series_head
	if [ ! -e "$tree/.git" ]; then
		git -C "$LINUX_DIR" worktree prune
		mkdir -p "$out/$side"
		git -C "$LINUX_DIR" worktree add -q --detach "$tree" "$rev" >&2
	fi
	git -C "$tree" checkout -q -f --detach "$rev"
	flags=()
	grep -q start_never_fails "$tree/include/linux/mmu_notifier.h" &&
		flags=(-DHAVE_START_NEVER_FAILS)
	# The same alignment of functions and loops in both kernels, for the
	# code measured: otherwise where the linker puts mm/mmu_notifier.o's
	# hot loop moves the figures by several % between two builds.
	align='-falign-functions=64 -falign-loops=64'
	graft_kunit_file "$tree" mmu_notifier_bench.c MMU_NOTIFIER_BENCH \
		$align "${flags[@]}"
	echo "CFLAGS_mmu_notifier.o += $align" >>"$tree/mm/Makefile"
	say "building the $side UML kernel ($(git -C "$tree" log -1 --format='%h %s'))"
	build_uml_kunit "$tree" "$out/$side/build" "$CONFIG_DIR/bench.kunitconfig"

	build=$out/$side/build-x86_64
	mkdir -p "$build"
	say "building the $side x86_64 kernel for -icount"
	{ make -C "$tree" O="$build" ARCH=x86_64 tinyconfig &&
	  cat "$CONFIG_DIR/bench-x86_64.config" >>"$build/.config" &&
	  make -C "$tree" O="$build" ARCH=x86_64 olddefconfig &&
	  grep -qx CONFIG_MMU_NOTIFIER_BENCH=y "$build/.config" &&
	  make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		bzImage; } >"$build/build.log" 2>&1 || {
		tail -20 "$build/build.log" >&2
		die "the $side x86_64 kernel did not build (log: $build/build.log)"
	}
done

raw=$out/raw
rm -rf "$raw"
mkdir -p "$raw"
say "running $rounds rounds of base and series, alternating"
for r in $(seq 1 "$rounds"); do
	order=(base series)
	[ $((r % 2)) -eq 0 ] && order=(series base)
	for side in "${order[@]}"; do
		log=$raw/$side-$r.log
		# kunit.py's UML command line; the memory file goes to TMPDIR.
		timeout 300 "$out/$side/build/linux" mem=256M console=tty \
			kunit_shutdown=halt </dev/null >"$log" 2>&1 || true
		if grep -q 'not ok' "$log" ||
		   ! grep -q 'ok 1 mmu_notifier_bench$' "$log"; then
			grep -E 'not ok|Expected|BUG|WARNING' "$log" >&2 || tail -20 "$log" >&2
			die "the $side kernel's benchmark did not pass in round $r (log: $log)"
		fi
		grep -h '^mmu_notifier_bench: [a-z]' "$log" | cut -d' ' -f2,3 >"$raw/$side-$r.txt"
	done
	printf '.' >&2
done
printf '\n' >&2

say "running $icount_rounds rounds of base and series under QEMU -icount, alternating"
for r in $(seq 1 "$icount_rounds"); do
	order=(base series)
	[ $((r % 2)) -eq 0 ] && order=(series base)
	for side in "${order[@]}"; do
		log=$raw/icount-$side-$r.log
		timeout 900 qemu-system-x86_64 -accel tcg -icount shift=0,sleep=off \
			-m 256 -smp 1 -nodefaults -display none -serial stdio \
			-no-reboot -kernel "$out/$side/build-x86_64/arch/x86/boot/bzImage" \
			-append "console=ttyS0 kunit_shutdown=reboot mmu_notifier_bench.loops=${BENCH_ICOUNT_LOOPS:-10000}" \
			</dev/null 2>&1 | tr -d '\r' >"$log" || true
		if grep -q 'not ok' "$log" ||
		   ! grep -q 'ok 1 mmu_notifier_bench$' "$log"; then
			grep -E 'not ok|Expected|BUG|WARNING' "$log" >&2 || tail -20 "$log" >&2
			die "the $side -icount kernel's benchmark did not pass in round $r (log: $log)"
		fi
		# ktime must come from the TSC, which follows the instruction count.
		grep -q 'clocksource: Switched to clocksource tsc' "$log" ||
			die "the $side -icount kernel does not use the TSC clocksource (log: $log)"
		grep -h '^mmu_notifier_bench: [a-z]' "$log" | cut -d' ' -f2,3 >"$raw/icount-$side-$r.txt"
	done
	printf '.' >&2
done
printf '\n' >&2

rc=0
python3 "$BENCH_DIR/bench-report.py" "$raw" "$out" "$rounds" "$icount_rounds" || rc=$?
case $rc in
0 | 2) say "table: $out/bench.md, plot: $out/bench.png" ;;
*) die "bench-report.py failed (exit $rc): no table" ;;
esac
[ "$rc" -eq 0 ] || die "the native figures are noise: a hot-path row's spread is over ${BENCH_MAX_IQR:-5}% (the -icount figures above still hold)"
