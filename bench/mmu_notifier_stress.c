// SPDX-License-Identifier: GPL-2.0
/*
 * Stress of the mmu_notifier pairing rules, for "make stress"
 * (bench/stress.sh).  Not part of the series: stress.sh copies this file
 * into lib/ of the work tree for the run, and takes it out again.
 *
 * mn_stress_random makes MN_RAND_STEPS seeded random invalidations of
 * random ranges, blockable, not blockable and the OOM reaper's, over a
 * random and changing mix of hlist subscribers and interval notifiers,
 * and checks each against a model of the walk: every start that succeeded
 * got exactly one end, a failed one none, and no interval tree
 * invalidation is left open.
 *
 * mn_stress_concurrent runs invalidators beside kthreads that register and
 * unregister hlist subscribers and insert and remove interval notifiers,
 * a fixed amount of work each, in two phases so that it fails rather than
 * hangs on a leaked invalidation.
 *
 * The seed is printed; replay a run with mmu_notifier_stress.seed=<seed>
 * on the kernel command line (KERNEL_ARGS=... bench/stress.sh).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "../mm/internal.h"

static unsigned long seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the random invalidations");

#define MN_PAGES	4	/* the mapping: the mm's only VMA */
#define MN_MARGIN	4	/* pages on each side that ranges reach into */
#define MN_SPAN		(MN_PAGES + 2 * MN_MARGIN)

enum mn_kind {
	MN_START_END,		/* start never fails, has end: like KVM */
	MN_START,		/* start never fails, no end */
	MN_MAY_FAIL,		/* start fails unless blockable: like nouveau */
	MN_NR_KINDS,
};

static const char * const mn_kind_names[] = { "start+end", "start", "may fail" };

/* How an invalidation is made: by the OOM reaper, or of a random range. */
enum mn_how { MN_REAP, MN_NONBLOCK, MN_BLOCK };

struct mn_sub {
	struct mmu_notifier mn;
	enum mn_kind kind;
	bool on;			/* registered */
	atomic_t starts, failed, ends;	/* starts that succeeded, failed */
	int want_starts, want_failed, want_ends;	/* the model's */
};

struct mn_itv {
	struct mmu_interval_notifier mni;
	unsigned long start, last;	/* inclusive */
	unsigned long order;		/* of insertion: the walk's among equal starts */
	bool may_fail;			/* fails unless blockable */
	bool on;			/* inserted */
	atomic_t invalidates;		/* that succeeded */
	int want_invalidates;		/* the model's */
};

/* The start of the mapping each case makes in its own mm. */
static unsigned long mn_addr;

static int mn_start(struct mmu_notifier *mn,
		    const struct mmu_notifier_range *range)
{
	struct mn_sub *sub = container_of(mn, struct mn_sub, mn);

	if (sub->kind == MN_MAY_FAIL && !mmu_notifier_range_blockable(range)) {
		atomic_inc(&sub->failed);
		return -EAGAIN;
	}
	atomic_inc(&sub->starts);
	return 0;
}

static void mn_end(struct mmu_notifier *mn,
		   const struct mmu_notifier_range *range)
{
	atomic_inc(&container_of(mn, struct mn_sub, mn)->ends);
}

static const struct mmu_notifier_ops mn_ops[] = {
	[MN_START_END] = {
		.invalidate_range_start = mn_start,
		.invalidate_range_end = mn_end,
		.start_never_fails = true,
	},
	[MN_START] = { .invalidate_range_start = mn_start },
	[MN_MAY_FAIL] = { .invalidate_range_start = mn_start },
};

static bool mn_itv_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct mn_itv *itv = container_of(mni, struct mn_itv, mni);

	if (READ_ONCE(itv->may_fail) && !mmu_notifier_range_blockable(range))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	atomic_inc(&itv->invalidates);
	return true;
}

static const struct mmu_interval_notifier_ops mn_itv_ops = {
	.invalidate = mn_itv_invalidate,
};

