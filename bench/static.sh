#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks of what the series touches, each compared with the base:
#  - sparse (C=2) and W=1 on every .c file the series touches that the
#    x86_64 config of "make check" builds (on a tree that wants a newer
#    sparse than Debian's, as v7.0 does, W=1 alone, with a warning);
#  - scripts/kernel-doc -none -Wall on every .c and .h file it touches.
# A warning the base does not have fails the step (line numbers are not
# compared, as the series moves lines).  The base and the series are
# checked out in turn in the bisect work tree and built in
# work/bisect/build/static from the x86_64 .config.
. "$(dirname "$0")/lib.sh"
need_tree

x86_config=$BUILD_DIR/kunit-x86_64/.config
[ -f "$x86_config" ] || die "run 'make kunit-x86_64' first: this reuses its .config"
command -v sparse >/dev/null || die "sparse is missing: run 'make deps-check' (Debian package sparse)"

tree=$("$BENCH_DIR/bisect-tree.sh")
build=$BISECT_DIR/build/static
out=$BUILD_DIR/static
mkdir -p "$build" "$out"
head=$(git -C "$LINUX_DIR" rev-parse HEAD)
mapfile -t files < <(git -C "$LINUX_DIR" diff --name-only base "$head" -- '*.c' '*.h')

normalize() {
	series_file_warnings "${files[@]}"
}

# The make target that compiles $1 in the x86_64 config, or nothing.
target_of() {
	case $1 in
	tools/*) ;;				# user space: not kbuild's
	virt/kvm/*.c) echo "arch/x86/kvm/../../../${1%.c}.o" ;; # as $(KVM)/file.o
	*.c) echo "${1%.c}.o" ;;
	esac
}

check_rev() {
	local rev=$1 name=$2 f t
	local -a targets
	git -C "$tree" checkout -q --detach "$rev"
	cp "$x86_config" "$build/.config"
	make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		olddefconfig prepare >"$out/prepare-$name.log" 2>&1 ||
		die "preparing the $name tree failed (log: $out/prepare-$name.log)"
	targets=()
	for f in "${files[@]}"; do
		[ "${f%.c}" != "$f" ] && [ -f "$tree/$f" ] || continue
		# Not in the x86_64 config: gru-build.sh builds it, warnings fail.
		case $f in drivers/misc/sgi-gru/*) continue ;; esac
		t=$(target_of "$f")
		[ -z "$t" ] || targets+=("$t")
	done
	# One make for all of them: each make costs a walk of the tree.  With
	# no target, make would build the whole kernel.
	if [ ${#targets[@]} -eq 0 ]; then
		: >"$out/sparse-$name.log"
	elif ! make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" \
		-j"$JOBS" --output-sync=target C=2 W=1 "${targets[@]}" \
		>"$out/sparse-$name.log" 2>&1; then
		tail -30 "$out/sparse-$name.log" >&2
		die "building the series' objects on the $name tree failed (log: $out/sparse-$name.log)"
	fi
	normalize <"$out/sparse-$name.log" >"$out/sparse-$name.txt"
	for f in "${files[@]}"; do
		[ -f "$tree/$f" ] || continue
		"$tree/scripts/kernel-doc" -none -Wall "$tree/$f" 2>&1 |
			sed "s#$tree/##" | normalize
	done | sort >"$out/kernel-doc-$name.txt"
}

say "static checks of ${#files[@]} files: sparse, W=1 and kernel-doc on base and series"
check_rev base base
check_rev "$head" series
git -C "$tree" checkout -q --detach base

bad=0
kinds=(sparse kernel-doc)
if grep -q 'sparse is not available or not up to date' "$out/sparse-series.log"; then
	warn "sparse $(sparse --version) is too old for this tree: only W=1 and kernel-doc were checked"
	kinds=(W=1 kernel-doc)
	for name in base series; do
		cp "$out/sparse-$name.txt" "$out/W=1-$name.txt"
	done
fi
for kind in "${kinds[@]}"; do
	new=$(comm -13 "$out/$kind-base.txt" "$out/$kind-series.txt")
	say "$kind: $(wc -l <"$out/$kind-base.txt") warnings on the base, $(wc -l <"$out/$kind-series.txt") with the series"
	if [ -n "$new" ]; then
		printf '%s\n' "$new" >&2
		warn "$kind: the series adds the warnings above"
		bad=1
	fi
done
[ "$bad" -eq 0 ] || die "static checks: new warnings (logs: $out)"
say "static checks: no new sparse, W=1 or kernel-doc warning"
