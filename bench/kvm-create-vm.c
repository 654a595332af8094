// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the KVM guest check: create a VM, which registers KVM's
 * mmu_notifier on this process's mm, say how that went, and reboot (QEMU
 * runs with -no-reboot, so that ends the run).
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

static void result(void)
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
	result();
	fflush(stdout);
	reboot(RB_AUTOBOOT);
	return 1;
}
