// SPDX-License-Identifier: GPL-2.0
/*
 * Bench code, not part of the series: a soak of real OOM kills and a fuzz
 * of the test device (/sys/kernel/debug/mmu_notifier_test), run as root in
 * the mm selftest's guest by bench/selftest.sh.
 *
 *   mmu_notifier_soak soak SEED KILLS
 *	KILLS memcg OOM kills, each of a victim with a random mix (from SEED)
 *	of: a subscriber whose start fails when it may not block, never
 *	failing subscribers, a dmirror file (an interval notifier), a KVM VM
 *	with a memslot over memory it touched, and a parked thread (deaf to
 *	SIGKILL, so that the reaper and process_mrelease() get their turn
 *	before the victim's own exit).  After each: one more oom_kill in the
 *	memcg, the victim gone within EXIT_BOUND_S, every never-failing
 *	subscriber with one end per start.
 *
 *   mmu_notifier_soak fuzz SEED IOCTLS CYCLES
 *	IOCTLS ioctls with random commands, kinds, ids and argument pointers,
 *	with random invalidations of a mapping and valid subscribe/close
 *	cycles between them; then a fresh subscription must see paired
 *	invalidations, CYCLES subscribe/close cycles in a row must work, and
 *	unreclaimable slab must not have grown by a leak's worth (without
 *	kmemleak; with it, the caller's kmemleak scan decides).
 *
 * Prints one "soak:" or "fuzz:" line per step and a last line "... ok" or
 * "... FAIL: why"; exits 0 only on ok.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "mmu_notifier_test.h"

#define MN_FILE		"/sys/kernel/debug/mmu_notifier_test"
#define DMIRROR_DEV	"/dev/hmm_dmirror0"
#define CGROUP		"/sys/fs/cgroup/mmu_notifier_soak"
#define MEM_MAX		(32 << 20)
#define OOM_BOUND_S	30
#define EXIT_BOUND_S	10
#define MAX_NEVER	3
#define KVM_MEM		(2 << 20)
/* mm/mmu_notifier_test.c's subscriptions a file */
#define MAX_SUBS	16

static unsigned int rnd_state;

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)rand_r(&rnd_state) % n : 0;
}

static void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%s: FAIL: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		fail("soak", "write %s to %s: %s", s, path, strerror(errno));
	close(fd);
}

