#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the randomized model and concurrency stress of the pairing
# rules, bench code rather than part of the series' KUnit test.
#
# bench/mmu_notifier_stress.c is built into a UML KUnit kernel of the work
# tree's HEAD, grafted into the second work tree (bisect-tree.sh), and run.
# The kernel is the one of "kunit.sh um debug" (lockdep, atomic-sleep
# checks, KASAN and DEBUG_VM): the same .config (the bench's files are
# built under the suite's own option), built in the directory that
# mutants.sh builds its mutants in next, and at the same path from build
# directory to tree as work/build, so that ccache has every other object
# already.
# Where the tree has 7.1's two-pass interval notifiers (invalidate_finish),
# bench/mmu_notifier_twopass.c is built in beside it and must pass too.
# Fails if a case fails or the kernel log shows a splat.  KERNEL_ARGS adds
# to the kernel command line (mmu_notifier_stress.seed=N replays a seed).
. "$(dirname "$0")/lib.sh"
need_tree

tree=$("$BENCH_DIR/bisect-tree.sh")
build=$BISECT_DIR/build/kunit-um-debug
head=$(git -C "$LINUX_DIR" rev-parse HEAD)

# -f drops the last run's graft (and anything done to the tree by hand).
git -C "$tree" checkout -q -f --detach "$head"
graft_kunit_file "$tree" mmu_notifier_stress.c MMU_NOTIFIER_KUNIT_TEST
# Where the tree has 7.1's two-pass interval notifiers, their cases too.
twopass=
if grep -q invalidate_finish "$tree/include/linux/mmu_notifier.h"; then
	twopass=y
	graft_kunit_file "$tree" mmu_notifier_twopass.c MMU_NOTIFIER_KUNIT_TEST
fi
# Leave the scratch tree clean: the graft is the bench's, not work to keep.
trap 'git -C "$tree" checkout -q -f --detach "$head"; rm -f "$tree"/lib/mmu_notifier_{stress,twopass}.c' EXIT

# kunit.sh configures, builds and runs it as it does work/build's, and
# checks the log for splats; the glob takes mmu_notifier_stress and
# mmu_notifier_twopass.
rc=0
KUNIT_GLOB='mmu_notifier_[st][tw]*' LINUX_DIR=$tree BUILD_DIR=$BISECT_DIR/build \
	"$BENCH_DIR/kunit.sh" um debug || rc=$?
if [ -n "$twopass" ] && ! grep -q '# mmu_notifier_twopass: pass:[1-9]' "$build/test.log"; then
	rc=1
	say "the two-pass suite did not pass (kernel log: $build/test.log)"
fi
[ $rc -eq 0 ] || die "the stress cases failed (kernel log: $build/test.log)"
