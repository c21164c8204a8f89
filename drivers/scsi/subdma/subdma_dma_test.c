// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the DMA layer: the window planner and the programming and
 * flushing of the 8237 channel.
 */

#include <linux/prandom.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

#include "subdma_test_fakes.h"

/* ---------------------------------------------------------------------
 * Window planner
 */

struct window_case {
	const char *name;
	u64 addr;
	u32 avail;
	bool wide;
	u32 want;
};

static const struct window_case window_cases[] = {
	{ "8-bit whole page", 0x0, 0x10000, false, 0x10000 },
	{ "8-bit capped at 64 KiB", 0x30000, 0x30000, false, 0x10000 },
	{ "8-bit stops at the page end", 0x1fff0, 0x100, false, 0x10 },
	{ "8-bit odd address", 0x12345, 0x10, false, 0x10 },
	{ "8-bit last byte below 16 MiB", 0xffffff, 0x10, false, 0x1 },
	{ "8-bit at 16 MiB", 0x1000000, 0x10, false, 0 },
	{ "8-bit above 16 MiB", 0x7000000, 0x1000, false, 0 },
	{ "16-bit whole page", 0x20000, 0x20000, true, 0x20000 },
	{ "16-bit capped at 128 KiB", 0x0, 0x40000, true, 0x20000 },
	{ "16-bit stops at the page end", 0x3fff0, 0x100, true, 0x10 },
	{ "16-bit crosses 64 KiB freely", 0x2fff0, 0x20, true, 0x20 },
	{ "16-bit odd address", 0x20001, 0x10, true, 0 },
	{ "16-bit odd length", 0x20000, 0x11, true, 0x10 },
	{ "16-bit one byte", 0x20000, 0x1, true, 0 },
	{ "16-bit last word below 16 MiB", 0xfffffe, 0x10, true, 0x2 },
	{ "16-bit at 16 MiB", 0x1000000, 0x10, true, 0 },
};

static void window_case_desc(const struct window_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(window, window_cases, window_case_desc);

static void planner_window_len(struct kunit *test)
{
	const struct window_case *t = test->param_value;

	KUNIT_EXPECT_EQ(test, subdma_window_len(t->addr, t->avail, t->wide),
			t->want);
}

/*
 * Plan a whole "mapped" transfer, as the fake 8237 sees it: every byte
 * moves in each window.  Returns the number of windows.
 */
/* Make the copies through the map registers that are due, as the host does */
static void copy_due(struct sdt_ctx *c, struct subdma_transfer *t)
{
	int half;

	while ((half = subdma_dma_copy_next(&c->h->dma, t, true)) >= 0) {
		subdma_dma_copy(&c->h->dma, t, half);
		subdma_dma_copy_done(t, half);
	}
}

static unsigned int plan_all(struct kunit *test, struct subdma_transfer *t)
{
	struct sdt_ctx *c = test->priv;
	unsigned int n = 0;

	copy_due(c, t);
	while (subdma_dma_program(&c->h->dma, t)) {
		c->dma.residue = 0;
		KUNIT_ASSERT_EQ(test, subdma_dma_flush(&c->h->dma, t,
						       t->win_len), t->win_len);
		copy_due(c, t);
		if (++n > 4096)
			break;
	}
	return n;
}

/* The windows cover the segments' bytes exactly once, in order, legally */
static void check_windows(struct kunit *test, struct scatterlist *sgl,
			  unsigned int nents, u32 len, bool wide)
{
	struct sdt_ctx *c = test->priv;
	u32 page = wide ? SZ_128K : SZ_64K;
	struct scatterlist *sg;
	unsigned int w = 0, i;
	u32 woff = 0, left = len;

	KUNIT_ASSERT_LE(test, c->dma.windows, ARRAY_SIZE(c->dma.addrs));
	for (i = 0; i < c->dma.windows; i++) {
		u32 a = c->dma.addrs[i], n = c->dma.counts[i];

		KUNIT_EXPECT_GT(test, n, 0U);
		KUNIT_EXPECT_LE(test, n, page);
		KUNIT_EXPECT_EQ(test, a / page, (a + n - 1) / page);
		KUNIT_EXPECT_LE(test, (u64)a + n, (u64)SZ_16M);
		if (wide) {
			KUNIT_EXPECT_EQ(test, a & 1, 0U);
			KUNIT_EXPECT_EQ(test, n & 1, 0U);
		}
	}
	/* walk the segments byte range by byte range against the windows */
	for_each_sg(sgl, sg, nents, i) {
		u32 seg = min(sg_dma_len(sg), left);
		u32 off = 0;

		while (off < seg && w < c->dma.windows) {
			u32 take = min(seg - off, c->dma.counts[w] - woff);

			KUNIT_EXPECT_EQ(test, (u64)c->dma.addrs[w] + woff,
					(u64)sg_dma_address(sg) + off);
			off += take;
			woff += take;
			if (woff == c->dma.counts[w]) {
				w++;
				woff = 0;
			}
		}
		left -= off;
		if (off < seg)
			break;
	}
	/* all covered; on a 16-bit channel an odd last byte goes by hand */
	KUNIT_EXPECT_EQ(test, left, wide ? (len & 1) : 0U);
	KUNIT_EXPECT_EQ(test, w, c->dma.windows);
}

/* Build a "mapped" list of @n segments; sg_dma_* are what the planner reads */
static u32 fake_mapped_list(struct scatterlist *sgl, unsigned int n,
			    const u32 *addrs, const u32 *lens)
{
	u32 len = 0;
	unsigned int i;

	sg_init_table(sgl, n);
	for (i = 0; i < n; i++) {
		sg_dma_address(&sgl[i]) = addrs[i];
		sg_dma_len(&sgl[i]) = lens[i];
		sgl[i].length = lens[i];
		len += lens[i];
	}
	return len;
}

static void direct_transfer(struct subdma_transfer *t, struct scatterlist *sgl,
			    unsigned int n, u32 len)
{
	*t = (struct subdma_transfer) {
		.sgl = sgl, .nents = n, .mapped = n, .len = len,
		.dir = DMA_TO_DEVICE, .cur = sgl,
	};
}

static void planner_merges_contiguous(struct kunit *test)
{
	static const u32 addrs[] = { 0x100000, 0x101000, 0x102000 };
	static const u32 lens[] = { 0x1000, 0x1000, 0x1000 };
	struct scatterlist sgl[3];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 3, addrs, lens);

	direct_transfer(&t, sgl, 3, len);
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), 1U);
	check_windows(test, sgl, 3, len, false);
}

