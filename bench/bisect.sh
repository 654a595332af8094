#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every patch of the series builds, and passes the KUnit suite where it has
# one, on its own.  Each commit before HEAD is checked out in a second work
# tree, work/bisect/linux, and built incrementally in work/bisect/build (the
# same relative paths as work/linux and work/build, so ccache hits): the x86_64 kernel that "make check" built
# (with KVM, so mm/mmu_notifier.c and every user of end are compiled), and
# the UML KUnit kernel once the suite exists.  HEAD itself was built and
# tested by the KUnit runs of "make check".
. "$(dirname "$0")/lib.sh"

need_tree
x86_config=$BUILD_DIR/kunit-x86_64/.config
[ -f "$x86_config" ] || die "run 'make kunit-x86_64' first: bisect reuses its .config"

tree=$("$BENCH_DIR/bisect-tree.sh")
bisect_build=$BISECT_DIR/build

build=$bisect_build/kunit-x86_64
mkdir -p "$build"
# Every commit but HEAD, as "POSTING NUMBER COMMIT".
mapfile -t commits < <(split_commits | sed '$d')
n=$(git -C "$LINUX_DIR" rev-list --count base..HEAD)
i=0
for line in "${commits[@]}"; do
	read -r posting num c <<<"$line"
	i=$((i + 1))
	subject=$(git -C "$LINUX_DIR" log -1 --format=%s "$c")
	# Named as in series/: "2-contract/0003 (subject)".
	name=${posting#.}
	name="${name:+$name/}$num ($subject)"
	say "[$i/$n] $name"
	git -C "$tree" checkout -q --detach "$c"

	cp "$x86_config" "$build/.config"
	log=$build/build-$i.log
	if ! make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		olddefconfig all >"$log" 2>&1; then
		tail -30 "$log" >&2
		die "$name does not build on x86_64 (log: $log)"
	fi
	if grep -q 'warning:' "$log"; then
		grep 'warning:' "$log" >&2
		die "$name builds with warnings on x86_64 (log: $log)"
	fi

	if [ -f "$tree/mm/tests/mmu_notifier_kunit.c" ]; then
		LINUX_DIR=$tree BUILD_DIR=$bisect_build "$BENCH_DIR/kunit.sh" um \
			>"$build/kunit-$i.log" 2>&1 || {
			cat "$build/kunit-$i.log" >&2
			die "$name fails the KUnit suite on UML"
		}
		grep -E '^\[..:..:..\] Testing complete' "$build/kunit-$i.log" >&2 || true
	fi
done
say "bisect: all $n patches build on their own"
