// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma: the fake 8237, the fake adapter and the commands the KUnit
 * tests drive the driver with (see subdma_test_fakes.h).
 */

#include <kunit/test.h>
#include <linux/blk-mq.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "subdma_compat.h"
#include "subdma_test_fakes.h"

#define MAPREGS_8BIT	0x20000		/* fake bus address, 128 KiB aligned */
#define MAPREGS_16BIT	0x40000		/* fake bus address, 256 KiB aligned */

static struct sdt_ctx *current_ctx;

static void log_append(struct fake_log *log, char c)
{
	if (log->n < LOG_MAX - 1)
		log->s[log->n++] = c;
}

/*
 * Take the completions scsi_done() made so far.  They are taken before
 * each step the fakes log, so the log keeps the order the driver took.
 */
static void note_done(struct sdt_ctx *c)
{
	struct subdma_host *h = c->h;

	while (try_wait_for_completion(&c->completed)) {
		c->done_calls++;
		/* strictly after the flush and the unmap */
		c->unmapped_at_done = !h->xfer.bounce &&
				      !h->xfer.win_programmed &&
				      !h->xfer.mapped;
		log_append(&c->log, 'D');
	}
}

static void log_step(struct fake_log *log, char c)
{
	if (current_ctx && log == &current_ctx->log)
		note_done(current_ctx);
	log_append(log, c);
}

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

static struct fake_adapter *adapter;

u32 sdt_reg32(struct sdt_ctx *c, unsigned int reg)
{
	__le32 val;

	memcpy(&val, &c->adapter.regs[reg], sizeof(val));
	return le32_to_cpu(val);
}

void sdt_set_reg32(struct sdt_ctx *c, unsigned int reg, u32 val)
{
	__le32 le = cpu_to_le32(val);

	memcpy(&c->adapter.regs[reg], &le, sizeof(le));
}

/* The interrupt thread, as the kernel runs it once woken */
static void run_thread(struct sdt_ctx *c)
{
	c->woken = false;
	subdma_interrupt_thread(0, c->h);
}

/* irq_wake_thread(): counted, and run where the test's step ends */
static void fake_wake_thread(void *host)
{
	KUNIT_EXPECT_PTR_EQ(current_ctx->dma.test, host, current_ctx->h);
	current_ctx->wakes++;
	current_ctx->woken = true;
}

/* The kernel's part: the thread runs when the handler wakes it */
static irqreturn_t fake_irq(struct subdma_host *h)
{
	struct sdt_ctx *c = current_ctx;
	irqreturn_t ret = subdma_interrupt(0, h);

	if (ret == IRQ_WAKE_THREAD)
		c->woken = true;
	if (c->woken)
		run_thread(c);
	return ret;
}

static void fake_irq_work(struct work_struct *work)
{
	fake_irq(adapter->h);
}

/* The causes ISR shows */
static u8 fake_isr(void)
{
	return adapter->regs[SUBDMA_REG_ISR] | adapter->stuck;
}

/* STATUS.BUSY: a command runs, and has not ended with DONE or ERROR */
static bool fake_busy(void)
{
	return adapter->busy &&
	       !(fake_isr() & (SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR));
}

/* ARM as the data sheet checks it: late, ignored; in no data phase, refused */
static void fake_arm(void)
{
	log_step(adapter->log, 'A');
	if (fake_busy() || fake_isr() & (SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR))
		return;
	adapter->refused_arms++;
	adapter->regs[SUBDMA_REG_ERROR] = SUBDMA_ERR_NOT_DATA_PHASE;
	adapter->regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_ILLEGAL;
}

static void fake_command(u8 cmd)
{
	adapter->last_cmd = cmd;
	switch (cmd) {
	case SUBDMA_CMD_SUBMIT:
		log_step(adapter->log, 'S');
		adapter->busy = true;
		adapter->cmd_target = adapter->regs[SUBDMA_REG_TARGET] &
				      SUBDMA_TARGET_ID_MASK;
		if (adapter->done_at_submit)
			adapter->regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_DONE;
		break;
	case SUBDMA_CMD_ARM:
		fake_arm();
		break;
	case SUBDMA_CMD_DEVICE_RESET:
		if ((adapter->regs[SUBDMA_REG_TARGET] & SUBDMA_TARGET_ID_MASK) ==
		    adapter->cmd_target || adapter->ends_at_reset)
			adapter->busy = false;
		fallthrough;
	case SUBDMA_CMD_ABORT:
	case SUBDMA_CMD_BUS_RESET:
	case SUBDMA_CMD_ADAPTER_RESET:
		log_step(adapter->log, 'X');
		if (cmd != SUBDMA_CMD_DEVICE_RESET)
			adapter->busy = false;
		/* with no command left, the causes go; RESET follows */
		if (!fake_busy())
			adapter->regs[SUBDMA_REG_ISR] &= SUBDMA_ISR_ILLEGAL |
							 SUBDMA_ISR_RESET;
		adapter->regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_RESET;
		schedule_work(&adapter->irq_work);
		break;
	case SUBDMA_CMD_CLEAR_FIFO:
		adapter->cdb_len = 0;
		break;
	}
}