static void planner_splits_at_page(struct kunit *test)
{
	static const u32 addrs[] = { 0x10f000, 0x110000 };
	static const u32 lens[] = { 0x1000, 0x1000 };
	struct scatterlist sgl[2];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 2, addrs, lens);

	direct_transfer(&t, sgl, 2, len);
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), 2U);
	check_windows(test, sgl, 2, len, false);
}

static void planner_stops_at_len(struct kunit *test)
{
	static const u32 addrs[] = { 0x200000 };
	static const u32 lens[] = { 0x3000 };
	struct scatterlist sgl[1];
	struct subdma_transfer t;

	fake_mapped_list(sgl, 1, addrs, lens);
	direct_transfer(&t, sgl, 1, 0x1800);	/* shorter than the list */
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), 1U);
	KUNIT_EXPECT_EQ(test, ((struct sdt_ctx *)test->priv)->dma.counts[0], 0x1800U);
}

static const u32 random_seeds[] = { 1, 2, 3, 5, 8, 13, 21, 34 };

static void seed_desc(const u32 *seed, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "seed %u", *seed);
}

KUNIT_ARRAY_PARAM(seed, random_seeds, seed_desc);

/* Seeded random lists: random offsets, lengths, and contiguous runs */
static void planner_random(struct kunit *test, bool wide)
{
	struct sdt_ctx *c = test->priv;
	struct rnd_state rnd;
	struct scatterlist sgl[16];
	u32 addrs[16], lens[16], addr, len;
	unsigned int n, i;
	struct subdma_transfer t;

	prandom_seed_state(&rnd, *(const u32 *)test->param_value);
	sdt_setup_channel(c, wide ? 5 : 1);
	n = 1 + prandom_u32_state(&rnd) % 16;
	addr = (prandom_u32_state(&rnd) % (SZ_16M - SZ_1M)) & ~(u32)wide;
	for (i = 0; i < n; i++) {
		lens[i] = 1 + prandom_u32_state(&rnd) % 0x30000;
		if (wide)
			lens[i] = ALIGN(lens[i], 2);
		/* a third of the segments continue the previous one */
		if (i && prandom_u32_state(&rnd) % 3)
			addr = addrs[i - 1] + lens[i - 1];
		else
			addr = (prandom_u32_state(&rnd) % (SZ_16M - SZ_256K)) &
			       ~(u32)wide;
		if (addr + lens[i] > SZ_16M)
			addr = SZ_16M - lens[i];
		addrs[i] = addr;
	}
	if (wide && prandom_u32_state(&rnd) % 2)
		lens[n - 1]--;		/* an odd last byte */
	len = fake_mapped_list(sgl, n, addrs, lens);
	direct_transfer(&t, sgl, n, len);
	plan_all(test, &t);
	check_windows(test, sgl, n, len, wide);
	KUNIT_EXPECT_EQ(test, t.done, wide ? len & ~1U : len);
}

