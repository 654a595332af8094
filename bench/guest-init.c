// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the x86_64 guest check.  The kernel has run the mmu_notifier
 * KUnit suite once at boot; run it a second time in the same boot through
 * its debugfs run file, then create a KVM VM, which registers KVM's
 * mmu_notifier on this process's mm, say how each went, and reboot (QEMU
 * runs with -no-reboot, so that ends the run).  The suite's results go to
 * the console as KTAP, where bench/kvm-guest.sh reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN_FILE "/debug/kunit/mmu_notifier/run"

static void rerun_suite(void)
{
	int fd;

	if (mount("debugfs", "/debug", "debugfs", 0, NULL)) {
		printf("guest: RERUN no-debugfs errno=%d (%s)\n", errno,
		       strerror(errno));
		return;
	}
	fd = open(RUN_FILE, O_WRONLY);
	if (fd < 0) {
		printf("guest: RERUN no-run-file errno=%d (%s)\n", errno,
		       strerror(errno));
		return;
	}
	/* Runs the whole suite before write() returns. */
	if (write(fd, "run\n", 4) != 4)
		printf("guest: RERUN write-failed errno=%d (%s)\n", errno,
		       strerror(errno));
	else
		printf("guest: RERUN done\n");
	close(fd);
}

static void create_vm(void)
{
	int kvm, vm, api;

	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		printf("kvm-guest: mount devtmpfs: %s\n", strerror(errno));

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("kvm-guest: RESULT no-kvm errno=%d (%s)\n", errno,
		       strerror(errno));
		return;
	}
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("kvm-guest: RESULT create-failed errno=%d (%s)\n", errno,
		       strerror(errno));
		return;
	}
	printf("kvm-guest: RESULT created (KVM API %d, VM fd %d)\n", api, vm);
	close(vm);
	close(kvm);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rerun_suite();
	create_vm();
	reboot(RB_AUTOBOOT);
	return 1;
}
