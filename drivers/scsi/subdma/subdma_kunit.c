// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the subdma core: the window planner, the programming of
 * the channel, the order of the discipline per command, the map
 * registers, the error paths and the adapter protocol.  The 8237 and the
 * adapter are fakes that log what the driver does to them; the log is a
 * string of one letter per step, so that each test states the sequence
 * it expects.
 */

#include <kunit/test.h>
#include <linux/blk-mq.h>
#include <linux/device.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <asm/unaligned.h>

#include "subdma.h"

#define LOG_MAX		256
#define MAPREGS_8BIT	0x20000		/* fake bus address, 64 KiB aligned */
#define MAPREGS_16BIT	0x40000		/* fake bus address, 128 KiB aligned */

/* What the driver did, one letter a step */
struct fake_log {
	char s[LOG_MAX];
	int n;
};

static void log_step(struct fake_log *log, char c)
{
	if (log->n < LOG_MAX - 1)
		log->s[log->n++] = c;
}

/* The fake 8237: one channel, its lock, the last window programmed */
struct fake_8237 {
	struct kunit *test;
	struct fake_log *log;	/* P program, F flush */
	struct fake_log seq;	/* every call: l d c m a n e u r */
	bool held;
	bool enabled;
	bool to_memory;
	unsigned int chan;
	unsigned int addr;
	unsigned int count;
	int residue;		/* what the next residue read returns */
	unsigned int windows;
	unsigned int addrs[64];
	unsigned int counts[64];
};

static struct fake_8237 *dma8237;

static void fake_held(unsigned int chan)
{
	KUNIT_EXPECT_TRUE(dma8237->test, dma8237->held);
	KUNIT_EXPECT_EQ(dma8237->test, chan, dma8237->chan);
}

static unsigned long fake_claim(void)
{
	KUNIT_EXPECT_FALSE(dma8237->test, dma8237->held);
	dma8237->held = true;
	log_step(&dma8237->seq, 'l');
	return 0x5a;
}

static void fake_release(unsigned long flags)
{
	KUNIT_EXPECT_TRUE(dma8237->test, dma8237->held);
	KUNIT_EXPECT_EQ(dma8237->test, flags, 0x5aUL);
	dma8237->held = false;
	log_step(&dma8237->seq, 'u');
}

static void fake_disable(unsigned int chan)
{
	fake_held(chan);
	dma8237->enabled = false;
	log_step(&dma8237->seq, 'd');
}

static void fake_enable(unsigned int chan)
{
	fake_held(chan);
	dma8237->enabled = true;
	log_step(&dma8237->seq, 'e');
	log_step(dma8237->log, 'P');
	if (dma8237->windows < ARRAY_SIZE(dma8237->addrs)) {
		dma8237->addrs[dma8237->windows] = dma8237->addr;
		dma8237->counts[dma8237->windows] = dma8237->count;
	}
	dma8237->windows++;
	/* nothing moved yet: the whole window is left */
	dma8237->residue = dma8237->count;
}

static void fake_clear_ff(unsigned int chan)
{
	fake_held(chan);
	log_step(&dma8237->seq, 'c');
}

static void fake_set_mode(unsigned int chan, bool to_memory)
{
	fake_held(chan);
	dma8237->to_memory = to_memory;
	log_step(&dma8237->seq, 'm');
}

static void fake_set_addr(unsigned int chan, unsigned int addr)
{
	fake_held(chan);
	dma8237->addr = addr;
	log_step(&dma8237->seq, 'a');
}

static void fake_set_count(unsigned int chan, unsigned int count)
{
	fake_held(chan);
	dma8237->count = count;
	log_step(&dma8237->seq, 'n');
}

static int fake_residue(unsigned int chan)
{
	fake_held(chan);
	log_step(&dma8237->seq, 'r');
	log_step(dma8237->log, 'F');
	/* like get_dma_residue(): the count register has 16 bits */
	return dma8237->residue & (chan >= 4 ? 0x1ffff : 0xffff);
}

static const struct subdma_isadma_ops fake_8237_ops = {
	.claim		= fake_claim,
	.release	= fake_release,
	.disable	= fake_disable,
	.enable		= fake_enable,
	.clear_ff	= fake_clear_ff,
	.set_mode	= fake_set_mode,
	.set_addr	= fake_set_addr,
	.set_count	= fake_set_count,
	.residue	= fake_residue,
};

/* The fake adapter: its registers and what a command does */
struct fake_adapter {
	struct kunit *test;
	struct fake_log *log;	/* S submit, A arm, X abort/reset, O odd */
	u8 regs[SUBDMA_IO_EXTENT];
	u8 cdb[SUBDMA_MAX_CDB];
	unsigned int cdb_len;
	u8 sense[SUBDMA_MAX_SENSE];
	unsigned int sense_pos;
	u8 odd_written;
	unsigned int reads, writes;
	u8 last_cmd;
	bool done_at_submit;	/* the command ends before its window */
	struct work_struct irq_work;
	struct subdma_host *h;
};

