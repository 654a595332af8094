#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the x86_64 kernel of "make check" (built by kunit.sh x86_64 with
# configs/selftest.config: modules, test_hmm, CONFIG_MMU_NOTIFIER_TEST, memcg)
# under QEMU's TCG with -cpu EPYC (emulated SVM, so kvm_amd gives /dev/kvm)
# and two CPUs, with an initramfs of busybox-static, bash, the modules and
# the mm selftests, and run "run_vmtests.sh -t mmu_notifier" twice in the
# boot.  Passes on a TAP stream with every case ok in both runs, no splat
# in the kernel log and a clean shutdown (a reboot, which ends QEMU).
#
#   SELFTEST_EXPECT=fail: pass only if a case fails and the guest still
#   shuts down cleanly (for a tree with a fix taken out).
#   SELFTEST_VERBOSE=1: the kernel log on the console as it happens too.
. "$(dirname "$0")/lib.sh"
need_tree

expect=${SELFTEST_EXPECT:-pass}
cases=3		# TEST_F()s in mmu_notifier_oom.c
kbuild=$BUILD_DIR/kunit-x86_64
kernel=$kbuild/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "run 'make kunit-x86_64' first: no $kernel"
need_fresh_kernel "$kbuild"
grep -qx 'CONFIG_MMU_NOTIFIER_TEST=y' "$kbuild/.config" ||
	die "$kbuild was not built with configs/selftest.config (no CONFIG_MMU_NOTIFIER_TEST): run 'make kunit-x86_64'"
for f in /bin/busybox /bin/bash /usr/sbin/depmod; do
	[ -x "$f" ] || die "no $f: run 'make deps-check' (busybox-static, bash, kmod)"
done
out=$BUILD_DIR/selftest
root=$out/root
rm -rf "$root"
mkdir -p "$root"/{bin,proc,sys,dev,tmp,selftests/mm}

say "installing modules and headers from ${kbuild#"$TOP"/}"
kmake() {
	make -C "$LINUX_DIR" O="$kbuild" ARCH=x86_64 -s "$@" >"$out/install.log" 2>&1 ||
		{ cat "$out/install.log" >&2; die "make $1 failed"; }
}
kmake modules_install INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
	DEPMOD=/usr/sbin/depmod
kmake headers_install INSTALL_HDR_PATH="$out/usr"

st=$LINUX_DIR/tools/testing/selftests/mm
gcc -static -O2 -Wall -Werror -isystem "$out/usr/include" -I "$LINUX_DIR" \
	-o "$root/selftests/mm/mmu_notifier_oom" "$st/mmu_notifier_oom.c" \
	-lpthread || die "the selftest does not build"
cp "$st/run_vmtests.sh" "$st/test_mmu_notifier.sh" "$root/selftests/mm/"
# The bench's soak and fuzz (bench/mmu_notifier_soak.c), after the selftest.
soak=
if [ -f "$LINUX_DIR/mm/mmu_notifier_test.h" ]; then
	soak=y
	gcc -static -O2 -Wall -Werror -isystem "$out/usr/include" \
		-I "$LINUX_DIR/mm" -o "$root/selftests/mm/mmu_notifier_soak" \
		"$BENCH_DIR/mmu_notifier_soak.c" -lpthread ||
		die "bench/mmu_notifier_soak.c does not build"
