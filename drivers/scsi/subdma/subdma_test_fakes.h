/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: the fakes the KUnit tests share.  The 8237 and the adapter are
 * fakes that log what the driver does to them; the log is a string of one
 * letter per step, so that each test states the sequence it expects:
 *
 *   S submit  P program a window  A arm it  F flush  X abort or reset
 *   O the odd byte  D the command completed (scsi_done())
 */
#ifndef SUBDMA_TEST_FAKES_H
#define SUBDMA_TEST_FAKES_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>

#include "subdma.h"

#define LOG_MAX		256
#define MAX_PAGES	16

/* What the driver did, one letter a step */
struct fake_log {
	char s[LOG_MAX];
	int n;
};

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
	/* causes that acknowledging does not clear (then kept until acked) */
	u8 stuck;
	bool busy;		/* a command runs, from SUBMIT to its end */
	unsigned int cmd_target;	/* ... for this target */
	/* it ends as another target is reset, which discards its DONE */
	bool ends_at_reset;
	unsigned int refused_arms;	/* ARMs in no data phase (ILLEGAL) */
	unsigned int isr_reads;
	unsigned int raise_at_read;	/* on this ISR read (from 1), ... */
	u8 raise;			/* ... these causes come */
	struct work_struct irq_work;
	struct subdma_host *h;
};

/*
 * One test's world: a host on the fakes, and its commands.  Commands are
 * marked as the error handler's, so that scsi_done() completes
 * @completed instead of a request: the driver calls the real scsi_done().
 */
struct sdt_ctx {
	struct page *pages[MAX_PAGES];
	unsigned int orders[MAX_PAGES];
	unsigned int npages;
	struct fake_log log;
	struct fake_8237 dma;
	struct fake_adapter adapter;
	struct device *dev;
	struct subdma_host *h;
	void *mapregs;
	struct completion completed;
	unsigned int done_calls;
	bool unmapped_at_done;
	struct subdma_seams seams;
	unsigned int wakes;	/* the driver woke the interrupt thread */
	bool woken;		/* ... and it has not run since */
};

int sdt_init(struct kunit *test);
void sdt_exit(struct kunit *test);
void sdt_setup_channel(struct sdt_ctx *c, unsigned int chan);
u32 sdt_reg32(struct sdt_ctx *c, unsigned int reg);
void sdt_set_reg32(struct sdt_ctx *c, unsigned int reg, u32 val);
struct scsi_cmnd *sdt_new_cmd_at(struct kunit *test, u8 opcode, u32 len,
				 enum dma_data_direction dir, u8 **data, bool low);
struct scsi_cmnd *sdt_new_cmd(struct kunit *test, u8 opcode, u32 len,
			      enum dma_data_direction dir, u8 **data);
int sdt_queue(struct sdt_ctx *c, struct scsi_cmnd *cmd);
irqreturn_t sdt_hard_interrupt(struct sdt_ctx *c);
void sdt_thread(struct sdt_ctx *c);
irqreturn_t sdt_interrupt(struct sdt_ctx *c);
void *sdt_window_data(struct sdt_ctx *c);
void sdt_window_end(struct sdt_ctx *c, u32 moved, u8 more);
irqreturn_t sdt_window_end_hard(struct sdt_ctx *c, u32 moved, u8 more);
void sdt_raise(struct sdt_ctx *c, u8 isr);
int sdt_eh(struct sdt_ctx *c, struct scsi_cmnd *cmd, int which);
void sdt_expect_log(struct kunit *test, const char *want);
void sdt_note(struct sdt_ctx *c, char step);
void sdt_wait_blocked(struct completion *done, struct task_struct **task);

#endif /* SUBDMA_TEST_FAKES_H */