static struct fake_adapter *adapter;

static u32 reg32(unsigned int reg)
{
	return get_unaligned_le32(&adapter->regs[reg]);
}

static void set_reg32(unsigned int reg, u32 val)
{
	put_unaligned_le32(val, &adapter->regs[reg]);
}

static void fake_irq_work(struct work_struct *work)
{
	subdma_interrupt(0, adapter->h);
}

static void fake_command(u8 cmd)
{
	adapter->last_cmd = cmd;
	switch (cmd) {
	case SUBDMA_CMD_SUBMIT:
		log_step(adapter->log, 'S');
		if (adapter->done_at_submit)
			adapter->regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_DONE;
		break;
	case SUBDMA_CMD_ARM:
		log_step(adapter->log, 'A');
		break;
	case SUBDMA_CMD_ABORT:
	case SUBDMA_CMD_DEVICE_RESET:
	case SUBDMA_CMD_BUS_RESET:
	case SUBDMA_CMD_ADAPTER_RESET:
		log_step(adapter->log, 'X');
		/* the command's causes go with it; RESET follows */
		adapter->regs[SUBDMA_REG_ISR] = SUBDMA_ISR_RESET;
		schedule_work(&adapter->irq_work);
		break;
	case SUBDMA_CMD_CLEAR_FIFO:
		adapter->cdb_len = 0;
		break;
	}
}

static u8 fake_read(struct subdma_host *h, unsigned int reg)
{
	KUNIT_EXPECT_FALSE(adapter->test, dma8237->held);
	adapter->reads++;
	switch (reg) {
	case SUBDMA_REG_FIFO:
		return adapter->sense[adapter->sense_pos++];
	case SUBDMA_REG_ODD_BYTE:
		log_step(adapter->log, 'O');
		break;
	}
	return adapter->regs[reg];
}

static void fake_write(struct subdma_host *h, unsigned int reg, u8 val)
{
	KUNIT_EXPECT_FALSE(adapter->test, dma8237->held);
	adapter->writes++;
	switch (reg) {
	case SUBDMA_REG_CMD:
		fake_command(val);
		return;
	case SUBDMA_REG_ISR:
		adapter->regs[reg] &= ~val;
		return;
	case SUBDMA_REG_FIFO:
		if (adapter->cdb_len < SUBDMA_MAX_CDB)
			adapter->cdb[adapter->cdb_len++] = val;
		return;
	case SUBDMA_REG_ODD_BYTE:
		log_step(adapter->log, 'O');
		adapter->odd_written = val;
		return;
	}
	adapter->regs[reg] = val;
}

static const struct subdma_io_ops fake_io_ops = {
	.read	= fake_read,
	.write	= fake_write,
};

/* One test's world: a host on the fakes, and its commands */
#define MAX_PAGES	16

struct ctx {
	struct page *pages[MAX_PAGES];
	unsigned int orders[MAX_PAGES];
	unsigned int npages;
	struct fake_log log;
	struct fake_8237 dma;
	struct fake_adapter adapter;
	struct device *dev;
	struct subdma_host *h;
	void *mapregs;
	unsigned int done_calls;
	bool unmapped_at_done;
};

static struct ctx *current_ctx;

static void fake_done(struct scsi_cmnd *cmd)
{
	struct subdma_host *h = current_ctx->h;

	current_ctx->done_calls++;
	/* strictly after the flush and the unmap */
	current_ctx->unmapped_at_done = !h->dma.mapregs_busy &&
					!h->xfer.win_programmed &&
					!h->xfer.mapped;
	log_step(&current_ctx->log, 'D');
}

static void setup_channel(struct ctx *c, unsigned int chan)
{
	struct subdma_dma *d = &c->h->dma;

	d->ops = &fake_8237_ops;
	d->dev = c->dev;
	d->chan = chan;
	d->wide = chan >= 4;
	d->mapregs_size = d->wide ? SUBDMA_WINDOW_MAX_16BIT :
				    SUBDMA_WINDOW_MAX_8BIT;
	d->mapregs_dma = d->wide ? MAPREGS_16BIT : MAPREGS_8BIT;
	d->mapregs = c->mapregs;
	d->mapregs_busy = false;
	c->dma.chan = chan;
}