/* Register @sub anew, its counts and the model's at zero. */
static int mn_sub_register(struct mn_sub *sub, enum mn_kind kind,
			   struct mm_struct *mm)
{
	int ret;

	memset(sub, 0, sizeof(*sub));
	sub->kind = kind;
	sub->mn.ops = &mn_ops[kind];
	ret = mmu_notifier_register(&sub->mn, mm);
	sub->on = !ret;
	return ret;
}

static void mn_sub_unregister(struct mn_sub *sub)
{
	mmu_notifier_unregister(&sub->mn, sub->mn.mm);
	sub->on = false;
}

static int mn_itv_insert(struct mn_itv *itv, struct mm_struct *mm,
			 unsigned long start, unsigned long end, bool may_fail,
			 unsigned long order)
{
	int ret;

	memset(itv, 0, sizeof(*itv));
	itv->start = start;
	itv->last = end - 1;
	itv->order = order;
	itv->may_fail = may_fail;
	ret = mmu_interval_notifier_insert(&itv->mni, mm, start, end - start,
					   &mn_itv_ops);
	itv->on = !ret;
	return ret;
}

static void mn_itv_remove(struct mn_itv *itv)
{
	mmu_interval_notifier_remove(&itv->mni);
	itv->on = false;
}

/*
 * A removal waits for good on an interval tree invalidation left open:
 * end any first, as the caller that opened it should have.  Only once no
 * invalidation is in flight is an open one a leak.
 */
static void mn_end_leaked(struct mm_struct *mm)
{
	struct mmu_notifier_range range;
	int i;

	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, 0, mm, 0, TASK_SIZE);
	for (i = 0; i < 100000 && mmu_notifier_itree_open(mm); i++)
		mmu_notifier_invalidate_range_end(&range);
}

static u32 mn_below(struct rnd_state *rnd, u32 n)
{
	return prandom_u32_state(rnd) % n;
}

static enum mn_how mn_rand_how(struct rnd_state *rnd)
{
	u32 n = mn_below(rnd, 8);

	/* One in eight the reaper's, three not blockable, half blockable. */
	return n == 0 ? MN_REAP : n < 4 ? MN_NONBLOCK : MN_BLOCK;
}

/* A random range of whole pages in and around the mapping. */
static void mn_rand_range(struct rnd_state *rnd, unsigned long *start,
			  unsigned long *end)
{
	u32 first = mn_below(rnd, MN_SPAN);
	u32 pages = 1 + mn_below(rnd, MN_SPAN - first);

	*start = mn_addr + first * PAGE_SIZE - MN_MARGIN * PAGE_SIZE;
	*end = *start + pages * PAGE_SIZE;
}

/*
 * One invalidation under mmap_read_lock, as the OOM reaper's: the reaper's
 * own (of the mapping), or of [@start, @end); returns what start returned.
 * With @yield_open, other threads get to run while it is open: on UML, a
 * uniprocessor, nothing else would run beside it.
 */
static int mn_invalidate(struct mm_struct *mm, enum mn_how how,
			 unsigned long start, unsigned long end, bool yield_open)
{
	struct mmu_notifier_range range;
	int ret = 0;

	mmap_read_lock(mm);
	if (how == MN_REAP) {
		ret = __oom_reap_task_mm(mm) ? 0 : -EAGAIN;
	} else {
		mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP,
					how == MN_BLOCK ? MMU_NOTIFIER_RANGE_BLOCKABLE : 0,
					mm, start, end);
		if (how == MN_BLOCK)
			mmu_notifier_invalidate_range_start(&range);
		else
			ret = mmu_notifier_invalidate_range_start_nonblock(&range);
		if (!ret) {
			if (yield_open)
				yield();
			mmu_notifier_invalidate_range_end(&range);
		}
	}
	mmap_read_unlock(mm);
	return ret;
}

static void mn_mmput(void *mm)
{
	mmput(mm);
}

/* --- Random ---------------------------------------------------------- */

#define MN_RAND_STEPS	10000
#define MN_RAND_SUBS	6	/* slots for hlist subscribers */
#define MN_RAND_ITVS	4	/* slots for interval notifiers */