static u8 fake_read(struct subdma_adapter *a, unsigned int reg)
{
	KUNIT_EXPECT_FALSE(adapter->test, dma8237->held);
	adapter->reads++;
	switch (reg) {
	case SUBDMA_REG_FIFO:
		return adapter->sense[adapter->sense_pos++];
	case SUBDMA_REG_ISR:
		if (++adapter->isr_reads == adapter->raise_at_read)
			adapter->regs[reg] |= adapter->raise;
		return fake_isr();
	case SUBDMA_REG_STATUS:
		return adapter->regs[reg] | (fake_busy() ? SUBDMA_STATUS_BUSY : 0);
	case SUBDMA_REG_ODD_BYTE:
		log_step(adapter->log, 'O');
		break;
	}
	return adapter->regs[reg];
}

static void fake_write(struct subdma_adapter *a, unsigned int reg, u8 val)
{
	KUNIT_EXPECT_FALSE(adapter->test, dma8237->held);
	adapter->writes++;
	switch (reg) {
	case SUBDMA_REG_CMD:
		fake_command(val);
		return;
	case SUBDMA_REG_ISR:
		/* the command that ended is gone once its end is taken */
		if (val & fake_isr() & (SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR))
			adapter->busy = false;
		/* a stuck cause comes back at once, and stays */
		adapter->regs[reg] &= ~val;
		adapter->regs[reg] |= adapter->stuck;
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

static const struct subdma_adapter_ops fake_adapter_ops = {
	.read	= fake_read,
	.write	= fake_write,
};

void sdt_setup_channel(struct sdt_ctx *c, unsigned int chan)
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
	c->dma.chan = chan;
}

int sdt_init(struct kunit *test)
{
	struct sdt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct subdma_adapter regs = { .ops = &fake_adapter_ops,
				       .iobase = 0x340 };

	KUNIT_ASSERT_NOT_NULL(test, c);
	init_completion(&c->completed);
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

	c->mapregs = kunit_kzalloc(test, 2 * SUBDMA_WINDOW_MAX_16BIT,
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->mapregs);
	c->dev = root_device_register("subdma-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->dev));
	c->h = subdma_host_alloc(c->dev, &regs);
	KUNIT_ASSERT_NOT_NULL(test, c->h);
	c->h->shost->eh_action = &c->completed;
	c->seams.wake_thread = fake_wake_thread;
	c->h->dma.seams = &c->seams;
	c->adapter.h = c->h;
	sdt_setup_channel(c, 1);
	test->priv = c;
	return 0;
}

void sdt_exit(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < c->npages; i++)
		__free_pages(c->pages[i], c->orders[i]);
	flush_work(&c->adapter.irq_work);
	/* whatever the test did, the driver never armed in the wrong phase */
	KUNIT_EXPECT_EQ(test, c->adapter.refused_arms, 0U);
	subdma_host_put(c->h);
	root_device_unregister(c->dev);
	dma8237 = NULL;
	adapter = NULL;
	current_ctx = NULL;
}

/*
 * Free pages seldom lie below 16 MiB; the kernel image often does.  Aligned
 * to its size, so that it never crosses a DMA page: in place, it takes one
 * window.
 */
static u8 low_memory[2 * PAGE_SIZE] __aligned(2 * PAGE_SIZE);

/*
 * Zeroed, contiguous memory that the 8237 cannot reach (@low false) or
 * can (@low true): the first forces the map registers, the second the
 * direct path.  The pages on the wrong side of 16 MiB are held until one
 * on the right side comes: some kernels hand out the lowest free pages
 * first, and then the first thousands all lie below 16 MiB.  Skips the
 * test when no such memory is free.
 */
static void *test_buffer(struct kunit *test, size_t len, bool low)
{
	struct sdt_ctx *c = test->priv;
	unsigned int order = get_order(len), tries;
	struct page *page = NULL, *p, *next;
	LIST_HEAD(reject);

	KUNIT_ASSERT_LT(test, c->npages, MAX_PAGES);
	if (low && len <= sizeof(low_memory) &&
	    virt_to_phys(low_memory) + len <= SZ_16M) {
		memset(low_memory, 0, sizeof(low_memory));
		return low_memory;
	}
	/* enough tries to hold every page below 16 MiB */
	for (tries = 0; tries < SZ_16M / PAGE_SIZE; tries++) {
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		if (!page)
			break;
		if ((page_to_phys(page) + len <= SZ_16M) == low)
			break;
		list_add(&page->lru, &reject);
		page = NULL;
	}
	list_for_each_entry_safe(p, next, &reject, lru) {
		list_del(&p->lru);
		__free_pages(p, order);
	}
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
struct scsi_cmnd *sdt_new_cmd_at(struct kunit *test, u8 opcode, u32 len,
				 enum dma_data_direction dir, u8 **data, bool low)
{
	struct sdt_ctx *c = test->priv;
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
	cmd->submitter = SUBMITTED_BY_SCSI_ERROR_HANDLER;
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

struct scsi_cmnd *sdt_new_cmd(struct kunit *test, u8 opcode, u32 len,
			      enum dma_data_direction dir, u8 **data)
{
	return sdt_new_cmd_at(test, opcode, len, dir, data, false);
}

/* queuecommand, and the interrupt thread if it woke it */
int sdt_queue(struct sdt_ctx *c, struct scsi_cmnd *cmd)
{
	int ret = c->h->shost->hostt->queuecommand(c->h->shost, cmd);

	note_done(c);
	if (c->woken)
		sdt_thread(c);
	return ret;
}

/* The hard interrupt handler alone: the thread has not run yet */
irqreturn_t sdt_hard_interrupt(struct sdt_ctx *c)
{
	irqreturn_t ret = subdma_interrupt(0, c->h);

	note_done(c);
	return ret;
}

/* The interrupt thread runs, woken or not: a spurious run does no harm */
void sdt_thread(struct sdt_ctx *c)
{
	run_thread(c);
	note_done(c);
}

irqreturn_t sdt_interrupt(struct sdt_ctx *c)
{
	irqreturn_t ret = fake_irq(c->h);

	note_done(c);
	return ret;
}

/* The map registers the channel's window covers */
void *sdt_window_data(struct sdt_ctx *c)
{
	return c->mapregs + (c->dma.addr - c->h->dma.mapregs_dma);
}

/* The adapter ends the armed window having moved @moved bytes */
static void window_moved(struct sdt_ctx *c, u32 moved, u8 more)
{
	/* an adapter never says it moved more than the channel was given */
	KUNIT_EXPECT_LE(c->dma.test, moved, c->dma.count);
	c->dma.residue = c->dma.count - moved;
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, moved);
	c->adapter.regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_WINDOW | more;
}

void sdt_window_end(struct sdt_ctx *c, u32 moved, u8 more)
{
	window_moved(c, moved, more);
	sdt_interrupt(c);
}

/* The same, served by the hard handler alone */
irqreturn_t sdt_window_end_hard(struct sdt_ctx *c, u32 moved, u8 more)
{
	window_moved(c, moved, more);
	return sdt_hard_interrupt(c);
}

void sdt_raise(struct sdt_ctx *c, u8 isr)
{
	c->adapter.regs[SUBDMA_REG_ISR] |= isr;
	sdt_interrupt(c);
}

void sdt_expect_log(struct kunit *test, const char *want)
{
	struct sdt_ctx *c = test->priv;

	note_done(c);
	KUNIT_EXPECT_STREQ(test, c->log.s, want);
}

/* A step of the test's own in the log, among the driver's */
void sdt_note(struct sdt_ctx *c, char step)
{
	log_step(&c->log, step);
}

/*
 * Wait until the work on @task (set once it runs) has finished, @done,
 * or sleeps: either way it can go no further on its own.  No delay
 * stands for an order here.
 */
void sdt_wait_blocked(struct completion *done, struct task_struct **task)
{
	struct task_struct *t;

	for (;;) {
		if (completion_done(done))
			return;
		t = READ_ONCE(*task);
		if (t && !task_is_running(t))
			return;
		schedule_timeout_uninterruptible(1);
	}
}

/* Error handling as the midlayer calls it: 0 abort, 1 device, 2 bus, 3 host */
int sdt_eh(struct sdt_ctx *c, struct scsi_cmnd *cmd, int which)
{
	const struct scsi_host_template *t = c->h->shost->hostt;
	int ret;

	switch (which) {
	case 0:
		ret = t->eh_abort_handler(cmd);
		break;
	case 1:
		ret = t->eh_device_reset_handler(cmd);
		break;
	case 2:
		ret = t->eh_bus_reset_handler(cmd);
		break;
	default:
		ret = t->eh_host_reset_handler(cmd);
		break;
	}
	note_done(c);
	return ret;
}

MODULE_DESCRIPTION("KUnit tests of the subdma driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