/* The number of the first line of @path that matches @fmt, or -1. */
static long read_field(const char *path, const char *fmt)
{
	char line[128];
	long n = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static long oom_kills(void)
{
	return read_field(CGROUP "/memory.events", "oom_kill %ld");
}

struct mix {
	bool fails, dmirror, kvm, parked, mrelease;
	int never;
};

static void *park(void *arg)
{
	ioctl(*(int *)arg, MN_TEST_PARK);
	return NULL;
}

/* The victim: subscribe as the mix says, tell the parent, then OOM. */
static void victim(int mn_fd, const struct mix *m, int ready)
{
	struct mn_test_subscribe s;
	pthread_t parker;
	char *mem;
	long i;

	write_file(CGROUP "/cgroup.procs", "0");
	if (m->fails) {
		s.kind = MN_TEST_START_FAILS_NONBLOCK;
		if (ioctl(mn_fd, MN_TEST_SUBSCRIBE, &s))
			_exit(2);
	}
	for (i = 0; i < m->never; i++) {
		s.kind = MN_TEST_START_NEVER_FAILS;
		if (ioctl(mn_fd, MN_TEST_SUBSCRIBE, &s))
			_exit(2);
	}
	/* Left open: its release in the victim's exit is what may hang. */
	if (m->dmirror && open(DMIRROR_DEV, O_RDWR) < 0)
		_exit(3);
	if (m->kvm) {
		struct kvm_userspace_memory_region slot = {
			.memory_size = KVM_MEM,
		};
		int kvm = open("/dev/kvm", O_RDWR), vm;

		mem = mmap(NULL, KVM_MEM, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (kvm < 0 || mem == MAP_FAILED)
			_exit(4);
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		slot.userspace_addr = (unsigned long)mem;
		if (vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
			_exit(4);
		memset(mem, 1, KVM_MEM);
	}
	if (m->parked && pthread_create(&parker, NULL, park, &mn_fd))
		_exit(5);
	/* Give the parker time to sleep before the kill. */
	usleep(m->parked ? 200000 : 0);
	if (write(ready, "r", 1) != 1)
		_exit(6);
	for (;;) {
		mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			continue;
		for (i = 0; i < 1 << 20; i += 4096)
			mem[i] = 1;
	}
}

static int soak(unsigned int seed, int kills)
{
	int k, mixes_seen = 0, failed_reaps = 0, mreleases = 0, eagain = 0;
	int victims = 0;
	long oom_start;
	bool have_kvm = access("/dev/kvm", R_OK | W_OK) == 0;
	bool have_dmirror = access(DMIRROR_DEV, R_OK | W_OK) == 0;
	unsigned int seen[64] = { 0 };
	double t_start = now();
	char buf[64];

	printf("soak: seed %u, %d kills, kvm %s, dmirror %s\n", seed, kills,
	       have_kvm ? "yes" : "no", have_dmirror ? "yes" : "no");
	rnd_state = seed;
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	mkdir(CGROUP, 0755);
	snprintf(buf, sizeof(buf), "%d", MEM_MAX);
	write_file(CGROUP "/memory.max", buf);
	/* The victims must not swap instead of being OOM-killed. */
	if (access(CGROUP "/memory.swap.max", F_OK) == 0)
		write_file(CGROUP "/memory.swap.max", "0");
	else if (read_field("/proc/swaps", "/%*s %*s %ld") >= 0)
		fail("soak", "swap, and no memory.swap.max to keep it out");
	oom_start = oom_kills();

	for (k = 1; k <= kills; k++) {
		struct mix m = {
			.fails = rnd(4) != 0,
			.never = rnd(MAX_NEVER + 1),
			.dmirror = have_dmirror && rnd(2),
			.kvm = have_kvm && rnd(2),
			.parked = rnd(3) != 0,
		};
		struct mn_test_stats st;
		long before = oom_kills();
		int mn_fd, ready[2], status, pidfd, i;
		unsigned int code;
		double t0, t_exit;
		pid_t pid;

		m.mrelease = m.parked && rnd(2);
		code = m.fails | m.dmirror << 1 | m.kvm << 2 | m.parked << 3 |
		       m.mrelease << 4 | (m.never ? 1 : 0) << 5;
		if (!seen[code]++)
			mixes_seen++;
		mn_fd = open(MN_FILE, O_RDWR);
		if (mn_fd < 0 || pipe(ready))
			fail("soak", "open %s: %s", MN_FILE, strerror(errno));
		pid = fork();
		if (!pid) {
			close(ready[0]);
			victim(mn_fd, &m, ready[1]);
		}
		close(ready[1]);
		if (read(ready[0], buf, 1) != 1) {
			waitpid(pid, &status, 0);
			fail("soak", "kill %d: the victim could not set up (exit %d)",
			     k, WEXITSTATUS(status));
		}
		close(ready[0]);
		pidfd = syscall(SYS_pidfd_open, pid, 0);

		t0 = now();
		while (oom_kills() == before && now() - t0 < OOM_BOUND_S)
			usleep(20000);
		if (oom_kills() != before + 1)
			fail("soak", "kill %d: oom_kill went from %ld to %ld",
			     k, before, oom_kills());
		if (m.parked) {
			/* The reaper's turn: it retries for about 3 s. */
			usleep(rnd(3500) * 1000);
			if (m.mrelease) {
				mreleases++;
				if (syscall(SYS_process_mrelease, pidfd, 0)) {
					if (errno != EAGAIN)
						fail("soak", "kill %d: process_mrelease: %s",
						     k, strerror(errno));
					eagain++;
				}
			}
			ioctl(mn_fd, MN_TEST_UNPARK);
		}
		t0 = now();
		while (waitpid(pid, &status, WNOHANG) == 0) {
			if (now() - t0 > EXIT_BOUND_S) {
				printf("soak: kill %d: the victim %d did not exit in %d s (mix: fails %d never %d dmirror %d kvm %d parked %d mrelease %d)\n",
				       k, pid, EXIT_BOUND_S, m.fails, m.never,
				       m.dmirror, m.kvm, m.parked, m.mrelease);
				fail("soak", "kill %d of %d: a victim hangs (seed %u)",
				     k, kills, seed);
			}
			usleep(20000);
		}
		t_exit = now() - t0;
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail("soak", "kill %d: the victim ended with status %#x",
			     k, status);
		victims++;

		for (i = 0; i < m.fails + m.never; i++) {
			st.id = i;
			if (ioctl(mn_fd, MN_TEST_STATS, &st))
				fail("soak", "kill %d: stats of %d: %s", k, i,
				     strerror(errno));
			if (st.kind == MN_TEST_START_FAILS_NONBLOCK) {
				failed_reaps += st.failed_starts > 0;
			} else if (st.ends != st.starts) {
				fail("soak", "kill %d: subscriber %d: %llu starts, %llu ends",
				     k, i, (unsigned long long)st.starts,
				     (unsigned long long)st.ends);
			}
		}
		close(pidfd);
		close(mn_fd);
		printf("soak: kill %d: fails %d never %d dmirror %d kvm %d parked %d mrelease %d: exit %.2f s after %s\n",
		       k, m.fails, m.never, m.dmirror, m.kvm, m.parked,
		       m.mrelease, t_exit, m.parked ? "unpark" : "kill");
	}
	printf("soak: %ld kills, %d victims, %d mixes, %d failed reaps seen, %d process_mrelease (%d EAGAIN), %.0f s\n",
	       oom_kills() - oom_start, victims, mixes_seen, failed_reaps,
	       mreleases, eagain, now() - t_start);
	rmdir(CGROUP);
	if (!failed_reaps)
		fail("soak", "no reap failed: the failing subscriber never saw the reaper");
	printf("soak: ok\n");
	return 0;
}

static long sunreclaim_kb(void)
{
	return read_field("/proc/meminfo", "SUnreclaim: %ld kB");
}

/* One valid cycle: a file, NR subscriptions, their stats, closed. */
static void cycle(int nr)
{
	struct mn_test_subscribe s;
	struct mn_test_stats st;
	int fd = open(MN_FILE, O_RDWR), i;

	if (fd < 0)
		fail("fuzz", "open: %s", strerror(errno));
	for (i = 0; i < nr; i++) {
		s.kind = 1 + rnd(2);
		if (ioctl(fd, MN_TEST_SUBSCRIBE, &s) || s.id != (unsigned int)i)
			fail("fuzz", "cycle: subscription %d: %s", i, strerror(errno));
		st.id = i;
		if (ioctl(fd, MN_TEST_STATS, &st) || st.kind != s.kind)
			fail("fuzz", "cycle: stats of %d: %s", i, strerror(errno));
	}
	close(fd);
}

static int fuzz(unsigned int seed, int nr_ioctls, int cycles)
{
	static const unsigned int valid[] = {
		MN_TEST_SUBSCRIBE, MN_TEST_STATS, MN_TEST_UNPARK,
	};
	static const unsigned int kinds[] = {
		0, MN_TEST_START_FAILS_NONBLOCK, MN_TEST_START_NEVER_FAILS, 3,
		0x7fffffff, 0xffffffff,
	};
	unsigned long errs[5] = { 0 };	/* 0, ENOTTY, EFAULT, EINVAL, ENOSPC */
	double t_start = now(), t_cycles;
	long slab0, slab1;
	int n, fd, interleaved = 0, invalidations = 0;
	size_t len = 64 * 4096;
	struct mn_test_stats st;
	char *mem;

	printf("fuzz: seed %u, %d ioctls, %d cycles\n", seed, nr_ioctls, cycles);
	rnd_state = seed;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(MN_FILE, O_RDWR);
	if (fd < 0 || mem == MAP_FAILED)
		fail("fuzz", "open %s: %s", MN_FILE, strerror(errno));
	for (n = 0; n < nr_ioctls; n++) {
		union {
			struct mn_test_subscribe s;
			struct mn_test_stats st;
			unsigned char raw[64];
		} buf;
		unsigned int cmd, i;
		void *arg;
		long ret;

		switch (rnd(3)) {
		case 0:
			cmd = valid[rnd(3)];
			break;
		case 1:
			cmd = _IOC(rnd(4), 'm', rnd(16), rnd(65));
			break;
		default:
			cmd = rnd(0x7fffffff) ^ (rnd(2) << 31);
			break;
		}
		if (cmd == MN_TEST_PARK)	/* would sleep 60 s */
			cmd = MN_TEST_UNPARK;
		for (i = 0; i < sizeof(buf.raw); i++)
			buf.raw[i] = rnd(256);
		if (rnd(2))
			buf.s.kind = kinds[rnd(6)];
		if (rnd(2))
			buf.st.id = rnd(2) ? rnd(20) : 0xffffffff;
		switch (rnd(5)) {
		case 0:
			arg = NULL;
			break;
		case 1:
			arg = (void *)1;
			break;
		case 2:
			arg = (void *)0xffff888000000000UL;
			break;
		default:
			arg = &buf;
			break;
		}
		ret = ioctl(fd, cmd, arg);
		if (!ret)
			errs[0]++;
		else if (errno == ENOTTY)
			errs[1]++;
		else if (errno == EFAULT)
			errs[2]++;
		else if (errno == EINVAL)
			errs[3]++;
		else if (errno == ENOSPC)
			errs[4]++;
		else
			fail("fuzz", "ioctl %d: cmd %#x arg %p: unexpected %s",
			     n, cmd, arg, strerror(errno));

		/* Invalidate a random range of the mapping. */
		if (n % 10 == 0) {
			size_t off = rnd(64) * 4096, l = (1 + rnd(64 - off / 4096)) * 4096;

			memset(mem + off, 1, l);
			madvise(mem + off, l, MADV_DONTNEED);
			invalidations++;
		}
		/* A fresh file now and then: the old one is full. */
		if (n % 500 == 499) {
			close(fd);
			fd = open(MN_FILE, O_RDWR);
			if (fd < 0)
				fail("fuzz", "reopen: %s", strerror(errno));
		}
		if (n % 5 == 4) {
			cycle(1 + rnd(MAX_SUBS));
			interleaved++;
		}
	}
	close(fd);
	printf("fuzz: %d ioctls: %lu ok, %lu ENOTTY, %lu EFAULT, %lu EINVAL, %lu ENOSPC; %d cycles and %d invalidations between them, %.0f s\n",
	       nr_ioctls, errs[0], errs[1], errs[2], errs[3], errs[4],
	       interleaved, invalidations, now() - t_start);

	/* A fresh subscription still sees paired invalidations. */
	fd = open(MN_FILE, O_RDWR);
	{
		struct mn_test_subscribe s = { .kind = MN_TEST_START_NEVER_FAILS };

		if (fd < 0 || ioctl(fd, MN_TEST_SUBSCRIBE, &s))
			fail("fuzz", "fresh subscription: %s", strerror(errno));
		memset(mem, 1, len);
		madvise(mem, len, MADV_DONTNEED);
		st.id = s.id;
		if (ioctl(fd, MN_TEST_STATS, &st) || !st.starts || st.ends != st.starts)
			fail("fuzz", "fresh subscription: %llu starts, %llu ends",
			     (unsigned long long)st.starts,
			     (unsigned long long)st.ends);
		printf("fuzz: a fresh subscription: %llu starts, %llu ends\n",
		       (unsigned long long)st.starts, (unsigned long long)st.ends);
	}
	close(fd);

	cycle(MAX_SUBS);	/* the caches warm */
	slab0 = sunreclaim_kb();
	t_cycles = now();
	for (n = 0; n < cycles; n++)
		cycle(1 + rnd(MAX_SUBS));
	slab1 = sunreclaim_kb();
	printf("fuzz: %d subscribe/close cycles in a row; SUnreclaim %ld kB -> %ld kB; %.0f s\n",
	       cycles, slab0, slab1, now() - t_cycles);
	/*
	 * 2,000 cycles hold about 17,000 subscriptions and 2,000 files: a
	 * leak of either is 500 kB or more; the rest of the guest moves this
	 * by a few pages.  Under KASAN freed objects wait in its quarantine,
	 * so where kmemleak runs, its scan decides instead.
	 */
	if (access("/sys/kernel/debug/kmemleak", F_OK) == 0)
		printf("fuzz: kmemleak runs: its scan, not SUnreclaim, decides\n");
	else if (slab1 - slab0 > 256)
		fail("fuzz", "unreclaimable slab grew by %ld kB over %d cycles",
		     slab1 - slab0, cycles);
	printf("fuzz: ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int seed = argc > 2 ? strtoul(argv[2], NULL, 0) : time(NULL);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "soak"))
		return soak(seed, argc > 3 ? atoi(argv[3]) : 24);
	if (argc > 1 && !strcmp(argv[1], "fuzz"))
		return fuzz(seed, argc > 3 ? atoi(argv[3]) : 10000,
			    argc > 4 ? atoi(argv[4]) : 2000);
	fprintf(stderr, "usage: %s soak [SEED [KILLS]] | fuzz [SEED [IOCTLS [CYCLES]]]\n",
		argv[0]);
	return 2;
}