struct mn_rand {
	struct mm_struct *mm;
	struct rnd_state rnd;
	unsigned long order;
	struct mn_sub subs[MN_RAND_SUBS];
	struct mn_itv itvs[MN_RAND_ITVS];
};

#define mn_rand_fail(test, step, fmt, ...)				\
	KUNIT_FAIL(test, "seed %lu, invalidation %d: " fmt, seed, step,	\
		   ##__VA_ARGS__)

static void mn_rand_cleanup(void *data)
{
	struct mn_rand *r = data;
	int i;

	mn_end_leaked(r->mm);
	for (i = 0; i < MN_RAND_SUBS; i++)
		if (r->subs[i].on)
			mn_sub_unregister(&r->subs[i]);
	for (i = 0; i < MN_RAND_ITVS; i++)
		if (r->itvs[i].on)
			mn_itv_remove(&r->itvs[i]);
}

/* Whether @itv is inserted and [@start, @end) overlaps it. */
static bool mn_itv_overlaps(struct mn_itv *itv, unsigned long start,
			    unsigned long end)
{
	return itv->on && itv->start < end && itv->last >= start;
}

/* Whether the interval tree walk reaches @a before @b. */
static bool mn_itv_before(struct mn_itv *a, struct mn_itv *b)
{
	return a->start < b->start ||
	       (a->start == b->start && a->order < b->order);
}

/*
 * What the walk does, in the model; returns what start must return.  The
 * interval tree goes first, in order of start, and stops at a notifier
 * that fails, which skips the hlist; every hlist subscriber is called,
 * and one with an end gets it when its start succeeded.
 */
static int mn_rand_model(struct mn_rand *r, bool blockable,
			 unsigned long start, unsigned long end)
{
	struct mn_itv *stop = NULL;
	bool failed = false;
	int i;

	for (i = 0; i < MN_RAND_ITVS; i++) {
		struct mn_itv *itv = &r->itvs[i];

		if (!blockable && itv->may_fail &&
		    mn_itv_overlaps(itv, start, end) &&
		    (!stop || mn_itv_before(itv, stop)))
			stop = itv;
	}
	for (i = 0; i < MN_RAND_ITVS; i++)
		if (mn_itv_overlaps(&r->itvs[i], start, end) &&
		    (!stop || mn_itv_before(&r->itvs[i], stop)))
			r->itvs[i].want_invalidates++;
	if (stop)
		return -EAGAIN;

	for (i = 0; i < MN_RAND_SUBS; i++) {
		struct mn_sub *sub = &r->subs[i];

		if (!sub->on)
			continue;
		if (!blockable && sub->kind == MN_MAY_FAIL) {
			sub->want_failed++;
			failed = true;
			continue;
		}
		sub->want_starts++;
		sub->want_ends += sub->kind == MN_START_END;
	}
	return failed ? -EAGAIN : 0;
}

/* Compare with the model after invalidation @step; report the first difference. */
static bool mn_rand_check(struct kunit *test, struct mn_rand *r, int step,
			  int ret, int want)
{
	int i;

	if (ret != want) {
		mn_rand_fail(test, step, "start returned %d, the model %d", ret, want);
		return false;
	}
	for (i = 0; i < MN_RAND_SUBS; i++) {
		struct mn_sub *sub = &r->subs[i];
		int starts = atomic_read(&sub->starts);
		int failed = atomic_read(&sub->failed);
		int ends = atomic_read(&sub->ends);

		if (!sub->on)
			continue;
		if (starts != sub->want_starts || failed != sub->want_failed ||
		    ends != sub->want_ends) {
			mn_rand_fail(test, step,
				     "subscriber %d (%s): starts/failed/ends %d/%d/%d, the model %d/%d/%d",
				     i, mn_kind_names[sub->kind], starts, failed,
				     ends, sub->want_starts, sub->want_failed,
				     sub->want_ends);
			return false;
		}
	}
	for (i = 0; i < MN_RAND_ITVS; i++) {
		struct mn_itv *itv = &r->itvs[i];

		if (itv->on &&
		    atomic_read(&itv->invalidates) != itv->want_invalidates) {
			mn_rand_fail(test, step,
				     "interval notifier %d: %d invalidations, the model %d",
				     i, atomic_read(&itv->invalidates),
				     itv->want_invalidates);
			return false;
		}
	}
	if (mmu_notifier_itree_open(r->mm)) {
		mn_rand_fail(test, step, "an interval tree invalidation was left open");
		return false;
	}
	return true;
}

static void mn_stress_random(struct kunit *test)
{
	struct mm_struct *mm = current->mm;
	int step, changes = 0;
	struct mn_rand *r;
	u64 t0;

	/* The reaper makes one invalidation a VMA: the model knows of one. */
	KUNIT_ASSERT_EQ(test, mm->map_count, 1);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->mm = mm;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mn_rand_cleanup, r), 0);
	prandom_seed_state(&r->rnd, seed);
	kunit_info(test, "seed %lu (replay: mmu_notifier_stress.seed=%lu)\n",
		   seed, seed);

	t0 = ktime_get_ns();
	for (step = 0; step < MN_RAND_STEPS; step++) {
		u32 change = mn_below(&r->rnd, 8);
		enum mn_how how = mn_rand_how(&r->rnd);
		unsigned long start, end;
		int ret = 0, want;

		/* Now and then a registration or removal between invalidations. */
		if (change == 0) {
			struct mn_sub *sub = &r->subs[mn_below(&r->rnd, MN_RAND_SUBS)];

			if (sub->on)
				mn_sub_unregister(sub);
			else
				ret = mn_sub_register(sub, mn_below(&r->rnd, MN_NR_KINDS),
						      mm);
		} else if (change == 1) {
			struct mn_itv *itv = &r->itvs[mn_below(&r->rnd, MN_RAND_ITVS)];

			mn_rand_range(&r->rnd, &start, &end);
			if (itv->on)
				mn_itv_remove(itv);
			else
				ret = mn_itv_insert(itv, mm, start, end,
						    mn_below(&r->rnd, 2), r->order++);
		}
		KUNIT_ASSERT_EQ(test, ret, 0);
		changes += change < 2;

		if (how == MN_REAP) {
			start = mn_addr;
			end = mn_addr + MN_PAGES * PAGE_SIZE;
		} else {
			mn_rand_range(&r->rnd, &start, &end);
		}
		want = mn_rand_model(r, how == MN_BLOCK, start, end);
		ret = mn_invalidate(mm, how, start, end, false);
		if (!mn_rand_check(test, r, step, ret, want))
			return;
	}
	kunit_info(test, "%d invalidations, %d registrations and removals between them, in %llu ms\n",
		   MN_RAND_STEPS, changes,
		   div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
}

