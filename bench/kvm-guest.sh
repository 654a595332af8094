#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Show for real that KVM's mmu_notifier registration is accepted: boot the
# x86_64 kernel of "make check" under QEMU's TCG with -cpu EPYC, which
# emulates AMD SVM so that kvm_amd loads in the guest, with a small static
# program as /init that opens /dev/kvm and calls KVM_CREATE_VM.
#
#   KVM_GUEST_EXPECT=created (default) or einval: the outcome that passes.
. "$(dirname "$0")/lib.sh"

expect=${KVM_GUEST_EXPECT:-created}
kbuild=$BUILD_DIR/kunit-x86_64
kernel=$kbuild/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "run 'make kunit-x86_64' first: no $kernel"
out=$BUILD_DIR/kvm-guest
mkdir -p "$out"

gcc -static -O2 -Wall -Werror -o "$out/init" "$BENCH_DIR/kvm-create-vm.c" ||
	die "cannot build the guest program (is libc6-dev installed?)"
cat >"$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $out/init 0755 0 0
LIST
"$kbuild/usr/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio" ||
	die "gen_init_cpio failed"

say "booting x86_64 under QEMU (TCG, -cpu EPYC) to create a KVM VM"
timeout 600 qemu-system-x86_64 -accel tcg -cpu EPYC -m 1024 -smp 1 \
	-nodefaults -nographic -serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$out/initramfs.cpio" \
	-append "console=ttyS0 kunit.enable=0 panic=-1" \
	</dev/null >"$out/console.log" 2>&1 || true
tr -d '\r' <"$out/console.log" >"$out/console.txt"

grep -E 'kvm_amd: |kvm-guest: |mmu_notifier: ' "$out/console.txt" >&2 || true
grep -q 'kvm_amd: Nested Paging enabled' "$out/console.txt" ||
	die "kvm_amd did not enable nested paging in the guest (log: $out/console.txt)"
case $expect in
created) pattern='kvm-guest: RESULT created' ;;
einval) pattern='kvm-guest: RESULT create-failed errno=22 ' ;;
*) die "KVM_GUEST_EXPECT must be created or einval" ;;
esac
grep -q "$pattern" "$out/console.txt" ||
	die "KVM_CREATE_VM did not end as expected ($expect) (log: $out/console.txt)"
"$BENCH_DIR/splat-check.sh" --whole "$out/console.txt"
say "KVM_CREATE_VM in the guest: $expect, as expected"
