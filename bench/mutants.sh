#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The mutation gate: every mutant in bench/mutants/ must be killed.
#
# Each mutant is a small patch that breaks one thing the series fixes or
# guards.  It is applied on top of the series in the work tree (which must
# have no uncommitted changes; its files are put back after each), and the
# UML KUnit kernel of the debug step ("kunit.sh um debug": DEBUG_VM, so
# that the series' debug check runs too, lockdep and KASAN) is rebuilt in
# its build directory and run: only the mutated objects are compiled.  A
# mutant is killed when at least one named case fails, the run ends within
# MUTANT_TIMEOUT seconds (no hang) and kunit.py saw no crash; a mutant
# with an "Expect-log:" line must also make the kernel log say that.
# Prints a table: mutant, the cases that killed it, time.  A mutant that
# survives fails the step and is named.
. "$(dirname "$0")/lib.sh"
need_tree

timeout_s=${MUTANT_TIMEOUT:-300}
mapfile -t mutants < <(find "$BENCH_DIR/mutants" -name '*.patch' | sort)
[ ${#mutants[@]} -gt 0 ] || die "no mutants in $BENCH_DIR/mutants"
borrow_work_tree "make mutants"
tree=$LINUX_DIR
build=$BUILD_DIR
out=$build/mutants
mkdir -p "$out"

rows=()
survivors=()
for m in "${mutants[@]}"; do
	name=$(basename "$m" .patch)
	what=$(sed -n 's/^Mutant: //p' "$m")
	expect=$(sed -n 's/^Expect-log: //p' "$m")
	say "mutant $name: $what"
	while read -r f; do borrowed "$f"; done < <(git -C "$tree" apply --numstat "$m" | cut -f3-)
	if ! git -C "$tree" apply "$m" 2>"$out/$name.apply"; then
		cat "$out/$name.apply" >&2
		survivors+=("$name (no longer applies to the series)")
		rows+=("$name|does not apply|-")
		continue
	fi
	t0=$SECONDS
	KUNIT_TIMEOUT=$timeout_s "$BENCH_DIR/kunit.sh" um debug \
		>"$out/$name.log" 2>&1 || true
	t=$((SECONDS - t0))
	give_back_work_tree || die "$name: could not put the work tree back"
	killers=$(grep -oE '\[FAILED\] mn_test_[a-z0-9_]+' "$out/$name.log" |
		awk '{print $2}' | sort -u | paste -sd, - || true)
	log=$build/kunit-um-debug/test.log
	why=
	if grep -qE 'Build failed|the um build failed|configuring the um kernel failed|did not stick' "$out/$name.log"; then
		why="does not build"
	# A kernel killed by the timeout leaves its cases [CRASHED] too.
	elif grep -qE '\[CRASHED\]|crashed: [1-9]' "$out/$name.log"; then
		why="hung or crashed the test kernel"
	elif [ -z "$killers" ]; then
		why="no case failed"
	elif [ -n "$expect" ] && ! grep -qF "$expect" "$log"; then
		why="the kernel log lacks: $expect"
	fi
	if [ -n "$why" ]; then
		survivors+=("$name ($why; log: $out/$name.log)")
		rows+=("$name|SURVIVED: $why|${t} s")
	else
		rows+=("$name|$killers${expect:+ + log: \"$expect\"}|${t} s")
	fi
done

printf '\n%-32s %-8s %s\n' mutant time "killed by" >&2
for r in "${rows[@]}"; do
	IFS='|' read -r n k t <<<"$r"
	printf '%-32s %-8s %s\n' "$n" "$t" "$k" >&2
done
if [ ${#survivors[@]} -gt 0 ]; then
	printf 'survived: %s\n' "${survivors[@]}" >&2
	die "${#survivors[@]} of ${#mutants[@]} mutants survived"
fi
say "mutants: all ${#mutants[@]} killed"