static void planner_random_8bit(struct kunit *test)
{
	planner_random(test, false);
}

static void planner_random_16bit(struct kunit *test)
{
	planner_random(test, true);
}

struct mapreg_case {
	u32 len;
	bool wide;
	unsigned int windows;
};

static const struct mapreg_case mapreg_cases[] = {
	{ 1, false, 1 }, { 512, false, 1 }, { 65535, false, 1 },
	{ 65536, false, 1 }, { 65537, false, 2 }, { SZ_1M, false, 16 },
	{ SZ_1M + 1, false, 17 }, { 2, true, 1 }, { 131072, true, 1 },
	{ 131074, true, 2 }, { SZ_1M, true, 8 }, { SZ_1M + 1, true, 8 },
};

static void mapreg_desc(const struct mapreg_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bytes, %d-bit", t->len,
		 t->wide ? 16 : 8);
}

KUNIT_ARRAY_PARAM(mapreg, mapreg_cases, mapreg_desc);

/* Through the map registers, the fewest windows the channel allows */
static void planner_mapregs_minimum(struct kunit *test)
{
	const struct mapreg_case *p = test->param_value;
	struct sdt_ctx *c = test->priv;
	unsigned int n = DIV_ROUND_UP(p->len, PAGE_SIZE), i;
	struct scatterlist *sgl = kunit_kcalloc(test, n, sizeof(*sgl),
						GFP_KERNEL);
	u8 *page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct subdma_transfer t = {
		.sgl = sgl, .nents = n, .len = p->len, .dir = DMA_FROM_DEVICE,
		.bounce = true,
	};

	/* every entry is the same page: only the plan matters here */
	KUNIT_ASSERT_NOT_NULL(test, sgl);
	KUNIT_ASSERT_NOT_NULL(test, page);
	sg_init_table(sgl, n);
	for (i = 0; i < n; i++)
		sg_set_buf(&sgl[i], page, min_t(u32, PAGE_SIZE,
						p->len - i * PAGE_SIZE));
	sdt_setup_channel(c, p->wide ? 6 : 3);
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), p->windows);
	KUNIT_EXPECT_EQ(test, c->dma.windows, p->windows);
	KUNIT_EXPECT_EQ(test, c->dma.addrs[0], (unsigned int)c->h->dma.mapregs_dma);
}

/*
 * Where the ISA bridge mishandles full-size transfers, no window is
 * longer than half a DMA page, in place or through the map registers
 */
static void planner_short_windows(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct subdma_transfer t;
	struct scatterlist sgl[1], sg;
	static const u32 addrs[] = { 0x120000 };
	static const u32 lens[] = { SZ_64K };
	u32 len = fake_mapped_list(sgl, 1, addrs, lens);
	u8 *buf;

	KUNIT_EXPECT_EQ(test, subdma_window_max(false, false), SZ_64K);
	KUNIT_EXPECT_EQ(test, subdma_window_max(false, true), SZ_32K);
	KUNIT_EXPECT_EQ(test, subdma_window_max(true, false), SZ_128K);
	KUNIT_EXPECT_EQ(test, subdma_window_max(true, true), SZ_64K);
	c->h->dma.mapregs_size = subdma_window_max(false, true);
	/* in place: one DMA page, two windows */
	t = (struct subdma_transfer) {
		.sgl = sgl, .nents = 1, .mapped = 1, .cur = sgl, .len = len,
		.dir = DMA_TO_DEVICE,
	};
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), 2U);
	KUNIT_EXPECT_EQ(test, c->dma.counts[0], (unsigned int)SZ_32K);
	KUNIT_EXPECT_EQ(test, c->dma.addrs[1], 0x128000U);
	/* through the map registers: halves of the shorter size */
	buf = kunit_kzalloc(test, SZ_64K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	sg_init_one(&sg, buf, SZ_64K);
	t = (struct subdma_transfer) {
		.sgl = &sg, .nents = 1, .len = SZ_64K, .dir = DMA_FROM_DEVICE,
		.bounce = true,
	};
	c->dma.windows = 0;
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), 2U);
	KUNIT_EXPECT_EQ(test, c->dma.addrs[0], (unsigned int)c->h->dma.mapregs_dma);
	KUNIT_EXPECT_EQ(test, c->dma.counts[0], (unsigned int)SZ_32K);
	KUNIT_EXPECT_EQ(test, c->dma.counts[1], (unsigned int)SZ_32K);
}