fi
seed=${SOAK_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

cp /bin/busybox "$root/bin/"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || [ "$a" = bash ] || ln -s busybox "$root/bin/$a"
done
mkdir -p "$root/sbin" "$root/usr" && ln -s ../bin "$root/usr/bin" &&
	ln -s ../bin "$root/usr/sbin"
for a in modprobe modinfo rmmod insmod depmod reboot; do
	ln -s ../bin/busybox "$root/sbin/$a"
done
cp /bin/bash "$root/bin/bash"
for lib in $(ldd /bin/bash | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug
echo "selftest: $(grep -c ^processor /proc/cpuinfo) CPUs"
cd /selftests/mm
for run in 1 2; do
	start=$(cut -d. -f1 /proc/uptime)
	# Bounded, so that the logs come out whatever hangs.
	timeout -s KILL 120 ./run_vmtests.sh -t mmu_notifier >/tmp/run$run.log 2>&1
	echo "selftest: run $run exit=$? in $(($(cut -d. -f1 /proc/uptime) - start)) s" >>/tmp/run$run.log
done
if [ -x ./mmu_notifier_soak ]; then
	modprobe test_hmm
	start=$(cut -d. -f1 /proc/uptime)
	timeout -s KILL 200 ./mmu_notifier_soak soak @SEED@ @KILLS@ >/tmp/soak.log 2>&1
	echo "soak: exit=$? in $(($(cut -d. -f1 /proc/uptime) - start)) s of guest time" >>/tmp/soak.log
	start=$(cut -d. -f1 /proc/uptime)
	timeout -s KILL 150 ./mmu_notifier_soak fuzz @SEED@ @IOCTLS@ @CYCLES@ >>/tmp/soak.log 2>&1
	echo "fuzz: exit=$? in $(($(cut -d. -f1 /proc/uptime) - start)) s of guest time" >>/tmp/soak.log
	rmmod test_hmm
	echo "soak: rmmod test_hmm exit=$?" >>/tmp/soak.log
	# kmemleak reports objects unreferenced for 5 s, at a scan.
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/tmp/kmemleak.txt
	echo "kmemleak: $(grep -c '^unreferenced object' /tmp/kmemleak.txt) unreferenced objects, $(awk '/^unreferenced object/ { n += hit; hit = 0; next } /comm "/ { next } /mn_test_|mmu_notifier/ { hit = 1 } END { print n + hit }' /tmp/kmemleak.txt) with mmu_notifier or the test device in their backtrace" >>/tmp/soak.log
fi
echo "selftest: ---- TAP ----"
cat /tmp/run1.log /tmp/run2.log
echo "selftest: ---- soak ----"
cat /tmp/soak.log /tmp/kmemleak.txt
echo "selftest: ---- dmesg ----"
dmesg
echo "selftest: ---- end ----"
# A reboot, which -no-reboot makes QEMU's exit.
reboot -f
INIT
sed -i -e "s/@SEED@/$seed/" -e "s/@KILLS@/${SOAK_KILLS:-24}/" \
	-e "s/@IOCTLS@/${FUZZ_IOCTLS:-10000}/" -e "s/@CYCLES@/${FUZZ_CYCLES:-2000}/" \
	"$root/init"
chmod +x "$root/init"

# A gen_init_cpio list of the tree, everything owned by root.
(
	cd "$root"
	find . -mindepth 1 -type d -printf 'dir /%P %m 0 0\n'
	find . -type f -printf "file /%P $root/%P %m 0 0\n"
	find . -type l -printf 'slink /%P %l 777 0 0\n'
	echo 'nod /dev/console 0600 0 0 c 5 1'
) >"$out/initramfs.list"
"$kbuild/usr/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio" ||
	die "gen_init_cpio failed"

say "booting x86_64 under QEMU (TCG, -cpu EPYC, 2 CPUs): run_vmtests.sh -t mmu_notifier, twice"
t0=$SECONDS
rc=0
quiet=quiet	# the kernel log is printed whole after the runs
[ -z "${SELFTEST_VERBOSE:-}" ] || quiet=
boot_x86_guest "$kernel" "$out/initramfs.cpio" \
	"console=ttyS0 panic=-1 $quiet kunit.enable=0" \
	"$out/console" 600 || rc=$?
say "guest ran for $((SECONDS - t0)) s (log: ${out#"$TOP"/}/console.txt)"
sed -n '/^selftest: ---- TAP ----$/,/^selftest: ---- soak ----$/p' \
	"$out/console.txt" >"$out/tap.txt"
sed -n '/^selftest: ---- soak ----$/,/^selftest: ---- dmesg ----$/p' \
	"$out/console.txt" >"$out/soak.txt"
sed -n '/^selftest: ---- dmesg ----$/,/^selftest: ---- end ----$/p' \
	"$out/console.txt" >"$out/dmesg.txt"

grep -E '^# (not )?ok [0-9]+ mmu_notifier_oom\.|^selftest: run|^# # Totals' \
	"$out/tap.txt" >&2 || true
say "kernel log: $(grep -c 'Memory cgroup out of memory: Killed' "$out/dmesg.txt") memcg OOM kills, $(grep -c 'oom_reaper: reaped' "$out/dmesg.txt") mms reaped by the OOM reaper"

grep -E '^(soak|fuzz): (seed|[0-9]+ (kills|ioctls|subscribe)|a fresh|ok|FAIL|exit|rmmod|kill [0-9]+: the victim)|^kmemleak: ' \
	"$out/soak.txt" >&2 || true

bad=()
[ "$rc" -eq 0 ] || bad+=("QEMU exited with $rc (124: the guest did not shut down in 600 s)")
grep -q 'reboot: Restarting system' "$out/console.txt" || bad+=("no clean shutdown")
grep -qx 'selftest: 2 CPUs' "$out/console.txt" || bad+=("the guest did not bring up its 2 CPUs")
grep -q '^selftest: ---- end ----$' "$out/console.txt" || bad+=("the guest's /init did not finish")
ok=$(grep -cE '^# ok [0-9]+ mmu_notifier_oom\.[a-z_]+$' "$out/tap.txt" || true)
failed=$(grep -cE '^# not ok [0-9]+ mmu_notifier_oom\.' "$out/tap.txt" || true)
skipped=$(grep -cE '^# ok [0-9]+ mmu_notifier_oom\..* # SKIP' "$out/tap.txt" || true)
runs_ok=$(grep -cE '^selftest: run [12] exit=0 ' "$out/tap.txt" || true)
"$BENCH_DIR/splat-check.sh" --whole "$out/dmesg.txt" || bad+=("a splat in the kernel log")

soak_ok=0
if [ -n "$soak" ]; then
	grep -qx 'soak: ok' "$out/soak.txt" && soak_ok=$((soak_ok + 1))
	grep -qx 'fuzz: ok' "$out/soak.txt" && soak_ok=$((soak_ok + 1))
fi
case $expect in
pass)
	if [ -n "$soak" ]; then
		[ "$soak_ok" -eq 2 ] || bad+=("the soak or the fuzz did not pass (seed $seed; SOAK_SEED=$seed replays it)")
		grep -qx 'soak: rmmod test_hmm exit=0' "$out/soak.txt" ||
			bad+=("test_hmm did not unload after the soak")
		grep -qE '^kmemleak: [0-9]+ unreferenced objects, 0 with' "$out/soak.txt" ||
			bad+=("kmemleak reports a leak in mmu_notifier or the test device (log: ${out#"$TOP"/}/soak.txt)")
	fi
	[ "$ok" -eq $((2 * cases)) ] ||
		bad+=("$ok of $((2 * cases)) cases ok ($failed failed, $skipped skipped)")
	[ "$runs_ok" -eq 2 ] || bad+=("run_vmtests.sh did not pass twice")
	;;
fail)
	[ "$failed" -gt 0 ] || bad+=("no case failed")
	[ -z "$soak" ] || ! grep -qx 'soak: ok' "$out/soak.txt" || bad+=("the soak passed")
	;;
*) die "SELFTEST_EXPECT must be pass or fail" ;;
esac
if [ ${#bad[@]} -gt 0 ]; then
	printf 'selftest: %s\n' "${bad[@]}" >&2
	die "the mm selftest in the guest failed (log: $out/console.txt)"
fi
say "selftest: $ok case(s) ok, $failed failed, in $((SECONDS - t0)) s; clean shutdown"
