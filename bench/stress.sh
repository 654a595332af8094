#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the randomized model and concurrency stress of the pairing
# rules, bench code rather than part of the series' KUnit test.
#
# bench/mmu_notifier_stress.c is grafted into the work tree at HEAD (and
# taken out again at the end) and built into the UML KUnit kernel of
# "kunit.sh um debug" (lockdep, atomic-sleep checks, KASAN and DEBUG_VM),
# in its build directory: the bench's files build under the suite's own
# option, so only they and what their Kconfig and Makefile lines touch
# are compiled.
# Where the tree has 7.1's two-pass interval notifiers (invalidate_finish),
# bench/mmu_notifier_twopass.c is built in beside it and must pass too.
# Fails if a case fails or the kernel log shows a splat.  KERNEL_ARGS adds
# to the kernel command line (mmu_notifier_stress.seed=N replays a seed).
. "$(dirname "$0")/lib.sh"
need_tree

borrow_work_tree "make stress"
tree=$LINUX_DIR
build=$BUILD_DIR/kunit-um-debug

grafts=(mmu_notifier_stress.c)
# Where the tree has 7.1's two-pass interval notifiers, their cases too.
twopass=
if grep -q invalidate_finish "$tree/include/linux/mmu_notifier.h"; then
	twopass=y
	grafts+=(mmu_notifier_twopass.c)
fi
borrowed Kconfig
borrowed lib/Makefile
for f in "${grafts[@]}"; do
	borrowed "lib/$f"
	graft_kunit_file "$tree" "$f" MMU_NOTIFIER_KUNIT_TEST
done

# kunit.sh configures, builds and runs it as it does work/build's, and
# checks the log for splats; the glob takes mmu_notifier_stress and
# mmu_notifier_twopass.
rc=0
KUNIT_GLOB='mmu_notifier_[st][tw]*' "$BENCH_DIR/kunit.sh" um debug || rc=$?
if [ -n "$twopass" ] && ! grep -q '# mmu_notifier_twopass: pass:[1-9]' "$build/test.log"; then
	rc=1
	say "the two-pass suite did not pass (kernel log: $build/test.log)"
fi
[ $rc -eq 0 ] || die "the stress cases failed (kernel log: $build/test.log)"
