#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fail if a kernel log shows a splat while the mmu_notifier suite (or
# make stable's mmu_notifier_stable) runs:
# lockdep, KASAN, BUG, WARN, Oops, panic, hung task, UBSAN.  What the kernel
# printed before the suite started (UML warns at boot about its virtio PCI
# bus having no device) is not looked at, unless --whole is given.  A splat that a test case provokes on purpose is
# announced by the case on the console first, with a line
#   mmu_notifier_test: expect splat: <text>
# and the splat whose first line contains <text> is then allowed, once.
. "$(dirname "$0")/lib.sh"

whole=0
if [ "${1:-}" = --whole ]; then
	whole=1	# a boot without the suite: look at everything
	shift
fi
log=${1:?usage: splat-check.sh [--whole] KERNEL-LOG}
[ -f "$log" ] || die "no kernel log at $log"

awk -v insuite="$whole" '
	/# Subtest: mmu_notifier(_stable)?\r?$/ { insuite = 1 }
	!insuite { next }
	/mmu_notifier_test: expect splat: / {
		sub(/.*mmu_notifier_test: expect splat: /, "")
		expect[$0]++
		next
	}
	# Splats start their line ("WARNING: CPU: ...", "BUG: KASAN: ...");
	# "Speculative Return Stack Overflow: WARNING: ..." at boot is no splat.
	/^(\[[ 0-9.]*\] )?(BUG: |WARNING: |Oops|Kernel panic|general protection fault|UBSAN:|INFO: task .* blocked)/ {
		for (e in expect)
			if (expect[e] > 0 && index($0, e)) {
				expect[e]--
				allowed++
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
		for (e in expect)
			if (expect[e] > 0)
				print "expected splat did not happen: " e
		exit bad > 0
	}
' "$log" >&2 || die "the kernel log $log shows the splats above"