static int ctx_init(struct kunit *test)
{
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->dma.test = test;
	c->dma.log = &c->log;
	c->adapter.test = test;
	c->adapter.log = &c->log;
	c->adapter.regs[SUBDMA_REG_ID0] = SUBDMA_ID0;
	c->adapter.regs[SUBDMA_REG_ID1] = SUBDMA_ID1;
	c->adapter.regs[SUBDMA_REG_REV] = SUBDMA_REV;
	c->adapter.regs[SUBDMA_REG_CONFIG] = 5 | 1 << SUBDMA_CONFIG_DMA_SHIFT;
	c->adapter.regs[SUBDMA_REG_HOSTID] = 7;
	INIT_WORK(&c->adapter.irq_work, fake_irq_work);
	dma8237 = &c->dma;
	adapter = &c->adapter;
	current_ctx = c;

	c->mapregs = kunit_kzalloc(test, SUBDMA_WINDOW_MAX_16BIT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->mapregs);
	c->dev = root_device_register("subdma-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->dev));
	c->h = subdma_host_alloc(c->dev, &fake_io_ops, 0x340);
	KUNIT_ASSERT_NOT_NULL(test, c->h);
	c->h->done = fake_done;
	c->adapter.h = c->h;
	setup_channel(c, 1);
	test->priv = c;
	return 0;
}

static void ctx_exit(struct kunit *test)
{
	struct ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < c->npages; i++)
		__free_pages(c->pages[i], c->orders[i]);
	flush_work(&c->adapter.irq_work);
	subdma_host_put(c->h);
	root_device_unregister(c->dev);
	dma8237 = NULL;
	adapter = NULL;
	current_ctx = NULL;
}

/* Free pages seldom lie below 16 MiB; the kernel image often does */
static u8 low_memory[2 * PAGE_SIZE] __aligned(PAGE_SIZE);

/*
 * Zeroed, contiguous memory that the 8237 cannot reach (@low false) or
 * can (@low true): the first forces the map registers, the second the
 * direct path.  Skips the test when no such memory is free.
 */
static void *test_buffer(struct kunit *test, size_t len, bool low)
{
	struct ctx *c = test->priv;
	unsigned int order = get_order(len), tries;
	struct page *reject[32], *page = NULL;
	unsigned int nreject = 0, i;

	KUNIT_ASSERT_LT(test, c->npages, MAX_PAGES);
	if (low && len <= sizeof(low_memory) &&
	    virt_to_phys(low_memory) + len <= SZ_16M) {
		memset(low_memory, 0, sizeof(low_memory));
		return low_memory;
	}
	for (tries = 0; tries < ARRAY_SIZE(reject); tries++) {
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		if (!page)
			break;
		if ((page_to_phys(page) + len <= SZ_16M) == low)
			break;
		reject[nreject++] = page;
		page = NULL;
	}
	for (i = 0; i < nreject; i++)
		__free_pages(reject[i], order);
	if (!page)
		kunit_skip(test, "no free memory %s 16 MiB", low ? "below" : "above");
	c->pages[c->npages] = page;
	c->orders[c->npages++] = order;
	return page_address(page);
}

/* A command with a request around it, as the midlayer would pass it */
struct fake_cmd {
	struct request_queue q;
	struct scsi_device sdev;
	struct scatterlist sg[8];
	u8 sense[SCSI_SENSE_BUFFERSIZE];
	struct scsi_cmnd *cmd;
	void *rq_and_cmd;
};

