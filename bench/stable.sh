#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make stable: patch 1, the fix marked for stable, on Debian's 6.1.
#
# The tree is made by tree.sh from linux-source-6.1 (pinned in lib.sh,
# fetched and checked like the 6.12 base) in work/stable/linux, with the
# first patch of the fix posting, series/1-fix/0001-*.patch, applied by
# git am.  bench/mmu_notifier_stable_test.c, a KUnit case of the fix that
# needs nothing newer than 6.1, is then built into a UML kernel twice: on
# 6.1 as Debian ships it, where it must fail (the interval tree
# invalidation is leaked), and on 6.1 + patch 1, where it must pass.
. "$(dirname "$0")/lib.sh"

stable=$WORK_DIR/stable
build=$stable/build
mkdir -p "$stable/series"
# The first patch of the first posting (or of a flat series/).
mapfile -t dirs < <(postings "$SERIES_DIR")
fix=${dirs[0]:-$SERIES_DIR}
mapfile -t patches < <(patches_in "$fix")
patch1=${patches[0]:-}
[ -n "$patch1" ] || die "${fix#"$TOP"/} has no patches: nothing to try on stable"
# What goes to stable: patch 1 alone.  tree.sh applies "series/" of this.
rm -f "$stable/series/"*.patch
cp "$patch1" "$stable/series/"

export BASE_PKG=$STABLE_PKG BASE_VERSION=$STABLE_VERSION BASE_SHA256=$STABLE_SHA256
export LINUX_DIR=$stable/linux SERIES_DIR=$stable/series
"$BENCH_DIR/tree.sh" --exact
tree=$LINUX_DIR

# Leave the tree as tree.sh made it, whatever happens below.
trap 'git -C "$tree" checkout -q -f series; rm -f "$tree/lib/mmu_notifier_stable_test.c"' EXIT

kunitconfig=$CONFIG_DIR/stable.kunitconfig

run() {
	build_uml_kunit "$tree" "$build" "$kunitconfig"
	(cd "$tree" && python3 tools/testing/kunit/kunit.py exec --arch=um \
		--build_dir="$build" --timeout 300) >"$1" 2>&1
}

say "6.1 without patch 1: the check must fail"
git -C "$tree" checkout -q -f --detach base
graft_kunit_file "$tree" mmu_notifier_stable_test.c MMU_NOTIFIER_STABLE_TEST
if run "$stable/without-fix.log"; then
	cat "$stable/without-fix.log" >&2
	die "the check passed on $STABLE_PKG without patch 1: it cannot see the bug there"
fi
grep -q 'left open' "$stable/without-fix.log" && ! grep -qE 'CRASHED|crashed: [1-9]' "$stable/without-fix.log" || {
	cat "$stable/without-fix.log" >&2
	die "without patch 1 the check failed, but not on the leak (log above)"
}
grep -E -A3 'Expected' "$stable/without-fix.log" | sed 's/^/    /' >&2

say "6.1 with patch 1 ($(git -C "$tree" log -1 --format=%s series)): the check must pass"
git -C "$tree" checkout -q -f series
graft_kunit_file "$tree" mmu_notifier_stable_test.c MMU_NOTIFIER_STABLE_TEST
if ! run "$stable/with-fix.log"; then
	cat "$stable/with-fix.log" >&2
	die "the check failed on $STABLE_PKG with patch 1 (log: $stable/with-fix.log)"
fi
"$BENCH_DIR/splat-check.sh" "$build/test.log"
grep -E 'PASSED|Testing complete' "$stable/with-fix.log" | sed 's/^/    /' >&2
say "stable: patch 1 applies to $STABLE_PKG $STABLE_VERSION and its check passes there (and fails without it)"
