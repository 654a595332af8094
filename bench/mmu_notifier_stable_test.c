// SPDX-License-Identifier: GPL-2.0
/*
 * The check of patch 1 on a stable tree, for "make stable" (bench/stable.sh).
 * Not part of the series: the series' own suite needs kunit_vm_mmap() and
 * KUnit's deferred actions, which 6.1 lacks, so this case takes an mm from
 * mm_alloc() and cleans up by hand.  It is the case
 * mn_test_nonblock_failure_closes_itree of lib/test_mmu_notifier.c, with a
 * probe that needs nothing newer than 6.1.
 */
#include <kunit/test.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/version.h>

#define STABLE_START	0x100000UL
#define STABLE_END	0x200000UL

/* Up to 6.2 the range also named a VMA, which may be NULL. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define stable_range_init(range, mm)					\
	mmu_notifier_range_init(range, MMU_NOTIFY_UNMAP, 0, NULL, mm,	\
				STABLE_START, STABLE_END)
#else
#define stable_range_init(range, mm)					\
	mmu_notifier_range_init(range, MMU_NOTIFY_UNMAP, 0, mm,	\
				STABLE_START, STABLE_END)
#endif

static int stable_start_fails(struct mmu_notifier *mn,
			      const struct mmu_notifier_range *range)
{
	return mmu_notifier_range_blockable(range) ? 0 : -EAGAIN;
}

static const struct mmu_notifier_ops stable_failing_ops = {
	.invalidate_range_start = stable_start_fails,
};

struct stable_interval {
	struct mmu_interval_notifier mni;
	unsigned long seq[2];
	int invalidates;
};

static bool stable_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct stable_interval *itv = container_of(mni, struct stable_interval, mni);

	if (itv->invalidates < ARRAY_SIZE(itv->seq))
		itv->seq[itv->invalidates] = cur_seq;
	itv->invalidates++;
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops stable_interval_ops = {
	.invalidate = stable_invalidate,
};

/*
 * A non-blockable start that an hlist subscriber fails must close the
 * interval tree invalidation it opened.  The next invalidation then opens a
 * new one, with a new sequence; a leaked one stays open and is joined, so
 * the interval notifier sees the same sequence twice.  (Waiting on the
 * sequence instead, with mmu_interval_read_begin(), would hang on a leak.)
 */
static void mn_stable_nonblock_failure_closes_itree(struct kunit *test)
{
	struct mmu_notifier_range range;
	struct stable_interval *itv;
	struct mmu_notifier *failing;
	struct mm_struct *mm;

	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	failing = kunit_kzalloc(test, sizeof(*failing), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, failing);
	/* Outside KUnit's resources: on a leak it must outlive the case. */
	itv = kzalloc(sizeof(*itv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, itv);
	failing->ops = &stable_failing_ops;
	KUNIT_ASSERT_EQ(test, mmu_notifier_register(failing, mm), 0);
	KUNIT_ASSERT_EQ(test, mmu_interval_notifier_insert(&itv->mni, mm,
				STABLE_START, STABLE_END - STABLE_START,
				&stable_interval_ops), 0);

	stable_range_init(&range, mm);
	KUNIT_EXPECT_EQ(test, mmu_notifier_invalidate_range_start_nonblock(&range),
			-EAGAIN);
	stable_range_init(&range, mm);
	mmu_notifier_invalidate_range_start(&range);
	mmu_notifier_invalidate_range_end(&range);

	KUNIT_EXPECT_EQ(test, itv->invalidates, 2);
	KUNIT_EXPECT_NE_MSG(test, itv->seq[0], itv->seq[1],
			    "the interval tree invalidation of the failed start was left open");
	/* Removing the interval notifier would wait forever on a leak. */
	if (itv->invalidates == 2 && itv->seq[0] != itv->seq[1]) {
		mmu_interval_notifier_remove(&itv->mni);
		kfree(itv);
	}
	mmu_notifier_unregister(failing, mm);
	mmput(mm);
}

static struct kunit_case mn_stable_cases[] = {
	KUNIT_CASE(mn_stable_nonblock_failure_closes_itree),
	{}
};

static struct kunit_suite mn_stable_suite = {
	.name = "mmu_notifier_stable",
	.test_cases = mn_stable_cases,
};
kunit_test_suite(mn_stable_suite);

MODULE_DESCRIPTION("Check of the mmu_notifier interval tree fix on a stable tree");
MODULE_LICENSE("GPL");