/* new_cmd: @len bytes in memory above 16 MiB, so through map registers */
static struct scsi_cmnd *new_cmd_at(struct kunit *test, u8 opcode, u32 len,
				    enum dma_data_direction dir, u8 **data,
				    bool low)
{
	struct ctx *c = test->priv;
	struct fake_cmd *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct request *rq;
	struct scsi_cmnd *cmd;
	u8 *buf = NULL;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->rq_and_cmd = kunit_kzalloc(test, sizeof(struct request) +
				      sizeof(struct scsi_cmnd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->rq_and_cmd);
	rq = f->rq_and_cmd;
	rq->q = &f->q;
	cmd = blk_mq_rq_to_pdu(rq);
	f->sdev.host = c->h->shost;
	f->sdev.id = 2;
	f->sdev.lun = 1;
	cmd->device = &f->sdev;
	cmd->cmnd[0] = opcode;
	cmd->cmd_len = 10;
	cmd->sc_data_direction = len ? dir : DMA_NONE;
	cmd->sense_buffer = f->sense;
	if (len) {
		buf = test_buffer(test, len, low);
		sg_init_one(f->sg, buf, len);
		cmd->sdb.table.sgl = f->sg;
		cmd->sdb.table.nents = 1;
		cmd->sdb.table.orig_nents = 1;
		cmd->sdb.length = len;
	}
	if (data)
		*data = buf;
	return cmd;
}

static struct scsi_cmnd *new_cmd(struct kunit *test, u8 opcode, u32 len,
				 enum dma_data_direction dir, u8 **data)
{
	return new_cmd_at(test, opcode, len, dir, data, false);
}

static int queue(struct ctx *c, struct scsi_cmnd *cmd)
{
	return c->h->shost->hostt->queuecommand(c->h->shost, cmd);
}

/* The adapter ends the armed window having moved @moved bytes */
static void window_end(struct ctx *c, u32 moved, u8 more)
{
	c->dma.residue = c->dma.count - moved;
	set_reg32(SUBDMA_REG_WIN_MOVED, moved);
	c->adapter.regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_WINDOW | more;
	subdma_interrupt(0, c->h);
}

static void raise(struct ctx *c, u8 isr)
{
	c->adapter.regs[SUBDMA_REG_ISR] |= isr;
	subdma_interrupt(0, c->h);
}

static void expect_log(struct kunit *test, const char *want)
{
	struct ctx *c = test->priv;

	KUNIT_EXPECT_STREQ(test, c->log.s, want);
}

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
static unsigned int plan_all(struct kunit *test, struct subdma_transfer *t)
{
	struct ctx *c = test->priv;
	unsigned int n = 0;

	while (subdma_dma_program(&c->h->dma, t)) {
		c->dma.residue = 0;
		KUNIT_ASSERT_EQ(test, subdma_dma_flush(&c->h->dma, t,
						       t->win_len), t->win_len);
		if (++n > 4096)
			break;
	}
	return n;
}

/* The windows cover the segments' bytes exactly once, in order, legally */
static void check_windows(struct kunit *test, struct scatterlist *sgl,
			  unsigned int nents, u32 len, bool wide)
{
	struct ctx *c = test->priv;
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
	KUNIT_EXPECT_EQ(test, ((struct ctx *)test->priv)->dma.counts[0], 0x1800U);
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
	struct ctx *c = test->priv;
	struct rnd_state rnd;
	struct scatterlist sgl[16];
	u32 addrs[16], lens[16], addr, len;
	unsigned int n, i;
	struct subdma_transfer t;

	prandom_seed_state(&rnd, *(const u32 *)test->param_value);
	setup_channel(c, wide ? 5 : 1);
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
	struct ctx *c = test->priv;
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
	setup_channel(c, p->wide ? 6 : 3);
	KUNIT_EXPECT_EQ(test, plan_all(test, &t), p->windows);
	KUNIT_EXPECT_EQ(test, c->dma.windows, p->windows);
	KUNIT_EXPECT_EQ(test, c->dma.addrs[0], (unsigned int)c->h->dma.mapregs_dma);
}

/* ---------------------------------------------------------------------
 * Channel programming
 */

static void channel_program_sequence(struct kunit *test)
{
	struct ctx *c = test->priv;
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
	struct ctx *c = test->priv;
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
	struct ctx *c = test->priv;
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
	struct ctx *c = test->priv;
	static const u32 addrs[] = { 0x3fff00 };
	static const u32 lens[] = { 0x301 };
	struct scatterlist sgl[1];
	struct subdma_transfer t;
	u32 len = fake_mapped_list(sgl, 1, addrs, lens);

	setup_channel(c, 7);
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
	struct ctx *c = test->priv;
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
	struct ctx *c = test->priv;
	struct subdma_transfer t = { };

	KUNIT_EXPECT_EQ(test, subdma_dma_flush(&c->h->dma, &t, 0x100), 0U);
	KUNIT_EXPECT_STREQ(test, c->dma.seq.s, "");
}

/* A full 64 KiB window reads a residue of 0 whether done or not started */
static void channel_full_window_residue(struct kunit *test)
{
	struct ctx *c = test->priv;
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
	KUNIT_EXPECT_EQ(test, buf[SZ_64K - 1], 0xa5);
}

/* ---------------------------------------------------------------------
 * Discipline order per command
 */

static void order_no_data(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, TEST_UNIT_READY, 0, DMA_NONE,
					NULL);

	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	raise(c, SUBDMA_ISR_DONE);
	expect_log(test, "SD");
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

static void order_one_window_read(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 4096, DMA_FROM_DEVICE,
					&data);

	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	expect_log(test, "SPA");
	memset(c->mapregs, 0x3c, 4096);
	window_end(c, 4096, SUBDMA_ISR_DONE);
	expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, data[0], 0x3c);
	KUNIT_EXPECT_EQ(test, data[4095], 0x3c);
}

static void order_windows_write(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, WRITE_10, 3 * SZ_64K - 512,
					DMA_TO_DEVICE, &data);

	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	window_end(c, SZ_64K, 0);
	window_end(c, SZ_64K, 0);
	window_end(c, SZ_64K - 512, SUBDMA_ISR_DONE);
	expect_log(test, "SPAFPAFPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

/* Memory the 8237 reaches goes in place: no copy, and unmapped at the end */
static void order_direct_read(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd;

	c->dev->coherent_dma_mask = DMA_BIT_MASK(24);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	cmd = new_cmd_at(test, READ_10, 8192, DMA_FROM_DEVICE, NULL, true);
	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	KUNIT_ASSERT_FALSE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_GT(test, c->h->xfer.mapped, 0);
	KUNIT_EXPECT_EQ(test, c->dma.addr, (unsigned int)sg_dma_address(scsi_sglist(cmd)));
	window_end(c, 8192, SUBDMA_ISR_DONE);
	expect_log(test, "SPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, c->h->stats.direct_bytes, 8192ULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 0ULL);
}

static void order_done_once(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	window_end(c, 512, SUBDMA_ISR_DONE);
	/* a late or repeated cause finds no command */
	raise(c, SUBDMA_ISR_DONE | SUBDMA_ISR_WINDOW);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	expect_log(test, "SPAFD");
}

/* The command ends between the mapping and the start of its window */
static void order_done_before_window(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, SZ_64K,
					DMA_FROM_DEVICE, NULL);

	c->adapter.done_at_submit = true;
	queue(c, cmd);
	subdma_interrupt(0, c->h);
	/* the window the adapter never ran is flushed all the same */
	expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), SZ_64K);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
}

