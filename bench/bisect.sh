#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every patch of the series builds, and passes the KUnit suite where it has
# one, on its own.
#
# The commits before HEAD are checked out one by one, newest first, in the
# work tree itself, and built incrementally in the two build directories
# of other steps of "make check": work/build/kunit-m (x86_64 tinyconfig
# with KVM, KUnit and its tests as modules, and every option the series
# touches: kunit-m.sh) and work/build/kunit-um-debug (the UML KUnit kernel
# with the debug options: "kunit.sh um debug").  Each is brought to HEAD
# first where it is not there (in make check, the UML one holds the last
# mutant of mutants.sh: a rebuild of one file and a run of the suite).
# So each step back rebuilds only what that commit changes: make's
# dependency files and Kconfig's per-option files decide.  At the end, or
# on any failure, the work tree goes back to its branch.
#
# One shortcut, checked as it is taken: on x86, asm/tlbflush.h includes
# linux/mmu_notifier.h for mmu_notifier_arch_invalidate_secondary_tlbs(),
# so a change of that header rebuilds most of the kernel.  When a commit
# changes the header but not that function, mm_has_notifiers() or a
# preprocessor line, the objects that see the header
# only through asm/tlbflush.h are not rebuilt; every object whose source or
# whose other headers include it is.  HEAD's full builds, in the other
# steps, compile the rest against the series' header.
. "$(dirname "$0")/lib.sh"
need_tree

need_clean_tree "make bisect"
branch=$(git -C "$LINUX_DIR" symbolic-ref -q --short HEAD) ||
	die "${LINUX_DIR#"$TOP"/} is not on a branch: check out the series' branch first"

# The build directories, at HEAD.
xbuild=$BUILD_DIR/kunit-m
ubuild=$BUILD_DIR/kunit-um-debug
state=$(tree_state)
if [ "$(cat "$xbuild/tree-state" 2>/dev/null)" != "$state" ]; then
	say "bisect: building HEAD in ${xbuild#"$TOP"/} first"
	"$BENCH_DIR/kunit-m.sh" || die "HEAD does not pass kunit-m.sh"
fi
if [ "$(cat "$ubuild/tree-state-passed" 2>/dev/null)" != "$state" ]; then
	say "bisect: building and testing HEAD in ${ubuild#"$TOP"/} first"
	"$BENCH_DIR/kunit.sh" um debug >"$ubuild.log" 2>&1 ||
		{ cat "$ubuild.log" >&2; die "HEAD fails the KUnit suite on UML"; }
fi

# From here the build directories hold other commits than HEAD.
rm -f "$xbuild/tree-state" "$ubuild/tree-state" "$ubuild/tree-state-passed"
restore() {
	git -C "$LINUX_DIR" checkout -q "$branch" ||
		warn "could not check out $branch again in ${LINUX_DIR#"$TOP"/}"
}
trap restore EXIT

