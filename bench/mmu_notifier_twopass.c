// SPDX-License-Identifier: GPL-2.0
/*
 * Bench code, not part of the series: the reap of a failed non-blockable
 * invalidation beside 7.1's two-pass interval notifiers ("mm/mmu_notifier:
 * Allow two-pass struct mmu_interval_notifiers", 7aba71dbc416).  stress.sh
 * builds it into the stress kernel only where the tree's
 * include/linux/mmu_notifier.h has invalidate_finish.
 *
 * Every first pass that succeeded and asked for a finish gets exactly one
 * finish, and a failed hlist start leaves no interval tree invalidation
 * open, as in the series' own suite for one-pass notifiers.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>

#include "../mm/internal.h"

#define MN_TP_PAGES	4

struct mn_tp_interval {
	struct mmu_interval_notifier mni;
	struct mmu_interval_notifier_finish finish;
	bool fails;		/* the first pass, unless blockable */
	bool no_finish;		/* the first pass asks for no finish */
	int first_passes;	/* that succeeded */
	int failed_first_passes;
	int finishes;
};

struct mn_tp_sub {
	struct mmu_notifier mn;
	bool fails;
	int starts;
	int ends;
};

static unsigned long mn_tp_addr;

static bool mn_tp_invalidate_start(struct mmu_interval_notifier *mni,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq,
				   struct mmu_interval_notifier_finish **finish)
{
	struct mn_tp_interval *itv =
		container_of(mni, struct mn_tp_interval, mni);

	if (itv->fails && !mmu_notifier_range_blockable(range)) {
		itv->failed_first_passes++;
		return false;
	}
	mmu_interval_set_seq(mni, cur_seq);
	itv->first_passes++;
	if (!itv->no_finish) {
		*finish = &itv->finish;
	}
	return true;
}

static void mn_tp_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	struct mn_tp_interval *itv =
		container_of(finish, struct mn_tp_interval, finish);

	itv->finishes++;
}

static const struct mmu_interval_notifier_ops mn_tp_interval_ops = {
	.invalidate_start = mn_tp_invalidate_start,
	.invalidate_finish = mn_tp_invalidate_finish,
};

static int mn_tp_start(struct mmu_notifier *mn,
		       const struct mmu_notifier_range *range)
{
	struct mn_tp_sub *sub = container_of(mn, struct mn_tp_sub, mn);

	if (sub->fails && !mmu_notifier_range_blockable(range))
		return -EAGAIN;
	sub->starts++;
	return 0;
}

static void mn_tp_end(struct mmu_notifier *mn,
		      const struct mmu_notifier_range *range)
{
	container_of(mn, struct mn_tp_sub, mn)->ends++;
}

/* The failing subscriber has no end, as the series' rule requires. */
static const struct mmu_notifier_ops mn_tp_fail_ops = {
	.invalidate_range_start = mn_tp_start,
};

static const struct mmu_notifier_ops mn_tp_end_ops = {
	.invalidate_range_start = mn_tp_start,
	.invalidate_range_end = mn_tp_end,
	.start_never_fails = true,
};

static void mn_tp_unregister(void *data)
{
	struct mn_tp_sub *sub = data;

	mmu_notifier_unregister(&sub->mn, sub->mn.mm);
}

static struct mn_tp_sub *mn_tp_register(struct kunit *test, bool fails)
{
	struct mn_tp_sub *sub;

	sub = kunit_kzalloc(test, sizeof(*sub), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sub);
	sub->fails = fails;
	sub->mn.ops = fails ? &mn_tp_fail_ops : &mn_tp_end_ops;
	KUNIT_ASSERT_EQ(test, mmu_notifier_register(&sub->mn, current->mm), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mn_tp_unregister,
							sub), 0);
	return sub;
}

static void mn_tp_remove(void *data)
{
	struct mn_tp_interval *itv = data;

	mmu_interval_notifier_remove(&itv->mni);
}

static struct mn_tp_interval *mn_tp_insert(struct kunit *test, bool fails,
					   bool no_finish)
{
	struct mn_tp_interval *itv;

	itv = kunit_kzalloc(test, sizeof(*itv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, itv);
	itv->fails = fails;
	itv->no_finish = no_finish;
	KUNIT_ASSERT_EQ(test, mmu_interval_notifier_insert(&itv->mni,
			current->mm, mn_tp_addr, MN_TP_PAGES * PAGE_SIZE,
			&mn_tp_interval_ops), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mn_tp_remove,
							itv), 0);
	return itv;
}

static bool mn_tp_reap(void)
{
	bool reaped;

	mmap_read_lock(current->mm);
	reaped = __oom_reap_task_mm(current->mm);
	mmap_read_unlock(current->mm);
	return reaped;
}

