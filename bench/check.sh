#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Everything CI checks, in order.  The first step makes the work tree hold
# exactly base + series/; if that fails nothing else can run.  After it
# every step runs even if an earlier one failed; the last line counts them.
. "$(dirname "$0")/lib.sh"

steps=(
	"series/ applies to the base|tree.sh --exact"
	"checkpatch --strict on every patch|checkpatch.sh"
	"KUnit suite on UML with lockdep, atomic-sleep checks and KASAN|kunit.sh um debug"
	"KUnit suite on x86_64 SMP (QEMU, 2 CPUs) with lockdep, atomic-sleep checks and KASAN|kunit.sh x86_64"
	"x86_64 guest: the suite twice in one boot, then KVM_CREATE_VM registers KVM's notifier|kvm-guest.sh"
	"x86_64 guest: mm selftest mmu_notifier_oom, a real OOM kill (run_vmtests.sh -t mmu_notifier, twice)|selftest.sh"
	"drivers/misc/sgi-gru builds (x86_64 with SGI UV)|gru-build.sh"
	"allmodconfig-style x86_64 build with KUNIT=m links|kunit-m.sh"
	"sparse, W=1 and kernel-doc: no new warning against the base|static.sh"
	"make htmldocs SPHINXDIRS=mm: no new warning against the base|htmldocs.sh"
	"arm64 (defconfig with KVM): the series' objects build, no new W=1 warning|cross.sh arm64"
	"riscv nommu_virt_defconfig: the series' objects build, no new W=1 warning|cross.sh nommu"
	"i386: the test device builds; its header has one layout for -m32 and -m64|cross.sh i386"
	"coccicheck (report) on the series' files: nothing new against the base|coccicheck.sh"
	"randomized model and concurrency stress (UML, bench code; two-pass cases where the tree has them)|stress.sh"
	"mutation gate: every mutant of bench/mutants/ is killed by a named case|mutants.sh"
	"every patch builds and passes on its own|bisect.sh"
)

# What the machine costs where kernel builds spend it, to compare runs by:
# starting processes and writing fresh memory.
t0=$(date +%s.%N)
for _ in $(seq 200); do /bin/true; done
t1=$(date +%s.%N)
mem="$(python3 -c 'x = b"\1" * (1 << 30)' 2>/dev/null &&
	awk "BEGIN { printf \"%.2f s\", $(date +%s.%N) - $t1 }")" || mem="n/a (no free GiB)"
machine="machine: 200 starts of /bin/true in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s, 1 GiB of fresh memory written in $mem"
say "$machine"

passed=0
failed=0
results=()
for s in "${steps[@]}"; do
	name=${s%%|*}
	read -r -a cmd <<<"${s#*|}"
	say "check: $name"
	t0=$SECONDS
	if "$BENCH_DIR/${cmd[0]}" "${cmd[@]:1}"; then
		passed=$((passed + 1))
		results+=("PASS  $name ($((SECONDS - t0)) s)")
	else
		failed=$((failed + 1))
		results+=("FAIL  $name ($((SECONDS - t0)) s)")
		if [ "$passed" -eq 0 ]; then
			results+=("      (the other steps need the work tree and were not run)")
			break
		fi
	fi
done

printf '\n'
printf '%s\n' "${results[@]}"
printf '%s\n' "$machine"
printf 'check: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
