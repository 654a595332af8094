#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What the kernel test robot builds beyond x86_64, on the base and on the
# series, in the bisect work tree (work/bisect/build/cross-ARCH):
#
#   cross.sh arm64   defconfig (KVM) + configs/cross-arm64.config: every
#                    object of the series' files that the config builds
#                    (virt/kvm/kvm_main.c through arm64's KVM Makefile)
#   cross.sh nommu   riscv nommu_virt_defconfig + configs/cross-nommu.config:
#                    the same (kernel/fork.c and mm/oom_kill.c are the
#                    series' files that build without an MMU)
#   cross.sh i386    i386_defconfig + configs/cross-i386.config: the test
#                    device and the objects around it; then the device's
#                    header in user space, -m32 against -m64: the ioctl
#                    numbers, sizes and offsets must be the same, and the
#                    mm selftest must compile as a 32-bit program
#
# Everything with W=1.  Fails if the series does not build, or if it adds
# a warning in its files that the base does not have.
. "$(dirname "$0")/lib.sh"
need_tree

arch=${1:?usage: cross.sh arm64|nommu|i386}
case $arch in
arm64)
	make_args=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	gcc=aarch64-linux-gnu-gcc defconfig=defconfig srcarch=arm64 ;;
nommu)
	make_args=(ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-)
	gcc=riscv64-linux-gnu-gcc defconfig=nommu_virt_defconfig srcarch=riscv ;;
i386)
	make_args=(ARCH=i386)
	gcc=gcc defconfig=i386_defconfig srcarch=x86 ;;
*) die "usage: cross.sh arm64|nommu|i386" ;;
esac
command -v "$gcc" >/dev/null ||
	die "$gcc is missing: run 'make deps-check' (Debian package gcc-${gcc%-gcc})"
make_args+=(CC="ccache $gcc" W=1 -j"$JOBS")

tree=$("$BENCH_DIR/bisect-tree.sh")
build=$BISECT_DIR/build/cross-$arch
out=$BUILD_DIR/cross-$arch
mkdir -p "$build" "$out"
head=$(git -C "$LINUX_DIR" rev-parse HEAD)
mapfile -t files < <(git -C "$LINUX_DIR" diff --name-only base "$head" -- '*.c' '*.h')