static void order_interrupt_loop(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	/* WINDOW and DONE pending together: both handled in one interrupt */
	c->dma.residue = 0;
	set_reg32(SUBDMA_REG_WIN_MOVED, 512);
	c->adapter.regs[SUBDMA_REG_ISR] = SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE;
	KUNIT_EXPECT_EQ(test, subdma_interrupt(0, c->h), IRQ_HANDLED);
	expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], 0);
}

/* ---------------------------------------------------------------------
 * Map registers
 */

static void mapregs_copy_in(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, WRITE_10, 1000, DMA_TO_DEVICE,
					&data);

	memset(data, 0x77, 1000);
	queue(c, cmd);
	KUNIT_EXPECT_TRUE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[0], 0x77);
	KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[999], 0x77);
	KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[1000], 0);
	window_end(c, 1000, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
}

static void mapregs_copy_back_moved(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					&data);

	memset(data, 0xee, 512);
	queue(c, cmd);
	KUNIT_ASSERT_TRUE(test, c->h->xfer.bounce);
	memset(c->mapregs, 0x11, 512);
	window_end(c, 100, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 412U);
	KUNIT_EXPECT_EQ(test, data[99], 0x11);
	KUNIT_EXPECT_EQ(test, data[100], 0xee);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 100ULL);
}

static void mapregs_busy_returns_busy(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					NULL);

	setup_channel(c, 5);
	c->h->dma.mapregs_busy = true;
	/* an odd-address buffer on a 16-bit channel needs the map registers */
	sg_set_buf(scsi_sglist(cmd), (u8 *)sg_virt(scsi_sglist(cmd)) + 1, 511);
	cmd->sdb.length = 511;
	KUNIT_EXPECT_EQ(test, queue(c, cmd), SCSI_MLQUEUE_HOST_BUSY);
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_EQ(test, c->h->stats.busy, 1ULL);
	expect_log(test, "");
	c->h->dma.mapregs_busy = false;
	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	expect_log(test, "SPA");
}

static void mapregs_released_after_command(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 511, DMA_FROM_DEVICE,
					NULL);

	setup_channel(c, 5);
	sg_set_buf(scsi_sglist(cmd), (u8 *)sg_virt(scsi_sglist(cmd)) + 1, 511);
	queue(c, cmd);
	KUNIT_EXPECT_TRUE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_TRUE(test, c->h->dma.mapregs_busy);
	window_end(c, 510, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_FALSE(test, c->h->dma.mapregs_busy);
}

/* ---------------------------------------------------------------------
 * Error paths
 */

static int eh(struct ctx *c, struct scsi_cmnd *cmd, int which)
{
	const struct scsi_host_template *t = c->h->shost->hostt;

	switch (which) {
	case 0:
		return t->eh_abort_handler(cmd);
	case 1:
		return t->eh_device_reset_handler(cmd);
	case 2:
		return t->eh_bus_reset_handler(cmd);
	default:
		return t->eh_host_reset_handler(cmd);
	}
}

static void error_abort_before_window(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, SZ_64K,
					DMA_FROM_DEVICE, &data);

	queue(c, cmd);
	memset(c->mapregs, 0x99, SZ_64K);
	/* the full window reads residue 0 though nothing moved */
	KUNIT_EXPECT_EQ(test, eh(c, cmd, 0), SUCCESS);
	expect_log(test, "SPAXF");
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_EQ(test, c->h->xfer.done, 0U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_FALSE(test, c->h->dma.mapregs_busy);
	KUNIT_EXPECT_NE(test, data[0], 0x99);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.aborts, 1ULL);
}

static void error_abort_mid_window(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, WRITE_10, 8192, DMA_TO_DEVICE,
					NULL);

	queue(c, cmd);
	c->dma.residue = 4096;	/* half moved, no interrupt yet */
	KUNIT_EXPECT_EQ(test, eh(c, cmd, 0), SUCCESS);
	expect_log(test, "SPAXF");
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	/* the next command works */
	cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE, NULL);
	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
}

static void error_abort_completed_command(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, eh(c, cmd, 0), SUCCESS);
	expect_log(test, "SPAFD");	/* nothing sent to the adapter */
}

