#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every patch of the series builds, and passes the KUnit suite where it has
# one, on its own.  Each commit before HEAD is checked out in a second work
# tree, work/bisect/linux, and built incrementally in work/bisect/build: the
# x86_64 vmlinux and modules of kunit-m.sh's config (tinyconfig, KVM and
# KUnit as modules, every option the series touches), so that
# mm/mmu_notifier.c, kernel/fork.c, the test device and KVM compile at every
# patch and little else does; and the UML KUnit kernel once the suite
# exists.  Both use the same relative paths as work/build, so ccache has
# what the other steps built at HEAD.  HEAD itself was built and tested by
# the other steps of "make check".
. "$(dirname "$0")/lib.sh"

need_tree
tree=$("$BENCH_DIR/bisect-tree.sh")
bisect_build=$BISECT_DIR/build

build=$bisect_build/kunit-m
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

	log=$build/build-$i.log
	config_kunit_m "$tree" "$build" "$build/config-$i.log" ||
		die "$name: the x86_64 config failed (log: $build/config-$i.log)"
	# What the config asks for, where this commit has the option.
	for want in CONFIG_KUNIT=m CONFIG_KVM=m CONFIG_KVM_INTEL=m \
		CONFIG_KVM_AMD=m CONFIG_DEBUG_VM=y CONFIG_MMU_NOTIFIER_TEST=y; do
		opt=${want%=*}
		grep -rqx "config ${opt#CONFIG_}" --include='Kconfig*' \
			"$tree/mm" "$tree/lib" "$tree/arch/x86/kvm" || continue
		grep -qx "$want" "$build/.config" ||
			die "$name: $want did not stick in the x86_64 config"
	done
	if ! make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		all >"$log" 2>&1; then
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