# The option that builds each .c file of the series; a file missing here
# stops the step, so that a new file is not silently left unbuilt.
option_of() {
	case $1 in
	kernel/fork.c | mm/oom_kill.c) echo y ;;
	mm/mmu_notifier.c) echo MMU_NOTIFIER ;;
	mm/mmu_notifier_test.c) echo MMU_NOTIFIER_TEST ;;
	mm/tests/mmu_notifier_kunit.c) echo MMU_NOTIFIER_KUNIT_TEST ;;
	virt/kvm/*.c) echo KVM ;;
	drivers/misc/sgi-gru/*.c) echo SGI_GRU ;;
	*) return 1 ;;
	esac
}

# The make targets for the series' files at the checked-out revision.
targets() {
	local f opt
	for f in "${files[@]}"; do
		case $f in tools/* | *.h) continue ;; esac
		[ -f "$tree/$f" ] || continue
		opt=$(option_of "$f") ||
			die "cross.sh: no option is known to build $f: add it to option_of()"
		[ "$opt" = y ] || grep -qx "CONFIG_$opt=y" "$build/.config" || continue
		case $f in
		# Built by the arch's KVM Makefile, as $(KVM)/file.o.
		virt/kvm/*) echo "arch/$srcarch/kvm/../../../${f%.c}.o" ;;
		*) echo "${f%.c}.o" ;;
		esac
	done | sort -u
}

check_rev() {
	local rev=$1 name=$2 opt
	local -a t
	git -C "$tree" checkout -q --detach "$rev"
	# The series starts from the base's .config: the defconfig is the
	# same, only the series' own options are new.
	if [ "$name" = base ]; then
		make -C "$tree" O="$build" "${make_args[@]}" "$defconfig" \
			>"$out/config-$name.log" 2>&1 ||
			die "$defconfig failed on the $name tree (log: $out/config-$name.log)"
	else
		: >"$out/config-$name.log"
	fi
	cat "$CONFIG_DIR/cross-$arch.config" >>"$build/.config"
	make -C "$tree" O="$build" "${make_args[@]}" olddefconfig \
		>>"$out/config-$name.log" 2>&1 ||
		die "olddefconfig failed on the $name tree (log: $out/config-$name.log)"
	# Every option of the fragment that the tree has must have stuck.
	while read -r opt; do
		grep -rqx "config ${opt#CONFIG_}" --include='Kconfig*' "$tree" || continue
		grep -qx "$opt=y" "$build/.config" ||
			die "$arch, $name tree: $opt=y did not stick (its dependencies?)"
	done < <(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$CONFIG_DIR/cross-$arch.config")
	mapfile -t t < <(targets)
	t=(prepare "${t[@]}")
	# The user-space half reads the series' uapi headers only.
	[ "$arch$name" = i386series ] && t+=(headers)
	say "$arch, $name: make ${t[*]}"
	make -C "$tree" O="$build" "${make_args[@]}" "${t[@]}" \
		>"$out/build-$name.log" 2>&1 || {
		grep -E 'error|warning' "$out/build-$name.log" | head -20 >&2
		die "$arch: the $name tree does not build (log: $out/build-$name.log)"
	}
	series_file_warnings "${files[@]}" <"$out/build-$name.log" >"$out/warnings-$name.txt"
}

# The test device's header in user space, 32-bit against 64-bit.
check_uapi() {
	local hdr=$tree/mm/mmu_notifier_test.h m
	[ -f "$hdr" ] || { say "i386: no mm/mmu_notifier_test.h in the series"; return; }
	# The values come out of the compiler's assembly, as kbuild's
	# asm-offsets do, so no 32-bit program has to run (not every x86_64
	# host runs one: this one's kernel refuses them with ENOEXEC).
	cat >"$out/layout.c" <<'EOF'
#include <stddef.h>
#include <sys/ioctl.h>
#include "mmu_notifier_test.h"

/* An ioctl number in two halves: each fits an immediate on both sides. */
#define VAL(name, v)	asm volatile("\n.ascii \"->" name " %0\"" : : "i" (v))
#define SIZE(s)		VAL("sizeof(struct " #s ")", sizeof(struct s))
#define OFF(s, f)	VAL("offsetof(" #s ", " #f ")", offsetof(struct s, f))
#define IOC(n)		VAL(#n " high", ((n) >> 16) & 0xffff); \
			VAL(#n " low", (n) & 0xffff)

int main(void)
{
	SIZE(mn_test_subscribe);
	OFF(mn_test_subscribe, kind);
	OFF(mn_test_subscribe, id);
	SIZE(mn_test_stats);
	OFF(mn_test_stats, id);
	OFF(mn_test_stats, kind);
	OFF(mn_test_stats, starts);
	OFF(mn_test_stats, failed_starts);
	OFF(mn_test_stats, ends);
	IOC(MN_TEST_SUBSCRIBE);
	IOC(MN_TEST_STATS);
	IOC(MN_TEST_PARK);
	IOC(MN_TEST_UNPARK);
	return 0;
}
EOF
	for m in 32 64; do
		gcc -m$m -S -Wall -Werror -isystem "$build/usr/include" \
			-I "$tree/mm" -o "$out/layout-$m.s" "$out/layout.c" \
			>"$out/layout-$m.log" 2>&1 || {
			cat "$out/layout-$m.log" >&2
			die "i386: the layout program does not compile with -m$m (is libc6-dev-i386 installed?)"
		}
		sed -n 's/^.*"->\(.*\) \$\{0,1\}\([0-9]*\)"$/\1 \2/p' \
			"$out/layout-$m.s" >"$out/layout-$m.txt"
		[ "$(grep -c . "$out/layout-$m.txt")" -eq 17 ] ||
			die "i386: found $(grep -c . "$out/layout-$m.txt") of the 17 values in $out/layout-$m.s"
	done
	if ! diff -u "$out/layout-64.txt" "$out/layout-32.txt" >&2; then
		die "i386: mm/mmu_notifier_test.h has another layout for a 32-bit program (above: -m64 then -m32)"
	fi
	say "i386: $(grep -c . "$out/layout-32.txt") values (sizes, offsets, halves of ioctl numbers) are the same for -m32 and -m64"
	gcc -m32 -fsyntax-only -Wall -isystem "$build/usr/include" \
		-I "$tree/tools/testing/selftests" \
		"$tree/tools/testing/selftests/mm/mmu_notifier_oom.c" \
		>"$out/selftest-m32.log" 2>&1 || {
		cat "$out/selftest-m32.log" >&2
		die "i386: the mm selftest mmu_notifier_oom.c does not compile as a 32-bit program"
	}
	if grep -q 'warning:' "$out/selftest-m32.log"; then
		cat "$out/selftest-m32.log" >&2
		die "i386: the mm selftest warns as a 32-bit program"
	fi
	say "i386: the mm selftest compiles as a 32-bit program without a warning"
}

check_rev base base
check_rev "$head" series
[ "$arch" = i386 ] && check_uapi
git -C "$tree" checkout -q --detach base

new=$(comm -13 "$out/warnings-base.txt" "$out/warnings-series.txt")
say "$arch: $(wc -l <"$out/warnings-base.txt") W=1 warnings in the series' files on the base, $(wc -l <"$out/warnings-series.txt") with the series"
if [ -n "$new" ]; then
	printf '%s\n' "$new" >&2
	die "$arch: the series adds the warnings above (logs: $out)"
fi
say "$arch: builds with the series, no new W=1 warning"
