#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Compile drivers/misc/sgi-gru/ for x86_64 with SGI UV enabled: the GRU is
# the one in-tree user of invalidate_range_end() besides KVM, and no other
# configuration of the bench builds it.  Fails on an error or a warning.
. "$(dirname "$0")/lib.sh"
need_tree

base_config=$BUILD_DIR/kunit-x86_64/.config
[ -f "$base_config" ] || die "run 'make kunit-x86_64' first: no $base_config"
build=$BUILD_DIR/gru-x86_64
mkdir -p "$build"
cat "$base_config" "$CONFIG_DIR/x86_64-gru.config" >"$build/.config"
log=$build/build.log
make -C "$LINUX_DIR" O="$build" ARCH=x86_64 CC="ccache gcc" olddefconfig \
	>"$log" 2>&1 || die "olddefconfig failed (log: $log)"
grep -q '^CONFIG_SGI_GRU=y' "$build/.config" ||
	die "CONFIG_SGI_GRU did not stick in $build/.config"
# With sparse (C=2) and W=1 too: static.sh leaves this driver to us.
make -C "$LINUX_DIR" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
	C=2 W=1 drivers/misc/sgi-gru/ >>"$log" 2>&1 || {
	tail -20 "$log" >&2
	die "drivers/misc/sgi-gru/ does not build (log: $log)"
}
if grep 'sgi-gru/grutlbpurge.c:.*warning:' "$log" >&2; then
	die "drivers/misc/sgi-gru/grutlbpurge.c, which the series touches, has warnings (log: $log)"
fi
say "drivers/misc/sgi-gru/ builds on x86_64 with X86_UV ($(ls "$build"/drivers/misc/sgi-gru/*.o | wc -l) objects)"