/* --- Concurrency ----------------------------------------------------- */

/*
 * Invalidations beside registration and unregistration of hlist
 * subscribers and insertion and removal of interval notifiers.  The
 * invalidators hold mmap_read_lock, as the OOM reaper does: registration
 * takes mmap_write_lock and mm_take_all_locks(), which no real
 * invalidation runs beside, so it comes between them; the others take no
 * mmap lock and race the walks.
 */
#define MN_CONC_INVALIDATORS	2
#define MN_CONC_WORKERS		(MN_CONC_INVALIDATORS + 2)
#define MN_CONC_INVALIDATIONS	5000	/* per invalidator and phase */
#define MN_CONC_SUBS		64	/* registered and unregistered per phase */
#define MN_CONC_ITVS		64	/* inserted in phase 0, half removed in 1 */
#define MN_CONC_WAIT		(30 * HZ)	/* for the workers of a phase */
/* Yields after each step of a churner: spreads its steps over the phase. */
#define MN_CONC_SPREAD		(MN_CONC_INVALIDATIONS / MN_CONC_SUBS)

struct mn_conc;

struct mn_worker {
	struct mn_conc *c;
	struct task_struct *task;
	struct completion done;
	struct rnd_state rnd;
	int err;
	int nonblocking, failed;	/* invalidations, of an invalidator */
};