static const char *const reset_names[] = {
	"device reset", "bus reset", "host reset",
};

static void reset_desc(const char *const *name, char *desc)
{
	strscpy(desc, *name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reset, reset_names, reset_desc);

static void error_reset_in_flight(struct kunit *test)
{
	struct ctx *c = test->priv;
	int which = 1 + ((const char *const *)test->param_value - reset_names);
	struct scsi_cmnd *cmd = new_cmd(test, WRITE_10, SZ_128K,
					DMA_TO_DEVICE, NULL);

	queue(c, cmd);
	window_end(c, SZ_64K, 0);
	KUNIT_EXPECT_EQ(test, eh(c, cmd, which), SUCCESS);
	/* completed once, after the flush and unmap, as reset */
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_RESET);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_FALSE(test, c->h->xfer.win_programmed);
	/* the adapter is told first, then the channel is flushed */
	KUNIT_EXPECT_NOT_NULL(test, strstr(c->log.s, "SPAFPAXFD"));
}

static void error_residue_disagrees(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 4096, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	c->dma.residue = 100;	/* the channel moved 3996 */
	set_reg32(SUBDMA_REG_WIN_MOVED, 4096);
	raise(c, SUBDMA_ISR_WINDOW);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
	KUNIT_EXPECT_EQ(test, c->h->stats.faults, 1ULL);
}

static void error_odd_byte_read(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, INQUIRY, 37, DMA_FROM_DEVICE,
					&data);

	setup_channel(c, 5);
	queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.count, 36U);
	memset(c->mapregs, 0x42, 36);
	c->adapter.regs[SUBDMA_REG_ODD_BYTE] = 0x5e;
	window_end(c, 36, SUBDMA_ISR_ODD);
	raise(c, SUBDMA_ISR_DONE);
	expect_log(test, "SPAFOD");
	KUNIT_EXPECT_EQ(test, data[36], 0x5e);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, c->h->stats.odd_bytes, 1ULL);
}

static void error_odd_byte_write(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = new_cmd(test, MODE_SELECT, 13, DMA_TO_DEVICE,
					&data);

	setup_channel(c, 6);
	data[12] = 0xc3;
	queue(c, cmd);
	window_end(c, 12, SUBDMA_ISR_ODD);
	KUNIT_EXPECT_EQ(test, c->adapter.odd_written, 0xc3);
	raise(c, SUBDMA_ISR_DONE);
	expect_log(test, "SPAFOD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

static void error_zero_length(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, SYNCHRONIZE_CACHE, 0, DMA_NONE,
					NULL);

	queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.windows, 0U);
	KUNIT_EXPECT_EQ(test, reg32(SUBDMA_REG_XFER), 0U);
	raise(c, SUBDMA_ISR_DONE);
	expect_log(test, "SD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

static void error_underrun(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, INQUIRY, 512, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	window_end(c, 36, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 476U);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, c->h->stats.residual_bytes, 476ULL);
}

struct error_case {
	u8 error;
	int host;
};

static const struct error_case error_cases[] = {
	{ SUBDMA_ERR_SELECTION_TIMEOUT, DID_NO_CONNECT },
	{ SUBDMA_ERR_BUS_RESET, DID_RESET },
	{ SUBDMA_ERR_OVERRUN, DID_ERROR },
	{ SUBDMA_ERR_PHASE, DID_ERROR },
	{ SUBDMA_ERR_TARGET_FAILURE, DID_ERROR },
};

static void error_case_desc(const struct error_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "error 0x%02x", t->error);
}

KUNIT_ARRAY_PARAM(error, error_cases, error_case_desc);

static void error_adapter_error(struct kunit *test)
{
	const struct error_case *p = test->param_value;
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 1024, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	c->adapter.regs[SUBDMA_REG_ERROR] = p->error;
	raise(c, SUBDMA_ISR_ERROR);
	expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), p->host);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 1024U);
}

static void error_check_condition(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					NULL);
	static const u8 sense[18] = { 0x70, 0, 0x03, 0, 0, 0, 0, 10,
				      0, 0, 0, 0, 0x11, 0x00 };

	memcpy(c->adapter.sense, sense, sizeof(sense));
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = sizeof(sense);
	c->adapter.regs[SUBDMA_REG_SCSI_STATUS] = SAM_STAT_CHECK_CONDITION;
	queue(c, cmd);
	raise(c, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, cmd->result, SAM_STAT_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, cmd->sense_buffer[2], 0x03);
	KUNIT_EXPECT_EQ(test, cmd->sense_buffer[12], 0x11);
	KUNIT_EXPECT_EQ(test, c->adapter.sense_pos, 18U);
}

static void error_illegal(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					NULL);

	queue(c, cmd);
	c->adapter.regs[SUBDMA_REG_ERROR] = SUBDMA_ERR_BAD_WINDOW;
	raise(c, SUBDMA_ISR_ILLEGAL);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
}

