#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and run the series' KUnit suite with the tree's own kunit.py.
#
#   kunit.sh um|x86_64 [NAME FRAGMENT...]
#
# NAME names the build directory (work/build/kunit-ARCH[-NAME]); each
# FRAGMENT is a Kconfig fragment from configs/ added to the suite's
# kunitconfig.  "x86_64" alone and "um debug" add configs/debug.config
# themselves (UML with configs/kasan-outline.config).  Builds are
# incremental and go through ccache.  x86_64 runs under QEMU: with KVM if
# a short probe boot under KVM works, else TCG.
# KERNEL_ARGS adds to the kernel command line.
# Fails if a case fails or the kernel log shows a splat (splat-check.sh).
. "$(dirname "$0")/lib.sh"
need_tree

arch=${1:?usage: kunit.sh um|x86_64 [NAME FRAGMENT...]}
shift
name=${1:-}
[ $# -gt 0 ] && shift
build=$BUILD_DIR/kunit-$arch${name:+-$name}
mkdir -p "$build"

fragments=(mmu_notifier.kunitconfig)
[ "$arch" = um ] && fragments+=(uml-small.config)
[ "$arch" = x86_64 ] && fragments+=(x86_64.config)
# The x86_64 kernel is also the one kvm-guest.sh and selftest.sh boot, and
# has the debug options: one x86_64 build serves every step that boots one.
[ "$arch" = x86_64 ] && [ -z "$name" ] && fragments+=(selftest.config debug.config)
# The UML kernel named debug has them too, KASAN's checks as calls: every
# caller gets the same fragments, so the build directories they share
# keep one .config.
[ "$arch" = um ] && [ "$name" = debug ] &&
	fragments+=(debug.config kasan-outline.config)
fragments+=("$@")
# The suite that WARNs on purpose, where the tree has it (not at the fix
# posting alone): the bench runs it, a default kunit.py run does not.
if grep -qx 'config MMU_NOTIFIER_KUNIT_WARN_TEST' "$LINUX_DIR/mm/Kconfig"; then
	fragments+=(mmu_notifier-warn.kunitconfig)
fi
fragments=("${fragments[@]/#/"$CONFIG_DIR"/}")
kunitconfigs=("${fragments[@]/#/--kunitconfig=}")

kunit() {
	(cd "$LINUX_DIR" && python3 tools/testing/kunit/kunit.py "$@")
}
common=(--build_dir="$build" --arch="$arch" "${kunitconfigs[@]}")

say "building $arch kernel in ${build#"$TOP"/}"
rm -f "$build/tree-state" "$build/tree-state-passed"
state=$(tree_state)
log=$build/build.log
# The bench configures and builds, kunit.py runs the kernel.  The .config is
# made anew only when the fragments or the tree's Kconfig files (and the
# base configs) change: kunit.py's olddefconfig before every build cost 7 s
# here, at every patch of bisect.sh and every mutant.
config_state=$({
	awk 1 "${fragments[@]}"
	git -C "$LINUX_DIR" ls-files -s -- '*Kconfig*' 'kernel/configs/*' \
		'arch/x86/configs/tiny.config' 'tools/testing/kunit/configs/*'
	git -C "$LINUX_DIR" diff HEAD -- '*Kconfig*' 'kernel/configs/*' \
		'arch/x86/configs/tiny.config' 'tools/testing/kunit/configs/*'
} | sha1sum | cut -c1-12)
if [ ! -f "$build/.config" ] ||
   [ "$(cat "$build/config-state" 2>/dev/null)" != "$config_state" ]; then
	rm -f "$build/config-state"
	if [ "$arch" = x86_64 ]; then
		# Not kunit.py's olddefconfig, which on x86_64 turns on a
		# distribution's defaults: tinyconfig plus the fragments.
		config_x86_tiny "$LINUX_DIR" "$build" "$log" "${fragments[@]}"
	else
		# As kunit.py makes it: its UML options, then the fragments.
		uml=()
		[ ! -f "$LINUX_DIR/tools/testing/kunit/configs/arch_uml.config" ] ||
			uml=("$LINUX_DIR/tools/testing/kunit/configs/arch_uml.config")
		{ awk 1 "${uml[@]}" "${fragments[@]}" >"$build/.config" &&
		  make -C "$LINUX_DIR" O="$build" ARCH=um olddefconfig; } >"$log" 2>&1
	fi || {
		tail -20 "$log" >&2
		die "configuring the $arch kernel failed (log: $log)"
	}
	echo "$config_state" >"$build/config-state"
else
	: >"$log"
fi
make -C "$LINUX_DIR" O="$build" ARCH="$arch" CC="ccache gcc" -j"$JOBS" \
	</dev/null >>"$log" 2>&1 || {
	tail -40 "$log" >&2
	die "the $arch build failed (log: $log)"
}
# What kunit.py checks of a .config it built.
unmet=$(config_unmet "$build/.config" "${fragments[@]}")
[ -z "$unmet" ] || {
	printf '%s\n' "$unmet" >&2
	die "the lines above of the $arch fragments did not stick in $build/.config"
}
echo "$state" >"$build/tree-state"

"$BENCH_DIR/series-warnings.sh" "$build/build.log" "$arch"

exec_args=(--timeout "${KUNIT_TIMEOUT:-600}")
if [ "$arch" = x86_64 ]; then
	accel=$("$BENCH_DIR/kvm-probe.sh" "$build/arch/x86/boot/bzImage")
	say "QEMU accelerator: $accel"
	if [ "$accel" = kvm ]; then
		exec_args+=(--qemu_args "-accel kvm -cpu host -smp 2")
	else
		exec_args+=(--qemu_args "-accel tcg -smp 2")
		# kunit.py of later kernels (v7.0) puts "-accel kvm -accel hvf"
		# first, and QEMU takes the first that opens: where /dev/kvm
		# opens but a guest hangs, as here, only TCG works.  A wrapper
		# first in PATH drops the two.
		mkdir -p "$build/qemu-tcg"
		cat >"$build/qemu-tcg/qemu-system-x86_64" <<'WRAP'
#!/bin/sh
for a in "$@"; do
	shift
	case $drop:$a in
	:-accel) drop=1; continue ;;
	1:kvm | 1:hvf) drop=; continue ;;
	1:*) set -- "$@" -accel ;;
	esac
	drop=
	set -- "$@" "$a"
done
exec /usr/bin/qemu-system-x86_64 "$@"
WRAP
		chmod +x "$build/qemu-tcg/qemu-system-x86_64"
		export PATH="$build/qemu-tcg:$PATH"
	fi
fi
[ -z "${KERNEL_ARGS:-}" ] || exec_args+=(--kernel_args "$KERNEL_ARGS")
rc=0
# KUNIT_GLOB: stress.sh runs the bench's own suites only.
kunit exec "${common[@]}" "${exec_args[@]}" "${KUNIT_GLOB:-mmu_notifier*}" || rc=$?
"$BENCH_DIR/splat-check.sh" "$build/test.log" || rc=1
if [ "$arch" = x86_64 ] && ! grep -q 'smp: Brought up .* 2 CPUs' "$build/test.log"; then
	warn "the x86_64 guest did not bring up its 2 CPUs (log: $build/test.log)"
	rc=1
fi
# bisect.sh starts from a kernel that passed, as the bench runs it.
[ $rc -ne 0 ] || [ -n "${KERNEL_ARGS:-}" ] || echo "$state" >"$build/tree-state-passed"
exit $rc