struct mn_conc {
	struct kunit *test;
	struct mm_struct *mm;
	int phase;
	bool stop;			/* the cleanup stops the workers */
	/* The invalidators first: mn_conc_cleanup() joins them first. */
	struct mn_worker w[MN_CONC_WORKERS];
	struct mn_sub resident[2];	/* start+end; failing in phase 0 */
	struct mn_sub subs[2][MN_CONC_SUBS];
	struct mn_itv itvs[MN_CONC_ITVS];
};

static void mn_conc_invalidate(struct mn_worker *w, struct mm_struct *mm)
{
	unsigned long start, end;
	int i;

	for (i = 0; i < MN_CONC_INVALIDATIONS && !READ_ONCE(w->c->stop); i++) {
		enum mn_how how = mn_rand_how(&w->rnd);

		mn_rand_range(&w->rnd, &start, &end);
		w->failed += !!mn_invalidate(mm, how, start, end, true);
		w->nonblocking += how != MN_BLOCK;
		yield();
	}
}

/* Phase 1 removes interval notifiers: no start may fail there. */
static void mn_conc_churn_hlist(struct mn_worker *w, struct mm_struct *mm)
{
	struct mn_sub *subs = w->c->subs[w->c->phase];
	int kinds = w->c->phase ? MN_MAY_FAIL : MN_NR_KINDS;
	int i, j;

	for (i = 0; i < MN_CONC_SUBS && !READ_ONCE(w->c->stop); i++) {
		/* First: none is in flight right after a registration. */
		if (i >= 2)
			mn_sub_unregister(&subs[i - 2]);
		w->err = mn_sub_register(&subs[i], i % kinds, mm);
		if (w->err)
			break;
		for (j = 0; j < MN_CONC_SPREAD; j++)
			yield();
	}
	for (i = 0; i < MN_CONC_SUBS; i++)
		if (subs[i].on)
			mn_sub_unregister(&subs[i]);
}

static void mn_conc_churn_itree(struct mn_worker *w, struct mm_struct *mm)
{
	struct mn_conc *c = w->c;
	unsigned long start, end;
	int i, j;

	for (i = 0; i < MN_CONC_ITVS && !READ_ONCE(c->stop); i++) {
		if (c->phase == 0) {
			mn_rand_range(&w->rnd, &start, &end);
			w->err = mn_itv_insert(&c->itvs[i], mm, start, end,
					       i & 1, i);
			if (w->err)
				break;
		} else if (i % 2 == 0) {
			mn_itv_remove(&c->itvs[i]);
		}
		for (j = 0; j < MN_CONC_SPREAD; j++)
			yield();
	}
}

static int mn_conc_thread(void *data)
{
	struct mn_worker *w = data;
	struct mm_struct *mm = w->c->mm;
	int i = w - w->c->w;

	/*
	 * Its own reference: an assertion may end the case, and its thread
	 * with its reference, while this one runs.  The mm_struct itself is
	 * pinned until the cleanup has joined this thread (mn_stress_init()).
	 */
	if (!mmget_not_zero(mm)) {
		w->err = -ESRCH;
	} else {
		if (i < MN_CONC_INVALIDATORS)
			mn_conc_invalidate(w, mm);
		else if (i == MN_CONC_INVALIDATORS)
			mn_conc_churn_hlist(w, mm);
		else
			mn_conc_churn_itree(w, mm);
		mmput(mm);
	}
	complete(&w->done);
	return 0;
}

static void mn_conc_start(struct kunit *test, struct mn_conc *c, int phase)
{
	int i;

	c->phase = phase;
	for (i = 0; i < MN_CONC_WORKERS; i++) {
		struct mn_worker *w = &c->w[i];
		struct task_struct *t;

		w->err = 0;
		w->nonblocking = 0;
		w->failed = 0;
		init_completion(&w->done);
		t = kthread_create(mn_conc_thread, w, "mn_stress/%d", i);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(t), "kthread_create: %ld",
				       PTR_ERR(t));
		/* Held until kthread_stop_put(), however early it exits. */
		w->task = get_task_struct(t);
		wake_up_process(t);
	}
}