/* ---------------------------------------------------------------------
 * Channel programming
 */

static void channel_program_sequence(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	static const u32 addrs[] = { 0x123400 };
	static const u32 lens[] = { 0x800 };
	struct scatterlist sgl[1];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 1, addrs, lens);

	direct_transfer(&t, sgl, 1, len);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 0x800U);
	KUNIT_EXPECT_STREQ(test, c->dma.seq.s, "ldcmaneu");
	KUNIT_EXPECT_EQ(test, c->dma.addr, 0x123400U);
	KUNIT_EXPECT_EQ(test, c->dma.count, 0x800U);
	KUNIT_EXPECT_TRUE(test, c->dma.enabled);
	KUNIT_EXPECT_FALSE(test, c->dma.held);
}

static void channel_flush_sequence(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	static const u32 addrs[] = { 0x123400 };
	static const u32 lens[] = { 0x800 };
	struct scatterlist sgl[1];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 1, addrs, lens);

	direct_transfer(&t, sgl, 1, len);
	subdma_dma_program(&c->h->dma, &t);
	c->dma.seq.n = 0;
	memset(c->dma.seq.s, 0, sizeof(c->dma.seq.s));
	c->dma.residue = 0x300;
	KUNIT_EXPECT_EQ(test, subdma_dma_flush(&c->h->dma, &t, 0x500), 0x500U);
	KUNIT_EXPECT_STREQ(test, c->dma.seq.s, "ldcru");
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_EQ(test, t.done, 0x500U);
	KUNIT_EXPECT_FALSE(test, t.win_programmed);
}

static void channel_modes(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	static const u32 addrs[] = { 0x40000 };
	static const u32 lens[] = { 0x200 };
	struct scatterlist sgl[1];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 1, addrs, lens);

	direct_transfer(&t, sgl, 1, len);
	t.dir = DMA_FROM_DEVICE;
	subdma_dma_program(&c->h->dma, &t);
	KUNIT_EXPECT_TRUE(test, c->dma.to_memory);
	subdma_dma_flush(&c->h->dma, &t, 0);
	t.dir = DMA_TO_DEVICE;
	subdma_dma_program(&c->h->dma, &t);
	KUNIT_EXPECT_FALSE(test, c->dma.to_memory);
}

static void channel_16bit_words(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	static const u32 addrs[] = { 0x3fff00 };
	static const u32 lens[] = { 0x301 };
	struct scatterlist sgl[1];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 1, addrs, lens);

	sdt_setup_channel(c, 7);
	direct_transfer(&t, sgl, 1, len);
	/* stops at the 128 KiB page, then the rest, minus the odd byte */
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 0x100U);
	c->dma.residue = 0;
	subdma_dma_flush(&c->h->dma, &t, 0x100);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 0x200U);
	KUNIT_EXPECT_EQ(test, c->dma.addr, 0x400000U);
	c->dma.residue = 0;
	subdma_dma_flush(&c->h->dma, &t, 0x200);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 0U);
	KUNIT_EXPECT_EQ(test, t.len - t.done, 1U);
}

static void channel_no_program_over_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	static const u32 addrs[] = { 0x50000, 0x60000 };
	static const u32 lens[] = { 0x100, 0x100 };
	struct scatterlist sgl[2];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 2, addrs, lens);

	direct_transfer(&t, sgl, 2, len);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 0x100U);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 0U);
	KUNIT_EXPECT_EQ(test, c->dma.windows, 1U);
}

static void channel_flush_without_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct subdma_transfer t = { };

	KUNIT_EXPECT_EQ(test, subdma_dma_flush(&c->h->dma, &t, 0x100), 0U);
	KUNIT_EXPECT_STREQ(test, c->dma.seq.s, "");
}

