#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fail if a kernel log shows a splat while the mmu_notifier suites (or
# make stable's mmu_notifier_stable, make stress's mmu_notifier_stress)
# run: lockdep, KASAN, BUG, WARN, Oops, panic, hung task, UBSAN.  What the
# kernel printed before the suites started (UML warns at boot about its
# virtio PCI bus having no device) is not looked at, unless --whole is
# given.  The mmu_notifier_warn suite's subscribers break the rules on
# purpose: a WARNING is expected there, and only there, and that suite
# must print at least one.
. "$(dirname "$0")/lib.sh"

whole=0
if [ "${1:-}" = --whole ]; then
	whole=1	# a boot without the suite: look at everything
	shift
fi
log=${1:?usage: splat-check.sh [--whole] KERNEL-LOG}
[ -f "$log" ] || die "no kernel log at $log"

awk -v insuite="$whole" '
	/# Subtest: mmu_notifier(_stable|_warn|_stress)?\r?$/ { insuite = 1 }
	/# Subtest: mmu_notifier_warn\r?$/ { inwarn = 1; warnsuite = 1 }
	/^(\[[ 0-9.]*\] )?(    )?(not )?ok [0-9]+ mmu_notifier_warn\r?$/ { inwarn = 0 }
	!insuite { next }
	# Splats start their line ("WARNING: CPU: ...", "BUG: KASAN: ...");
	# "Speculative Return Stack Overflow: WARNING: ..." at boot is no splat.
	/^(\[[ 0-9.]*\] )?(BUG: |WARNING: |Oops|Kernel panic|general protection fault|UBSAN:|INFO: task .* blocked)/ {
		if (inwarn && $0 ~ /WARNING: /) {
			warned++
			next
		}
		print "splat: " $0
		bad++
	}
	END {
		if (!insuite) {
			print "the mmu_notifier suite did not start"
			exit 1
		}
		if (warnsuite && !warned) {
			print "the mmu_notifier_warn suite printed no WARNING"
			bad++
		}
		exit bad > 0
	}
' "$log" >&2 || die "the kernel log $log shows the splats above"