/* Wait, MN_CONC_WAIT at most, for the first @n workers; false if one runs on. */
static bool mn_conc_join(struct mn_conc *c, int n)
{
	unsigned long deadline = jiffies + MN_CONC_WAIT;
	int i;

	for (i = 0; i < n; i++) {
		struct mn_worker *w = &c->w[i];

		if (!w->task)
			continue;
		if (!wait_for_completion_timeout(&w->done,
						 max_t(long, deadline - jiffies, 1)))
			return false;
		kthread_stop_put(w->task);
		w->task = NULL;
	}
	return true;
}

/*
 * Also when an assertion ended the case: stop and join the workers, then
 * undo the registrations.  Once the invalidators are joined, an open
 * invalidation is a leak: ending it frees a removal that waits on it.  A
 * worker stuck for good is left, with @c, which it uses.
 */
static void mn_conc_cleanup(void *data)
{
	struct mn_conc *c = data;
	int i, j;

	WRITE_ONCE(c->stop, true);
	if (mn_conc_join(c, MN_CONC_INVALIDATORS))
		mn_end_leaked(c->mm);
	if (!mn_conc_join(c, MN_CONC_WORKERS)) {
		kunit_err(c->test, "a worker is stuck: left behind\n");
		return;
	}
	for (i = 0; i < 2; i++)
		if (c->resident[i].on)
			mn_sub_unregister(&c->resident[i]);
	for (i = 0; i < 2; i++)
		for (j = 0; j < MN_CONC_SUBS; j++)
			if (c->subs[i][j].on)
				mn_sub_unregister(&c->subs[i][j]);
	for (i = 0; i < MN_CONC_ITVS; i++)
		if (c->itvs[i].on)
			mn_itv_remove(&c->itvs[i]);
	kfree(c);
}

/*
 * Phase 0: invalidators, with a resident subscriber that fails every
 * non-blockable start and interval notifiers that fail too, beside
 * registration and unregistration of hlist subscribers and insertion of
 * interval notifiers.  Phase 1, with no start failing: the same beside
 * removal of half of the interval notifiers.  A removal waits for the
 * invalidations in flight, and for good for one left open: it comes only
 * once phase 0 has left nothing open, and no start fails beside it.
 *
 * After each phase the resident subscriber with an end got one for each
 * start, one unregistered beside the walks never got an end without a
 * start (it may miss those of the walks in flight), nothing is left open
 * and every interval notifier inserted is in the tree.
 */