static void error_spurious_interrupt(struct kunit *test)
{
	struct ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, subdma_interrupt(0, c->h), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, c->h->stats.spurious_irqs, 1ULL);
	expect_log(test, "");
}

static void error_bidirectional(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *cmd = new_cmd(test, WRITE_10, 512,
					DMA_BIDIRECTIONAL, NULL);

	KUNIT_EXPECT_EQ(test, queue(c, cmd), 0);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	expect_log(test, "D");
}

static void error_busy_host(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct scsi_cmnd *a = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
				      NULL);
	struct scsi_cmnd *b = new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
				      NULL);

	KUNIT_EXPECT_EQ(test, queue(c, a), 0);
	KUNIT_EXPECT_EQ(test, queue(c, b), SCSI_MLQUEUE_HOST_BUSY);
	expect_log(test, "SPA");
}

/* ---------------------------------------------------------------------
 * Adapter protocol
 */

static void protocol_identify(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct subdma_identity id;

	c->adapter.regs[SUBDMA_REG_CONFIG] = 3 | 6 << SUBDMA_CONFIG_DMA_SHIFT |
					     SUBDMA_CONFIG_WIDE;
	c->adapter.regs[SUBDMA_REG_HOSTID] = 6;
	KUNIT_ASSERT_EQ(test, subdma_adapter_identify(c->h, &id), 0);
	KUNIT_EXPECT_EQ(test, id.irq, 3);
	KUNIT_EXPECT_EQ(test, id.dma, 6);
	KUNIT_EXPECT_EQ(test, id.hostid, 6);
	KUNIT_EXPECT_EQ(test, id.rev, SUBDMA_REV);
}

static void protocol_identify_refuses(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct subdma_identity id;

	c->adapter.regs[SUBDMA_REG_ID1] = 0xff;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(c->h, &id), -ENODEV);
	c->adapter.regs[SUBDMA_REG_ID1] = SUBDMA_ID1;
	/* a wide channel below 4, or the cascade */
	c->adapter.regs[SUBDMA_REG_CONFIG] = 5 | 1 << SUBDMA_CONFIG_DMA_SHIFT |
					     SUBDMA_CONFIG_WIDE;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(c->h, &id), -ENODEV);
	c->adapter.regs[SUBDMA_REG_CONFIG] = 5 | 4 << SUBDMA_CONFIG_DMA_SHIFT |
					     SUBDMA_CONFIG_WIDE;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(c->h, &id), -ENODEV);
}

static void protocol_submit_encoding(struct kunit *test)
{
	struct ctx *c = test->priv;
	static const u8 cdb[16] = { 0x88, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				    12, 13, 14, 15 };

	subdma_adapter_submit(c->h, 5, 3, cdb, 16, 0x12345678, true);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_TARGET],
			5 | 3 << SUBDMA_TARGET_LUN_SHIFT | SUBDMA_TARGET_DATA_IN);
	KUNIT_EXPECT_EQ(test, reg32(SUBDMA_REG_XFER), 0x12345678U);
	KUNIT_EXPECT_EQ(test, c->adapter.cdb_len, 16U);
	KUNIT_EXPECT_EQ(test, memcmp(c->adapter.cdb, cdb, 16), 0);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_SUBMIT);
	/* a second command starts from an empty FIFO */
	subdma_adapter_submit(c->h, 0, 0, cdb, 6, 0, false);
	KUNIT_EXPECT_EQ(test, c->adapter.cdb_len, 6U);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_TARGET], 0);
}

static void protocol_arm_encoding(struct kunit *test)
{
	struct ctx *c = test->priv;

	subdma_adapter_arm(c->h, 0x20000);
	KUNIT_EXPECT_EQ(test, reg32(SUBDMA_REG_WIN_LEN), 0x20000U);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ARM);
}

static void protocol_ack(struct kunit *test)
{
	struct ctx *c = test->priv;

	c->adapter.regs[SUBDMA_REG_ISR] = SUBDMA_ISR_WINDOW | SUBDMA_ISR_ODD;
	KUNIT_EXPECT_EQ(test, subdma_adapter_ack(c->h),
			SUBDMA_ISR_WINDOW | SUBDMA_ISR_ODD);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], 0);
	c->adapter.writes = 0;
	KUNIT_EXPECT_EQ(test, subdma_adapter_ack(c->h), 0);
	KUNIT_EXPECT_EQ(test, c->adapter.writes, 0U);
}

static void protocol_sense(struct kunit *test)
{
	struct ctx *c = test->priv;
	u8 buf[8] = { };

	memset(c->adapter.sense, 0x61, sizeof(c->adapter.sense));
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = 5;
	KUNIT_EXPECT_EQ(test, subdma_adapter_sense(c->h, buf, sizeof(buf)), 5U);
	KUNIT_EXPECT_EQ(test, buf[4], 0x61);
	KUNIT_EXPECT_EQ(test, buf[5], 0);
	c->adapter.sense_pos = 0;
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = 96;
	KUNIT_EXPECT_EQ(test, subdma_adapter_sense(c->h, buf, 3), 3U);
}

