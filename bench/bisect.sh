#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every patch of the series builds, and passes the KUnit suite where it has
# one, on its own.  Each commit before HEAD is checked out in a second work
# tree, work/bisect/linux, and built incrementally in work/bisect/build: an
# x86_64 vmlinux of tinyconfig with KVM and every option the series touches
# (configs/bisect.config), so that mm/mmu_notifier.c, kernel/fork.c, the
# test device, the suite and KVM compile at every patch and nothing else
# does; and the UML KUnit kernel once the suite exists (the same relative
# paths as work/build, so ccache hits).  HEAD itself was built and tested by
# the other steps of "make check".
. "$(dirname "$0")/lib.sh"

need_tree
tree=$("$BENCH_DIR/bisect-tree.sh")
bisect_build=$BISECT_DIR/build

build=$bisect_build/tiny-x86_64
mkdir -p "$build"
kmake() {
	make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" "$@"
}
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

	log=$build/build-$i.log
	kmake tinyconfig >"$build/config-$i.log" 2>&1 &&
		cat "$CONFIG_DIR/bisect.config" >>"$build/.config" &&
		kmake olddefconfig >>"$build/config-$i.log" 2>&1 ||
		die "$name: the x86_64 config failed (log: $build/config-$i.log)"
	# What the fragment asks for, where this commit has the option.
	while read -r opt; do
		grep -qx "config ${opt#CONFIG_}" "$tree/mm/Kconfig" \
			"$tree/arch/x86/kvm/Kconfig" "$tree/lib/Kconfig.debug" \
			"$tree/mm/Kconfig.debug" 2>/dev/null || continue
		grep -qx "$opt=y" "$build/.config" ||
			die "$name: $opt=y did not stick in the x86_64 config"
	done < <(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$CONFIG_DIR/bisect.config")
	if ! kmake vmlinux >"$log" 2>&1; then
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