static void mn_stress_concurrent(struct kunit *test)
{
	unsigned long span_start = mn_addr - MN_MARGIN * PAGE_SIZE;
	unsigned long span_end = span_start + MN_SPAN * PAGE_SIZE;
	struct mm_struct *mm = current->mm;
	struct rnd_state rnd;
	struct mn_conc *c;
	int i, phase;

	/* Not kunit_kzalloc()'d: a worker stuck for good goes on using it. */
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	c->mm = mm;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mn_conc_cleanup, c), 0);
	kunit_info(test, "seed %lu\n", seed);
	prandom_seed_state(&rnd, seed);
	for (i = 0; i < MN_CONC_WORKERS; i++) {
		c->w[i].c = c;
		prandom_seed_state(&c->w[i].rnd, prandom_u32_state(&rnd));
	}
	KUNIT_ASSERT_EQ(test, mn_sub_register(&c->resident[0], MN_START_END, mm), 0);
	KUNIT_ASSERT_EQ(test, mn_sub_register(&c->resident[1], MN_MAY_FAIL, mm), 0);

	for (phase = 0; phase < 2; phase++) {
		struct mn_sub *with_end = &c->resident[0];
		int nonblocking = 0, failed = 0, missed = 0;
		u64 t0 = ktime_get_ns();

		mn_conc_start(test, c, phase);
		KUNIT_ASSERT_TRUE_MSG(test, mn_conc_join(c, MN_CONC_WORKERS),
				      "phase %d: a worker did not finish in %d s",
				      phase, MN_CONC_WAIT / HZ);
		for (i = 0; i < MN_CONC_WORKERS; i++) {
			KUNIT_EXPECT_EQ_MSG(test, c->w[i].err, 0,
					    "phase %d, worker %d", phase, i);
			nonblocking += c->w[i].nonblocking;
			failed += c->w[i].failed;
		}

		/* Phase 0: every non-blockable start fails; phase 1: none. */
		KUNIT_EXPECT_EQ_MSG(test, failed, phase ? 0 : nonblocking,
				    "phase %d: %d failed, of %d not blockable",
				    phase, failed, nonblocking);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&with_end->ends),
				    atomic_read(&with_end->starts),
				    "phase %d: the resident start+end subscriber's ends",
				    phase);
		for (i = 0; i < MN_CONC_SUBS; i++) {
			struct mn_sub *sub = &c->subs[phase][i];
			int starts = atomic_read(&sub->starts);
			int ends = atomic_read(&sub->ends);

			KUNIT_EXPECT_TRUE_MSG(test, sub->kind == MN_START_END ?
					      ends <= starts &&
					      ends >= starts - MN_CONC_INVALIDATORS :
					      ends == 0,
					      "phase %d, subscriber %d (%s): %d starts, %d ends",
					      phase, i, mn_kind_names[sub->kind],
					      starts, ends);
			missed += sub->kind == MN_START_END && ends < starts;
		}
		/* What shows that the walks and the churn did interleave. */
		kunit_info(test, "phase %d: %d invalidations, %d not blockable, in %llu ms; %d unregistrations missed the end of a walk in flight\n",
			   phase, MN_CONC_INVALIDATORS * MN_CONC_INVALIDATIONS,
			   nonblocking, div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC),
			   missed);
		KUNIT_ASSERT_FALSE_MSG(test, mmu_notifier_itree_open(mm),
				       "phase %d left an interval tree invalidation open",
				       phase);

		/* One blockable invalidation of the span reaches each once. */
		for (i = 0; i < MN_CONC_ITVS; i++)
			atomic_set(&c->itvs[i].invalidates, 0);
		mn_invalidate(mm, MN_BLOCK, span_start, span_end, false);
		for (i = 0; i < MN_CONC_ITVS; i++)
			KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->itvs[i].invalidates),
					    c->itvs[i].on,
					    "phase %d, interval notifier %d",
					    phase, i);

		if (phase == 0) {
			mn_sub_unregister(&c->resident[1]);
			for (i = 0; i < MN_CONC_ITVS; i++)
				WRITE_ONCE(c->itvs[i].may_fail, false);
		}
	}
}

static int mn_stress_init(struct kunit *test)
{
	/* Gives this case's kthread an mm of its own, with one mapping. */
	mn_addr = kunit_vm_mmap(test, NULL, 0, MN_PAGES * PAGE_SIZE,
				PROT_READ | PROT_WRITE,
				MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(mn_addr) || !mn_addr)
		return -ENOMEM;
	/*
	 * And a reference to it, dropped after every other cleanup action:
	 * the mm outlives the case's thread, so that a cleanup ends a leaked
	 * invalidation before the teardown looks for one (DEBUG_VM) and
	 * removes interval notifiers from a live mm.
	 */
	mmget(current->mm);
	return kunit_add_action_or_reset(test, mn_mmput, current->mm);
}

static struct kunit_case mn_stress_cases[] = {
	KUNIT_CASE(mn_stress_random),
	KUNIT_CASE(mn_stress_concurrent),
	{}
};

static struct kunit_suite mn_stress_suite = {
	.name = "mmu_notifier_stress",
	.init = mn_stress_init,
	.test_cases = mn_stress_cases,
};

kunit_test_suite(mn_stress_suite);

MODULE_DESCRIPTION("Randomized and concurrent stress of mmu_notifier pairing, for make stress");
MODULE_LICENSE("GPL");
