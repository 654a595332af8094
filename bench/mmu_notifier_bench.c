// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of the mmu_notifier invalidation walk and of a registration, for
 * "make bench" (bench/bench.sh).  Not part of the series: bench.sh copies
 * this file into lib/ of the base and of the series, so that both kernels
 * run the same code.  HAVE_START_NEVER_FAILS is defined where the tree has
 * the series' start_never_fails.
 *
 * Each case prints one line a row:
 *
 *   mmu_notifier_bench: <row> <ns per operation, 3 decimals>
 *
 * the median of BENCH_SAMPLES samples of "loops" operations each
 * (mmu_notifier_bench.loops=, BENCH_LOOPS by default: the -icount run of
 * bench.sh, under QEMU's TCG, takes fewer).
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mmu_notifier.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#define BENCH_LOOPS		100000
#define BENCH_SAMPLES		9
#define BENCH_MAX_HLIST		16
#define BENCH_REGISTRATIONS	1000
#define BENCH_START		0x100000UL
#define BENCH_END		0x200000UL

static unsigned int loops = BENCH_LOOPS;
module_param(loops, uint, 0444);

static int bench_start(struct mmu_notifier *mn,
		       const struct mmu_notifier_range *range)
{
	return 0;
}

static void bench_end(struct mmu_notifier *mn,
		      const struct mmu_notifier_range *range)
{
}

static void bench_free(struct mmu_notifier *mn)
{
	kfree(mn);
}

/* A secondary MMU as KVM's: start and end, a start that never fails. */
static const struct mmu_notifier_ops bench_ops = {
	.invalidate_range_start	= bench_start,
	.invalidate_range_end	= bench_end,
	.free_notifier		= bench_free,
#ifdef HAVE_START_NEVER_FAILS
	.start_never_fails	= true,
#endif
};

static int bench_start_fails(struct mmu_notifier *mn,
			     const struct mmu_notifier_range *range)
{
	return mmu_notifier_range_blockable(range) ? 0 : -EAGAIN;
}

/* One that cannot take its locks without blocking, and so has no end. */
static const struct mmu_notifier_ops bench_failing_ops = {
	.invalidate_range_start	= bench_start_fails,
};

static bool bench_invalidate(struct mmu_interval_notifier *sub,
			     const struct mmu_notifier_range *range,
			     unsigned long cur_seq)
{
	mmu_interval_set_seq(sub, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops bench_itree_ops = {
	.invalidate = bench_invalidate,
};

static bool bench_invalidate_fails(struct mmu_interval_notifier *sub,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	if (!mmu_notifier_range_blockable(range))
		return false;
	mmu_interval_set_seq(sub, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops bench_itree_failing_ops = {
	.invalidate = bench_invalidate_fails,
};

struct bench_row {
	const char *name;
	int hlist;		/* subscribers with bench_ops */
	bool itree;		/* one interval notifier over the range */
	bool fail;		/* the last subscriber walked fails a nonblock start */
};

static const struct bench_row bench_pair_rows[] = {
	{ "pair_hlist0_itree0", 0, false },
	{ "pair_hlist1_itree0", 1, false },
	{ "pair_hlist4_itree0", 4, false },
	{ "pair_hlist16_itree0", 16, false },
	{ "pair_hlist0_itree1", 0, true },
	{ "pair_hlist1_itree1", 1, true },
	{ "pair_hlist4_itree1", 4, true },
	{ "pair_hlist16_itree1", 16, true },
};

/*
 * The reaper's path: a nonblock start that fails.  In the hlist row three
 * subscribers start and get their end, then the fourth fails; in the itree
 * row the interval notifier fails.  (An interval notifier that started
 * before a failing hlist subscriber is left open by the base: that is the
 * bug of patch 1, which no benchmark of the base can run.)
 */
static const struct bench_row bench_fail_rows[] = {
	{ "nonblock_fail_hlist4", 3, false, true },
	{ "nonblock_fail_itree1", 0, true, true },
};

static void bench_row_desc(const struct bench_row *row, char *desc)
{
	strscpy(desc, row->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bench_pair, bench_pair_rows, bench_row_desc);
KUNIT_ARRAY_PARAM(bench_fail, bench_fail_rows, bench_row_desc);

static int bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Print the median of @ns, each the time of @ops operations. */
static void bench_report(const char *name, u64 *ns, u64 ops)
{
	u64 ps;

	sort(ns, BENCH_SAMPLES, sizeof(*ns), bench_cmp, NULL);
	ps = div64_u64(ns[BENCH_SAMPLES / 2] * 1000, ops);
	pr_info("mmu_notifier_bench: %s %llu.%03llu\n", name,
		div_u64(ps, 1000), ps % 1000);
}

struct bench {
	struct mm_struct *mm;
	struct mmu_notifier hlist[BENCH_MAX_HLIST];
	struct mmu_notifier failing;
	struct mmu_interval_notifier itree;
	int registered;
	bool itree_inserted;
	bool failing_registered;
};

static void bench_exit(struct kunit *test)
{
	struct bench *b = test->priv;
	int i;

	if (b->itree_inserted)
		mmu_interval_notifier_remove(&b->itree);
	for (i = 0; i < b->registered; i++)
		mmu_notifier_unregister(&b->hlist[i], b->mm);
	if (b->failing_registered)
		mmu_notifier_unregister(&b->failing, b->mm);
	mmput(b->mm);
}

/* An mm with @row's subscribers; mm_alloc() as 6.1 has no kunit_vm_mmap(). */
static struct bench *bench_setup(struct kunit *test,
				 const struct bench_row *row)
{
	struct bench *b;
	int i;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, b->mm);
	test->priv = b;
	/*
	 * Even with no subscriber, the mm has its notifier_subscriptions, as
	 * after the last one went: every row runs the walk of
	 * mm/mmu_notifier.c.  (Without them, start and end are one inline
	 * test of mm->notifier_subscriptions, the same in both trees.)
	 */
	mmap_write_lock(b->mm);
	KUNIT_ASSERT_EQ(test, __mmu_notifier_register(NULL, b->mm), 0);
	mmap_write_unlock(b->mm);

	/* hlist_add_head(): registered first, walked last. */
	if (row->fail) {
		b->failing.ops = &bench_failing_ops;
		KUNIT_ASSERT_EQ(test, mmu_notifier_register(&b->failing, b->mm), 0);
		b->failing_registered = true;
	}
	for (i = 0; i < row->hlist; i++) {
		b->hlist[i].ops = &bench_ops;
		KUNIT_ASSERT_EQ(test, mmu_notifier_register(&b->hlist[i], b->mm), 0);
		b->registered++;
	}
	if (row->itree) {
		KUNIT_ASSERT_EQ(test,
				mmu_interval_notifier_insert(&b->itree, b->mm,
					BENCH_START, BENCH_END - BENCH_START,
					row->fail ? &bench_itree_failing_ops :
						    &bench_itree_ops), 0);
		b->itree_inserted = true;
	}
	return b;
}

static void mmu_notifier_bench_pair(struct kunit *test)
{
	const struct bench_row *row = test->param_value;
	struct mmu_notifier_range range;
	unsigned long seq = 0;
	u64 ns[BENCH_SAMPLES];
	struct bench *b;
	int s, i;

	b = bench_setup(test, row);
	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, 0, b->mm,
				BENCH_START, BENCH_END);
	if (row->itree)
		seq = mmu_interval_read_begin(&b->itree);
	for (s = 0; s < BENCH_SAMPLES; s++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < loops; i++) {
			mmu_notifier_invalidate_range_start(&range);
			mmu_notifier_invalidate_range_end(&range);
		}
		ns[s] = ktime_get_ns() - t0;
	}
	/* The walk reached the interval notifier. */
	if (row->itree)
		KUNIT_EXPECT_TRUE(test, mmu_interval_read_retry(&b->itree, seq));
	bench_report(row->name, ns, loops);
}

static void mmu_notifier_bench_nonblock_fail(struct kunit *test)
{
	const struct bench_row *row = test->param_value;
	struct mmu_notifier_range range;
	int saved_loglevel = console_loglevel;
	u64 ns[BENCH_SAMPLES];
	int s, i, failed = 0;
	struct bench *b;

	b = bench_setup(test, row);
	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, 0, b->mm,
				BENCH_START, BENCH_END);
	/*
	 * The base reports every failure with pr_info(): time its printk(),
	 * not the console's, as on a system booted with "quiet".
	 */
	console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	for (s = 0; s < BENCH_SAMPLES; s++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < loops; i++)
			failed += mmu_notifier_invalidate_range_start_nonblock(&range) == -EAGAIN;
		ns[s] = ktime_get_ns() - t0;
	}
	console_loglevel = saved_loglevel;
	KUNIT_EXPECT_EQ(test, failed, (int)(BENCH_SAMPLES * loops));
	bench_report(row->name, ns, loops);
}

/*
 * mmu_notifier_register() of BENCH_REGISTRATIONS subscribers on one mm, per
 * sample.  They go with mmu_notifier_put(), whose free is deferred to SRCU,
 * as mmu_notifier_unregister() would wait for a grace period each.
 */
static void mmu_notifier_bench_register(struct kunit *test)
{
	struct mmu_notifier **subs;
	u64 ns[BENCH_SAMPLES];
	struct mm_struct *mm;
	int s, i, failed = 0;
	int *ret;

	subs = kunit_kcalloc(test, BENCH_REGISTRATIONS, sizeof(*subs),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, subs);
	ret = kunit_kcalloc(test, BENCH_REGISTRATIONS, sizeof(*ret), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ret);
	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	for (s = 0; s < BENCH_SAMPLES && !failed; s++) {
		u64 t0;

		for (i = 0; i < BENCH_REGISTRATIONS; i++) {
			subs[i] = kzalloc(sizeof(*subs[i]), GFP_KERNEL);
			if (subs[i])
				subs[i]->ops = &bench_ops;
		}
		t0 = ktime_get_ns();
		for (i = 0; i < BENCH_REGISTRATIONS; i++)
			ret[i] = subs[i] ? mmu_notifier_register(subs[i], mm) :
					   -ENOMEM;
		ns[s] = ktime_get_ns() - t0;
		/* Only a registered subscription has an mm to be put from. */
		for (i = 0; i < BENCH_REGISTRATIONS; i++) {
			if (!ret[i])
				mmu_notifier_put(subs[i]);
			else
				kfree(subs[i]);
			failed += ret[i] != 0;
		}
		mmu_notifier_synchronize();
	}
	mmput(mm);
	KUNIT_ASSERT_EQ(test, failed, 0);
	bench_report("register", ns, BENCH_REGISTRATIONS);
}

static struct kunit_case mmu_notifier_bench_cases[] = {
	KUNIT_CASE_PARAM(mmu_notifier_bench_pair, bench_pair_gen_params),
	KUNIT_CASE_PARAM(mmu_notifier_bench_nonblock_fail, bench_fail_gen_params),
	KUNIT_CASE(mmu_notifier_bench_register),
	{}
};

static void mmu_notifier_bench_exit(struct kunit *test)
{
	if (test->priv)
		bench_exit(test);
}

static struct kunit_suite mmu_notifier_bench_suite = {
	.name = "mmu_notifier_bench",
	.exit = mmu_notifier_bench_exit,
	.test_cases = mmu_notifier_bench_cases,
};
kunit_test_suite(mmu_notifier_bench_suite);

MODULE_DESCRIPTION("Benchmark of the mmu_notifier walk, for make bench");
MODULE_LICENSE("GPL");
