#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel test robot's allmodconfig case, on a small base: x86_64
# tinyconfig with configs/kunit-m.config (KUnit, its tests and KVM as
# modules, the series' options as high as Kconfig allows).  The series'
# built-in-only KUnit test must be off with KUNIT=m, and vmlinux and the
# modules must build, link and pass modpost, with no warning in a file the
# series touches.  Built in work/build/kunit-m through ccache.
. "$(dirname "$0")/lib.sh"
need_tree

build=$BUILD_DIR/kunit-m
mkdir -p "$build"
kmake() {
	make -C "$LINUX_DIR" O="$build" ARCH=x86_64 CC="ccache gcc" "$@"
}

log=$build/build.log
rm -f "$build/tree-state"
state=$(tree_state)
say "configuring x86_64 tinyconfig + configs/kunit-m.config in ${build#"$TOP"/}"
config_kunit_m "$LINUX_DIR" "$build" "$log" || {
	tail -20 "$log" >&2
	die "configuring failed (log: $log)"
}

# What Kconfig made of the request: KUnit and KVM modules, and the
# built-in-only test off (not set, or not offered at all).
bad=0
for want in CONFIG_KUNIT=m CONFIG_KVM=m CONFIG_KVM_INTEL=m CONFIG_DEBUG_VM=y \
	CONFIG_MMU_NOTIFIER_TEST=y; do
	grep -qx "$want" "$build/.config" || {
		warn "expected $want in $build/.config"
		bad=1
	}
done
if grep -q '^CONFIG_MMU_NOTIFIER_KUNIT_TEST=' "$build/.config"; then
	warn "$(grep '^CONFIG_MMU_NOTIFIER_KUNIT_TEST=' "$build/.config") with CONFIG_KUNIT=m: the test would be built into vmlinux without KUnit"
	bad=1
fi
[ "$bad" -eq 0 ] || die "Kconfig did not resolve the series' options as expected"
say "Kconfig: CONFIG_KUNIT=m, CONFIG_KVM=m with kvm_intel, DEBUG_VM and the test device on, CONFIG_MMU_NOTIFIER_KUNIT_TEST off"

say "building vmlinux and modules (KUNIT=m, $(grep -c '=m$' "$build/.config") modules)"
if ! kmake -j"$JOBS" all >>"$log" 2>&1; then
	grep -E 'error|ERROR|undefined' "$log" | head -20 >&2
	die "the KUNIT=m build does not build or link (log: $log)"
fi
"$BENCH_DIR/series-warnings.sh" "$log" "x86_64 KUNIT=m"
echo "$state" >"$build/tree-state"
say "KUNIT=m: vmlinux and $(grep -c . "$build/modules.order") modules built and linked"
