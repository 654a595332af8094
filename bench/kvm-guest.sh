#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the x86_64 kernel of "make check" (the suite is its only KUnit
# suite: no kunit.filter_glob, whose filtered copy of the suite v7.0's
# debugfs run file uses after it was freed) under QEMU's TCG with -cpu EPYC,
# which emulates AMD SVM so that kvm_amd loads in the guest, and two CPUs.
# The kernel runs the mmu_notifier suite at boot; a small static /init
# (guest-init.c) runs it a second time in the same boot through its debugfs
# run file, then opens /dev/kvm and calls KVM_CREATE_VM, which registers
# KVM's notifier under the series' rule.  Passes when both runs of the
# suite pass every case, the VM is created, and the log has no splat.
#
#   KVM_GUEST_EXPECT=created (default) or einval: the outcome that passes.
. "$(dirname "$0")/lib.sh"
need_tree

expect=${KVM_GUEST_EXPECT:-created}
kbuild=$BUILD_DIR/kunit-x86_64
kernel=$kbuild/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "run 'make kunit-x86_64' first: no $kernel"
need_fresh_kernel "$kbuild"
out=$BUILD_DIR/kvm-guest
mkdir -p "$out"

gcc -static -O2 -Wall -Werror -o "$out/init" "$BENCH_DIR/guest-init.c" ||
	die "cannot build the guest program (is libc6-dev installed?)"
cat >"$out/initramfs.list" <<LIST
dir /dev 0755 0 0
dir /debug 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $out/init 0755 0 0
LIST
"$kbuild/usr/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio" ||
	die "gen_init_cpio failed"

say "booting x86_64 under QEMU (TCG, -cpu EPYC, 2 CPUs): the suite twice, then a KVM VM"
t0=$SECONDS
boot_x86_guest "$kernel" "$out/initramfs.cpio" "console=ttyS0 panic=-1" \
	"$out/console" 600 || true
log=$out/console.txt
say "guest ran for $((SECONDS - t0)) s (log: ${log#"$TOP"/})"

grep -E 'kvm_amd: |kvm-guest: |guest: |# mmu_notifier: ' "$log" >&2 || true
bad=0
runs=$(grep -cE '^(\[[ 0-9.]*\] )? *ok [0-9]+ mmu_notifier$' "$log" || true)
if [ "$runs" -ne 2 ]; then
	warn "the suite passed $runs time(s) in the boot, not 2"
	bad=1
fi
if grep -E '^(\[[ 0-9.]*\] )? *not ok ' "$log" >&2; then
	warn "cases failed (above)"
	bad=1
fi
grep -q 'guest: RERUN done' "$log" || { warn "the second run did not happen"; bad=1; }
grep -q 'kvm_amd: Nested Paging enabled' "$log" ||
	{ warn "kvm_amd did not enable nested paging in the guest"; bad=1; }
case $expect in
created) pattern='kvm-guest: RESULT created' ;;
einval) pattern='kvm-guest: RESULT create-failed errno=22 ' ;;
*) die "KVM_GUEST_EXPECT must be created or einval" ;;
esac
grep -q "$pattern" "$log" || { warn "KVM_CREATE_VM did not end as expected ($expect)"; bad=1; }
grep -q 'smp: Brought up .* 2 CPUs' "$log" || { warn "the guest did not bring up its 2 CPUs"; bad=1; }
"$BENCH_DIR/splat-check.sh" --whole "$log" || bad=1
[ "$bad" -eq 0 ] || die "the x86_64 guest check failed (log: $log)"
say "guest: the suite passed twice in one boot; KVM_CREATE_VM: $expect, as expected"