/* A full 64 KiB window reads a residue of 0 whether done or not started */
static void channel_full_window_residue(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scatterlist sg;
	u8 *buf = kunit_kzalloc(test, SZ_64K, GFP_KERNEL);
	struct subdma_transfer t = {
		.sgl = &sg, .nents = 1, .len = SZ_64K, .dir = DMA_FROM_DEVICE,
		.bounce = true,
	};

	KUNIT_ASSERT_NOT_NULL(test, buf);
	sg_init_one(&sg, buf, SZ_64K);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), SZ_64K);
	memset(c->mapregs, 0xa5, SZ_64K);
	/* never started: the adapter says 0 moved; the count reads 0 too */
	KUNIT_EXPECT_EQ(test, subdma_dma_flush(&c->h->dma, &t, 0), 0U);
	KUNIT_EXPECT_EQ(test, t.done, 0U);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	/* all of it moved: the same count now means the whole window */
	subdma_dma_program(&c->h->dma, &t);
	c->dma.residue = 0;
	KUNIT_EXPECT_EQ(test, subdma_dma_flush(&c->h->dma, &t, SZ_64K), SZ_64K);
	KUNIT_EXPECT_EQ(test, t.done, SZ_64K);
	copy_due(c, &t);
	KUNIT_EXPECT_EQ(test, buf[SZ_64K - 1], 0xa5);
}

/* What a read moved but nobody copied back was not delivered */
static void channel_unmap_drops_uncopied(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scatterlist sg;
	u8 *buf = kunit_kzalloc(test, 8192, GFP_KERNEL);
	struct subdma_transfer t = {
		.sgl = &sg, .nents = 1, .len = 8192, .dir = DMA_FROM_DEVICE,
		.bounce = true,
	};

	KUNIT_ASSERT_NOT_NULL(test, buf);
	sg_init_one(&sg, buf, 8192);
	KUNIT_EXPECT_EQ(test, subdma_dma_program(&c->h->dma, &t), 8192U);
	memset(c->mapregs, 0x3e, 8192);
	c->dma.residue = 4096;
	KUNIT_EXPECT_EQ(test, subdma_dma_flush(&c->h->dma, &t, 4096), 4096U);
	KUNIT_EXPECT_EQ(test, t.done, 4096U);
	KUNIT_EXPECT_TRUE(test, subdma_dma_copies_pending(&t));
	KUNIT_EXPECT_TRUE(test, subdma_dma_copy_due(&t, false));
	/* an odd byte read after the dropped half is dropped with it */
	t.odd_pending = true;
	t.odd_byte = 0x99;
	t.odd_off = 4096;
	subdma_dma_unmap(&c->h->dma, &t);
	KUNIT_EXPECT_EQ(test, t.done, 0U);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, buf[4096], 0);
	KUNIT_EXPECT_FALSE(test, subdma_dma_copies_pending(&t));
	KUNIT_EXPECT_FALSE(test, t.bounce);
}

static struct kunit_case planner_cases[] = {
	KUNIT_CASE_PARAM(planner_window_len, window_gen_params),
	KUNIT_CASE(planner_merges_contiguous),
	KUNIT_CASE(planner_splits_at_page),
	KUNIT_CASE(planner_stops_at_len),
	KUNIT_CASE_PARAM(planner_random_8bit, seed_gen_params),
	KUNIT_CASE_PARAM(planner_random_16bit, seed_gen_params),
	KUNIT_CASE_PARAM(planner_mapregs_minimum, mapreg_gen_params),
	KUNIT_CASE(planner_short_windows),
	{}
};

static struct kunit_case channel_cases[] = {
	KUNIT_CASE(channel_program_sequence),
	KUNIT_CASE(channel_flush_sequence),
	KUNIT_CASE(channel_modes),
	KUNIT_CASE(channel_16bit_words),
	KUNIT_CASE(channel_no_program_over_window),
	KUNIT_CASE(channel_flush_without_window),
	KUNIT_CASE(channel_full_window_residue),
	KUNIT_CASE(channel_unmap_drops_uncopied),
	{}
};

static struct kunit_suite planner_suite = {
	.name = "subdma_window_planner",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = planner_cases,
};

static struct kunit_suite channel_suite = {
	.name = "subdma_channel_programming",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = channel_cases,
};

kunit_test_suites(&planner_suite, &channel_suite);