# Objects of build directory $1 that include linux/mmu_notifier.h other
# than through asm/tlbflush.h: from their source, or from another header of
# the tree that includes it itself.  The .cmd files name sources and
# headers relative to the build directory.
direct_includers() {
	local via cmd src
	via=$(git -C "$LINUX_DIR" grep -l '#include <linux/mmu_notifier.h>' -- '*.h' |
		grep -v '/asm/tlbflush\.h$' | sed 's/\./\\./g' | paste -sd'|')
	grep -rl --include='.*.o.cmd' 'include/linux/mmu_notifier\.h' "$1" |
	while read -r cmd; do
		src=$(sed -n 's/^source_[^ ]* := //p' "$cmd")
		[[ $src = /* ]] || src=$1/$src
		if grep -qE "$via" "$cmd" ||
		   grep -qs '#include <linux/mmu_notifier.h>' "$src"; then
			echo "$(dirname "$cmd")/$(basename "$cmd" .cmd | cut -c2-)"
		fi
	done
}

# Whether build directory $1 holds the build of commit $2 already, having
# built the newer commit $3: no file that differs between them is one its
# objects were compiled from or included (their .cmd files name each, after
# a "/"), nor a Kconfig, Makefile or Kbuild file, nor one of the build's
# scripts, base configs or kunit.py.  Then make would redo nothing, and the
# result at $3 stands for $2.
same_build() {
	local f rc files
	files=$(git -C "$LINUX_DIR" diff --name-only --no-renames "$2" "$3") ||
		die "git diff $2 $3 failed"
	while read -r f; do
		[ -n "$f" ] || continue
		case $f in
		*/Kconfig* | Kconfig* | */Makefile* | Makefile* | */Kbuild* | Kbuild* | \
		scripts/* | */configs/* | tools/testing/kunit/*) return 1 ;;
		esac
		rc=0
		grep -rqF --include='.*.cmd' "/$f" "$1" || rc=$?
		case $rc in
		0) return 1 ;;
		1) ;;
		*) die "could not read the .cmd files of ${1#"$TOP"/}" ;;
		esac
	done <<<"$files"
}

hdr=include/linux/mmu_notifier.h
# What asm/tlbflush.h uses of the header at commit $1: the definitions of
# mm_has_notifiers() and of mmu_notifier_arch_invalidate_secondary_tlbs(),
# and every preprocessor line.
tlbflush_part() {
	git -C "$LINUX_DIR" show "$1:$hdr" | sed -n \
		-e '/^static inline .*mm_has_notifiers(/,/^}/p' \
		-e '/^static inline .*mmu_notifier_arch_invalidate_secondary_tlbs(/,/^}/p' \
		-e '/arch_invalidate_secondary_tlbs/p' -e '/^#/p'
}
mapfile -t commits < <(split_commits | sed '$d' | tac)
n=$(git -C "$LINUX_DIR" rev-list --count base..HEAD)
log_dir=$BUILD_DIR/bisect
mkdir -p "$log_dir"
prev=HEAD
i=0
for line in "${commits[@]}"; do
	read -r posting num c <<<"$line"
	i=$((i + 1))
	subject=$(git -C "$LINUX_DIR" log -1 --format=%s "$c")
	# Named as in series/: "2-contract/0003 (subject)".
	name=${posting#.}
	name="${name:+$name/}$num ($subject)"
	say "[$i/$((n - 1))] $name"
	prev_c=$(git -C "$LINUX_DIR" rev-parse "$prev")
	git -C "$LINUX_DIR" checkout -q --detach "$c"
	prev=$c

	if ! git -C "$LINUX_DIR" diff --quiet "$c" "$prev_c" -- "$hdr"; then
		if [ "$(tlbflush_part "$c")" != "$(tlbflush_part "$prev_c")" ]; then
			say "$hdr changes what asm/tlbflush.h uses: everything that includes it is rebuilt"
		else
			touch -r "$LINUX_DIR/COPYING" "$LINUX_DIR/$hdr"
			for b in "$xbuild" "$ubuild"; do
				mapfile -t objs < <(direct_includers "$b")
				printf '%s\n' "${objs[@]}" | grep -q '/mm/mmu_notifier\.o$' ||
					die "found no object of ${b#"$TOP"/} that includes $hdr directly (mm/mmu_notifier.o at least)"
				rm -f "${objs[@]}"
				say "$hdr changes: ${#objs[@]} objects of ${b#"$TOP"/} include it other than through asm/tlbflush.h, to rebuild"
			done
		fi
	fi

	log=$log_dir/x86_64-$i.log
	if same_build "$xbuild" "$c" "$prev_c"; then
		say "x86_64: nothing its build compiles differs from the newer patch, which built"
		echo "not rebuilt: nothing it compiles differs from the newer patch" >"$log"
	else
		# make's syncconfig follows a change of the Kconfig files.
		# No bzImage: packing vmlinux is no patch's concern.
		if ! make -C "$LINUX_DIR" O="$xbuild" ARCH=x86_64 CC="ccache gcc" \
			-j"$JOBS" vmlinux modules </dev/null >"$log" 2>&1; then
			tail -30 "$log" >&2
			die "$name does not build on x86_64 (log: $log)"
		fi
		# What the config asks for, where this commit has the option.
		for want in CONFIG_KUNIT=m CONFIG_KVM=m CONFIG_KVM_INTEL=m \
			CONFIG_DEBUG_VM=y CONFIG_MMU_NOTIFIER_TEST=y; do
			opt=${want%=*}
			grep -rqx "config ${opt#CONFIG_}" --include='Kconfig*' \
				"$LINUX_DIR/mm" "$LINUX_DIR/lib" "$LINUX_DIR/arch/x86/kvm" || continue
			grep -qx "$want" "$xbuild/.config" ||
				die "$name: $want did not stick in the x86_64 config"
		done
		if grep -q 'warning:' "$log"; then
			grep 'warning:' "$log" >&2
			die "$name builds with warnings on x86_64 (log: $log)"
		fi
	fi

	if [ ! -f "$LINUX_DIR/mm/tests/mmu_notifier_kunit.c" ]; then
		:
	elif same_build "$ubuild" "$c" "$prev_c"; then
		# The UML kernel of the newer patch passed (at HEAD, the start
		# above made sure), and it is this patch's kernel.
		say "UML: nothing its build compiles differs from the newer patch, whose kernel passed the suites"
	else
		"$BENCH_DIR/kunit.sh" um debug \
			>"$log_dir/kunit-$i.log" 2>&1 || {
			cat "$log_dir/kunit-$i.log" >&2
			die "$name fails the KUnit suite on UML"
		}
		grep -E '^\[..:..:..\] Testing complete' "$log_dir/kunit-$i.log" >&2 || true
	fi
done
say "bisect: all $n patches build on their own"
