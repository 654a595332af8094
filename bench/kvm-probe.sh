#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print "kvm" if QEMU can boot the given x86_64 kernel under KVM here, else
# "tcg".  The answer is cached per host kernel and QEMU version.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: kvm-probe.sh BZIMAGE}
if [ "${MMN_ACCEL:-}" = kvm ] || [ "${MMN_ACCEL:-}" = tcg ]; then
	echo "$MMN_ACCEL"
	exit 0
fi
if [ ! -w /dev/kvm ]; then
	echo tcg
	exit 0
fi
key="$(uname -r) $(qemu-system-x86_64 --version | head -1)"
cache=$MMN_CACHE/kvm-probe
if [ -f "$cache" ] && [ "$(head -1 "$cache")" = "$key" ]; then
	tail -1 "$cache"
	exit 0
fi
# A booting kernel reaches KUnit's TAP header within seconds under KVM.
out=$(timeout 40 qemu-system-x86_64 -accel kvm -cpu host -m 512 -nodefaults \
	-nographic -no-reboot -serial stdio -kernel "$kernel" \
	-append "console=ttyS0 panic=-1 kunit.filter_glob=none" 2>&1 || true)
if grep -q 'TAP version' <<<"$out"; then
	result=kvm
else
	result=tcg
fi
printf '%s\n%s\n' "$key" "$result" >"$cache"
echo "$result"