/*
 * Last in a case, which ends a leaked invalidation itself: its cleanup
 * runs while the exiting case tears down its mm, and removing the
 * interval notifier would wait for the leak forever.  The ends reach the
 * hlist subscribers too, hence last.
 */
static void mn_tp_expect_itree_closed(struct kunit *test)
{
	struct mmu_notifier_range range;
	int leaked;

	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, 0, current->mm,
				0, TASK_SIZE);
	for (leaked = 0; leaked < 100 && mmu_notifier_itree_open(current->mm);
	     leaked++)
		mmu_notifier_invalidate_range_end(&range);
	KUNIT_EXPECT_EQ_MSG(test, leaked, 0,
			    "interval tree invalidations left open");
}

/* The interval tree runs first: its finish comes before the hlist fails. */
static void mn_tp_finish_once_when_hlist_start_fails(struct kunit *test)
{
	struct mn_tp_interval *itv = mn_tp_insert(test, false, false);
	struct mn_tp_sub *end = mn_tp_register(test, false);

	mn_tp_register(test, true);

	KUNIT_EXPECT_FALSE(test, mn_tp_reap());
	KUNIT_EXPECT_EQ(test, itv->first_passes, 1);
	KUNIT_EXPECT_EQ(test, itv->finishes, 1);
	KUNIT_EXPECT_EQ(test, end->ends, end->starts);
	mn_tp_expect_itree_closed(test);
}

/* A first pass that asks for no finish gets none, and nothing stays open. */
static void mn_tp_no_finish_when_none_asked(struct kunit *test)
{
	struct mn_tp_interval *itv = mn_tp_insert(test, false, true);

	mn_tp_register(test, true);

	KUNIT_EXPECT_FALSE(test, mn_tp_reap());
	KUNIT_EXPECT_EQ(test, itv->first_passes, 1);
	KUNIT_EXPECT_EQ(test, itv->finishes, 0);
	mn_tp_expect_itree_closed(test);
}

/*
 * Two notifiers over the same range, one failing its first pass: the one
 * that failed gets no finish, and whichever succeeded gets one.
 */
static void mn_tp_failed_first_pass_gets_no_finish(struct kunit *test)
{
	struct mn_tp_interval *a = mn_tp_insert(test, false, false);
	struct mn_tp_interval *b = mn_tp_insert(test, true, false);

	KUNIT_EXPECT_FALSE(test, mn_tp_reap());
	KUNIT_EXPECT_EQ(test, b->failed_first_passes, 1);
	KUNIT_EXPECT_EQ(test, b->finishes, 0);
	KUNIT_EXPECT_EQ(test, a->finishes, a->first_passes);
	mn_tp_expect_itree_closed(test);
}

/* Retried failed reaps: one finish per first pass, nothing open between. */
static void mn_tp_failed_reap_retries_stay_paired(struct kunit *test)
{
	struct mn_tp_interval *itv = mn_tp_insert(test, false, false);
	struct mn_tp_sub *end = mn_tp_register(test, false);
	int i;

	mn_tp_register(test, true);

	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_FALSE(test, mn_tp_reap());
		KUNIT_EXPECT_FALSE_MSG(test, mmu_notifier_itree_open(current->mm),
				       "after failed reap %d", i + 1);
	}
	KUNIT_EXPECT_EQ(test, itv->first_passes, 10);
	KUNIT_EXPECT_EQ(test, itv->finishes, 10);
	KUNIT_EXPECT_EQ(test, end->starts, 10);
	KUNIT_EXPECT_EQ(test, end->ends, 10);
	mn_tp_expect_itree_closed(test);
}

static int mn_tp_init(struct kunit *test)
{
	mn_tp_addr = kunit_vm_mmap(test, NULL, 0, MN_TP_PAGES * PAGE_SIZE,
				   PROT_READ | PROT_WRITE,
				   MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(mn_tp_addr) || !mn_tp_addr)
		return -ENOMEM;
	return 0;
}

static struct kunit_case mn_tp_cases[] = {
	KUNIT_CASE(mn_tp_finish_once_when_hlist_start_fails),
	KUNIT_CASE(mn_tp_no_finish_when_none_asked),
	KUNIT_CASE(mn_tp_failed_first_pass_gets_no_finish),
	KUNIT_CASE(mn_tp_failed_reap_retries_stay_paired),
	{}
};

static struct kunit_suite mn_tp_suite = {
	.name = "mmu_notifier_twopass",
	.init = mn_tp_init,
	.test_cases = mn_tp_cases,
};

kunit_test_suite(mn_tp_suite);

MODULE_DESCRIPTION("Bench: failed reaps beside two-pass interval notifiers");
MODULE_LICENSE("GPL");