static void protocol_read32(struct kunit *test)
{
	struct ctx *c = test->priv;

	set_reg32(SUBDMA_REG_TOTAL, 0xa1b2c3d4);
	KUNIT_EXPECT_EQ(test, subdma_adapter_read32(c->h, SUBDMA_REG_TOTAL),
			0xa1b2c3d4U);
}

static void protocol_irq_enable(struct kunit *test)
{
	struct ctx *c = test->priv;

	subdma_adapter_irq_enable(c->h, true);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_IRQ_ENABLE);
	subdma_adapter_irq_enable(c->h, false);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL], 0);
}

static struct kunit_case planner_cases[] = {
	KUNIT_CASE_PARAM(planner_window_len, window_gen_params),
	KUNIT_CASE(planner_merges_contiguous),
	KUNIT_CASE(planner_splits_at_page),
	KUNIT_CASE(planner_stops_at_len),
	KUNIT_CASE_PARAM(planner_random_8bit, seed_gen_params),
	KUNIT_CASE_PARAM(planner_random_16bit, seed_gen_params),
	KUNIT_CASE_PARAM(planner_mapregs_minimum, mapreg_gen_params),
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
	{}
};

static struct kunit_case order_cases[] = {
	KUNIT_CASE(order_no_data),
	KUNIT_CASE(order_one_window_read),
	KUNIT_CASE(order_windows_write),
	KUNIT_CASE(order_direct_read),
	KUNIT_CASE(order_done_once),
	KUNIT_CASE(order_done_before_window),
	KUNIT_CASE(order_interrupt_loop),
	{}
};

static struct kunit_case mapregs_cases[] = {
	KUNIT_CASE(mapregs_copy_in),
	KUNIT_CASE(mapregs_copy_back_moved),
	KUNIT_CASE(mapregs_busy_returns_busy),
	KUNIT_CASE(mapregs_released_after_command),
	{}
};

static struct kunit_case error_path_cases[] = {
	KUNIT_CASE(error_abort_before_window),
	KUNIT_CASE(error_abort_mid_window),
	KUNIT_CASE(error_abort_completed_command),
	KUNIT_CASE_PARAM(error_reset_in_flight, reset_gen_params),
	KUNIT_CASE(error_residue_disagrees),
	KUNIT_CASE(error_odd_byte_read),
	KUNIT_CASE(error_odd_byte_write),
	KUNIT_CASE(error_zero_length),
	KUNIT_CASE(error_underrun),
	KUNIT_CASE_PARAM(error_adapter_error, error_gen_params),
	KUNIT_CASE(error_check_condition),
	KUNIT_CASE(error_illegal),
	KUNIT_CASE(error_spurious_interrupt),
	KUNIT_CASE(error_bidirectional),
	KUNIT_CASE(error_busy_host),
	{}
};

static struct kunit_case protocol_cases[] = {
	KUNIT_CASE(protocol_identify),
	KUNIT_CASE(protocol_identify_refuses),
	KUNIT_CASE(protocol_submit_encoding),
	KUNIT_CASE(protocol_arm_encoding),
	KUNIT_CASE(protocol_ack),
	KUNIT_CASE(protocol_sense),
	KUNIT_CASE(protocol_read32),
	KUNIT_CASE(protocol_irq_enable),
	{}
};

static struct kunit_suite planner_suite = {
	.name = "subdma_window_planner",
	.init = ctx_init,
	.exit = ctx_exit,
	.test_cases = planner_cases,
};

static struct kunit_suite channel_suite = {
	.name = "subdma_channel_programming",
	.init = ctx_init,
	.exit = ctx_exit,
	.test_cases = channel_cases,
};

static struct kunit_suite order_suite = {
	.name = "subdma_discipline_order",
	.init = ctx_init,
	.exit = ctx_exit,
	.test_cases = order_cases,
};

static struct kunit_suite mapregs_suite = {
	.name = "subdma_map_registers",
	.init = ctx_init,
	.exit = ctx_exit,
	.test_cases = mapregs_cases,
};

static struct kunit_suite error_suite = {
	.name = "subdma_error_paths",
	.init = ctx_init,
	.exit = ctx_exit,
	.test_cases = error_path_cases,
};

static struct kunit_suite protocol_suite = {
	.name = "subdma_adapter_protocol",
	.init = ctx_init,
	.exit = ctx_exit,
	.test_cases = protocol_cases,
};

kunit_test_suites(&planner_suite, &channel_suite, &order_suite,
		  &mapregs_suite, &error_suite, &protocol_suite);

MODULE_DESCRIPTION("KUnit tests of the subdma core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SUBDMA);
