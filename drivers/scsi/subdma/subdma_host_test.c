// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the SCSI host: the order of the discipline for each command,
 * the map registers, and every error path.
 */

#include <linux/dma-direct.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <scsi/scsi.h>
#include <scsi/scsi_host.h>

#include "subdma_compat.h"
#include "subdma_test_fakes.h"

/* A 512-byte read after a test's command: it runs and completes */
static void next_command_works(struct kunit *test, unsigned int done_before)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, done_before + 1);
}

/* ---------------------------------------------------------------------
 * Discipline order per command
 */

static void order_no_data(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, TEST_UNIT_READY, 0, DMA_NONE,
					    NULL);

	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_raise(c, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SD");
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

static void order_one_window_read(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 4096, DMA_FROM_DEVICE,
					    &data);

	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_expect_log(test, "SPA");
	memset(c->mapregs, 0x3c, 4096);
	sdt_window_end(c, 4096, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, data[0], 0x3c);
	KUNIT_EXPECT_EQ(test, data[4095], 0x3c);
}

static void order_windows_write(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, 3 * SZ_64K - 512,
					    DMA_TO_DEVICE, &data);

	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_window_end(c, SZ_64K, 0);
	sdt_window_end(c, SZ_64K, 0);
	sdt_window_end(c, SZ_64K - 512, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFPAFPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

/* Memory the 8237 reaches goes in place: no copy, and unmapped at the end */
static void order_direct_read(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd;

	c->dev->coherent_dma_mask = DMA_BIT_MASK(24);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	cmd = sdt_new_cmd_at(test, READ_10, 8192, DMA_FROM_DEVICE, NULL, true);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_ASSERT_FALSE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_GT(test, c->h->xfer.mapped, 0);
	KUNIT_EXPECT_EQ(test, c->dma.addr, (unsigned int)sg_dma_address(scsi_sglist(cmd)));
	sdt_window_end(c, 8192, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, c->h->stats.direct_bytes, 8192ULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 0ULL);
}

/* Split a command's buffer into its two pages, the second first if @swap */
static void split_in_pages(struct scsi_cmnd *cmd, u8 *data, bool swap)
{
	struct scatterlist *sg = scsi_sglist(cmd);

	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], data + (swap ? PAGE_SIZE : 0), PAGE_SIZE);
	sg_set_buf(&sg[1], data + (swap ? 0 : PAGE_SIZE), PAGE_SIZE);
	cmd->sdb.table.nents = 2;
	cmd->sdb.table.orig_nents = 2;
}

/*
 * Pages the 8237 reaches, but out of order: a window and an interrupt
 * each in place, one window through the map registers, which they take
 */
static void order_scattered_low_pages(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd;
	u8 *data;

	c->dev->coherent_dma_mask = DMA_BIT_MASK(24);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	cmd = sdt_new_cmd_at(test, READ_10, 2 * PAGE_SIZE, DMA_FROM_DEVICE,
			     &data, true);
	split_in_pages(cmd, data, true);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_ASSERT_TRUE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_EQ(test, c->h->xfer.mapped, 0);
	KUNIT_EXPECT_EQ(test, c->dma.count, 2 * PAGE_SIZE);
	memset(sdt_window_data(c), 0x4c, 2 * PAGE_SIZE);
	sdt_window_end(c, 2 * PAGE_SIZE, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, data[0], 0x4c);
	KUNIT_EXPECT_EQ(test, data[2 * PAGE_SIZE - 1], 0x4c);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 2ULL * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, c->h->stats.direct_bytes, 0ULL);
}

/* ... and in order: one window either way, so in place */
static void order_contiguous_low_pages(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd;
	u8 *data;

	c->dev->coherent_dma_mask = DMA_BIT_MASK(24);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	cmd = sdt_new_cmd_at(test, READ_10, 2 * PAGE_SIZE, DMA_FROM_DEVICE,
			     &data, true);
	split_in_pages(cmd, data, false);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_ASSERT_FALSE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_EQ(test, c->dma.count, 2 * PAGE_SIZE);
	sdt_window_end(c, 2 * PAGE_SIZE, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, c->h->stats.direct_bytes, 2ULL * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 0ULL);
}

/*
 * Memory below 16 MiB that the platform puts at bus addresses above it:
 * dma_map_sg() succeeds, but the 8237 cannot reach what it returns.  The
 * data goes through the map registers instead - never to the channel at
 * an address it would wrap, never back to the midlayer as busy.
 */
static void order_unreachable_mapping(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	const struct bus_dma_region above_16m[] = {
		{ .cpu_start = 0, .dma_start = SZ_16M, .size = SZ_2G,
		  SUBDMA_BUS_DMA_OFFSET(0 - (u64)SZ_16M) },
		{ }
	};
	struct scsi_cmnd *cmd;
	u8 *data;

	/* the device frees its map when it goes */
	c->dev->dma_range_map = kmemdup(above_16m, sizeof(above_16m),
					GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->dev->dma_range_map);
	c->dev->coherent_dma_mask = DMA_BIT_MASK(32);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	cmd = sdt_new_cmd_at(test, READ_10, 8192, DMA_FROM_DEVICE, &data, true);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_ASSERT_TRUE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_EQ(test, c->h->xfer.mapped, 0);
	KUNIT_EXPECT_EQ(test, c->dma.addr, (unsigned int)c->h->dma.mapregs_dma);
	memset(c->mapregs, 0x5a, 8192);
	sdt_window_end(c, 8192, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, data[0], 0x5a);
	KUNIT_EXPECT_EQ(test, data[8191], 0x5a);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 8192ULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.direct_bytes, 0ULL);
}

static unsigned int map_sg_fails(struct device *dev, struct scatterlist *sgl,
				 unsigned int nents,
				 enum dma_data_direction dir)
{
	return 0;
}

/*
 * dma_map_sg() fails: the data goes through the map registers, which are
 * free whenever the host is idle.  A busy answer would requeue the
 * command untimed, and forever while the failure lasts.
 */
static void order_failed_mapping(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *mapregs = c->mapregs;
	struct scsi_cmnd *cmd;
	u8 *data;

	c->seams.map_sg = map_sg_fails;
	c->dev->coherent_dma_mask = DMA_BIT_MASK(24);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	cmd = sdt_new_cmd_at(test, WRITE_10, 4096, DMA_TO_DEVICE, &data, true);
	memset(data, 0xc3, 4096);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_ASSERT_TRUE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_EQ(test, c->dma.addr, (unsigned int)c->h->dma.mapregs_dma);
	KUNIT_EXPECT_EQ(test, mapregs[0], 0xc3);
	KUNIT_EXPECT_EQ(test, mapregs[4095], 0xc3);
	sdt_window_end(c, 4096, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 4096ULL);
}

static void order_done_once(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	/* a late or repeated cause finds no command */
	sdt_raise(c, SUBDMA_ISR_DONE | SUBDMA_ISR_WINDOW);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	sdt_expect_log(test, "SPAFD");
}

/* The command ends between the mapping and the start of its window */
static void order_done_before_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, SZ_64K,
					    DMA_FROM_DEVICE, NULL);

	c->adapter.done_at_submit = true;
	sdt_queue(c, cmd);
	sdt_interrupt(c);
	/* the window the adapter never ran is flushed all the same */
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), SZ_64K);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
}

static void order_interrupt_loop(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	/* WINDOW and DONE pending together: both handled in one interrupt */
	c->dma.residue = 0;
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, 512);
	c->adapter.regs[SUBDMA_REG_ISR] = SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE;
	/* the read's data is copied back by the thread, not the handler */
	KUNIT_EXPECT_EQ(test, sdt_interrupt(c), IRQ_WAKE_THREAD);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], 0);
}

/* ---------------------------------------------------------------------
 * Map registers
 */

static void mapregs_copy_in(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, 1000, DMA_TO_DEVICE,
					    &data);

	memset(data, 0x77, 1000);
	sdt_queue(c, cmd);
	/* queuecommand copies nothing itself: it wakes the thread */
	KUNIT_EXPECT_EQ(test, c->wakes, 1U);
	KUNIT_EXPECT_TRUE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[0], 0x77);
	KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[999], 0x77);
	KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[1000], 0);
	sdt_window_end(c, 1000, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
}

static void mapregs_copy_back_moved(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					    &data);

	memset(data, 0xee, 512);
	sdt_queue(c, cmd);
	KUNIT_ASSERT_TRUE(test, c->h->xfer.bounce);
	memset(c->mapregs, 0x11, 512);
	sdt_window_end(c, 100, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 412U);
	KUNIT_EXPECT_EQ(test, data[99], 0x11);
	KUNIT_EXPECT_EQ(test, data[100], 0xee);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 100ULL);
}

static void mapregs_released_after_command(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 511, DMA_FROM_DEVICE,
					    NULL);

	sdt_setup_channel(c, 5);
	sg_set_buf(scsi_sglist(cmd), (u8 *)sg_virt(scsi_sglist(cmd)) + 1, 511);
	sdt_queue(c, cmd);
	KUNIT_EXPECT_TRUE(test, c->h->xfer.bounce);
	sdt_window_end(c, 510, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_FALSE(test, c->h->xfer.bounce);
}

/* ---------------------------------------------------------------------
 * Error paths
 */

static void error_abort_before_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, SZ_64K,
					    DMA_FROM_DEVICE, &data);

	sdt_queue(c, cmd);
	memset(c->mapregs, 0x99, SZ_64K);
	/* the full window reads residue 0 though nothing moved */
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 0), SUCCESS);
	sdt_expect_log(test, "SPAXF");
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_EQ(test, c->h->xfer.done, 0U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_FALSE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_NE(test, data[0], 0x99);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.aborts, 1ULL);
}

static void error_abort_mid_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, 8192, DMA_TO_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	c->dma.residue = 4096;	/* half moved, no interrupt yet */
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 0), SUCCESS);
	sdt_expect_log(test, "SPAXF");
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	next_command_works(test, 0U);
}

static void error_abort_completed_command(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 0), SUCCESS);
	sdt_expect_log(test, "SPAFD");	/* nothing sent to the adapter */
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
	struct sdt_ctx *c = test->priv;
	int which = 1 + ((const char *const *)test->param_value - reset_names);
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, SZ_128K,
					    DMA_TO_DEVICE, NULL);

	sdt_queue(c, cmd);
	sdt_window_end(c, SZ_64K, 0);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, which), SUCCESS);
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
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 4096, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	c->dma.residue = 100;	/* the channel moved 3996 */
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, 4096);
	sdt_raise(c, SUBDMA_ISR_WINDOW);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
	KUNIT_EXPECT_EQ(test, c->h->stats.faults, 1ULL);
}

/* A window that never moved, which the adapter says it filled */
static void error_window_claimed_unmoved(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 4096, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	c->dma.residue = 4096;	/* the channel moved nothing */
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, 4096);
	sdt_raise(c, SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 4096U);
	next_command_works(test, 1U);
}

/*
 * ODD while a window still runs, or on an 8-bit channel: an adapter gone
 * wrong.  Taken, the byte would push the transfer past its end once the
 * window flushed, and the next window past the mapping.
 */
static void error_odd_byte_out_of_turn(struct kunit *test)
{
	static const unsigned int chans[] = { 5, 1 };
	struct sdt_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chans); i++) {
		struct scsi_cmnd *cmd = sdt_new_cmd(test, INQUIRY, 37,
						    DMA_FROM_DEVICE, NULL);

		sdt_setup_channel(c, chans[i]);
		sdt_queue(c, cmd);
		c->adapter.regs[SUBDMA_REG_ODD_BYTE] = 0x5e;
		if (chans[i] == 1)
			sdt_window_end(c, 36, SUBDMA_ISR_ODD);
		else
			sdt_raise(c, SUBDMA_ISR_ODD);
		sdt_raise(c, SUBDMA_ISR_DONE);
		KUNIT_EXPECT_EQ(test, c->done_calls, i + 1);
		KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
		KUNIT_EXPECT_LE(test, scsi_get_resid(cmd), 37U);
		KUNIT_EXPECT_EQ(test, c->h->stats.odd_bytes, 0ULL);
	}
}

static void error_odd_byte_read(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, INQUIRY, 37, DMA_FROM_DEVICE,
					    &data);

	sdt_setup_channel(c, 5);
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.count, 36U);
	memset(c->mapregs, 0x42, 36);
	c->adapter.regs[SUBDMA_REG_ODD_BYTE] = 0x5e;
	sdt_window_end(c, 36, SUBDMA_ISR_ODD);
	sdt_raise(c, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFOD");
	KUNIT_EXPECT_EQ(test, data[36], 0x5e);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, c->h->stats.odd_bytes, 1ULL);
}

static void error_odd_byte_write(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, MODE_SELECT, 13, DMA_TO_DEVICE,
					    &data);

	sdt_setup_channel(c, 6);
	data[12] = 0xc3;
	sdt_queue(c, cmd);
	sdt_window_end(c, 12, SUBDMA_ISR_ODD);
	KUNIT_EXPECT_EQ(test, c->adapter.odd_written, 0xc3);
	sdt_raise(c, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFOD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

/*
 * A target that returns fewer bytes than asked, an odd count: the odd
 * byte is the one where the transfer stands, not the buffer's last
 */
static void error_odd_byte_short_read(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, INQUIRY, 96, DMA_FROM_DEVICE,
					    &data);

	sdt_setup_channel(c, 5);
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.count, 96U);
	memset(c->mapregs, 0x42, 96);
	c->adapter.regs[SUBDMA_REG_ODD_BYTE] = 0x5e;
	sdt_window_end(c, 36, SUBDMA_ISR_ODD);
	sdt_raise(c, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFOD");
	KUNIT_EXPECT_EQ(test, data[35], 0x42);
	KUNIT_EXPECT_EQ(test, data[36], 0x5e);
	KUNIT_EXPECT_EQ(test, data[37], 0);
	KUNIT_EXPECT_EQ(test, data[95], 0);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 59U);
	KUNIT_EXPECT_EQ(test, c->h->stats.odd_bytes, 1ULL);
}

/* ... and out: the target gets the byte where the transfer stands */
static void error_odd_byte_short_write(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, 96, DMA_TO_DEVICE,
					    &data);

	sdt_setup_channel(c, 6);
	data[36] = 0xc3;
	data[95] = 0x3c;
	sdt_queue(c, cmd);
	sdt_window_end(c, 36, SUBDMA_ISR_ODD);
	KUNIT_EXPECT_EQ(test, c->adapter.odd_written, 0xc3);
	sdt_raise(c, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFOD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 59U);
}

/* An odd byte after the whole buffer moved has nowhere to go */
static void error_odd_byte_past_buffer(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, &data);

	sdt_setup_channel(c, 5);
	sdt_queue(c, cmd);
	memset(c->mapregs, 0x42, 512);
	c->adapter.regs[SUBDMA_REG_ODD_BYTE] = 0x5e;
	sdt_window_end(c, 512, SUBDMA_ISR_ODD);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
	KUNIT_EXPECT_EQ(test, c->h->stats.odd_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.faults, 1ULL);
	KUNIT_EXPECT_EQ(test, data[511], 0x42);
}

/* The adapter ended the armed read window and the command; no edge came */
static void pending_done(struct sdt_ctx *c, u32 moved)
{
	c->dma.residue = c->dma.count - moved;
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, moved);
	c->adapter.regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE;
}

/*
 * A device reset of another target while the command in flight has just
 * ended: it completes with its own status, it is not left hanging
 */
static void error_reset_other_target_keeps_done(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, &data);
	struct scsi_cmnd *other = sdt_new_cmd(test, TEST_UNIT_READY, 0,
					      DMA_NONE, NULL);

	other->device->id = 3;
	sdt_queue(c, cmd);
	memset(c->mapregs, 0x24, 512);
	pending_done(c, 512);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, other, 1), SUCCESS);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, data[511], 0x24);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	/* flushed before the adapter is told, completed once the lock is off */
	sdt_expect_log(test, "SPAFXD");
}

/*
 * A device reset of another target, and the running command ended just
 * before it, its DONE not yet seen: the reset discards that DONE, and
 * the adapter holds no command any more.  The host lets go of it for a
 * retry, rather than wait out its timeout.
 */
static void error_reset_other_target_loses_done(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);
	struct scsi_cmnd *other = sdt_new_cmd(test, TEST_UNIT_READY, 0,
					      DMA_NONE, NULL);

	other->device->id = 3;
	c->adapter.ends_at_reset = true;
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, other, 1), SUCCESS);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_RESET);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	next_command_works(test, 1U);
}

/* ... while a command the reset did not touch goes on, and ends */
static void error_reset_other_target_goes_on(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);
	struct scsi_cmnd *other = sdt_new_cmd(test, TEST_UNIT_READY, 0,
					      DMA_NONE, NULL);

	other->device->id = 3;
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, other, 1), SUCCESS);
	flush_work(&c->adapter.irq_work);
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, cmd);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
}

/* A reset that finds a command ended keeps its status and its sense */
static void error_reset_keeps_check_condition(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	int which = 1 + ((const char *const *)test->param_value - reset_names);
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	c->adapter.sense[2] = 0x03;
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = 18;
	c->adapter.regs[SUBDMA_REG_SCSI_STATUS] = SAM_STAT_CHECK_CONDITION;
	sdt_queue(c, cmd);
	pending_done(c, 0);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, which), SUCCESS);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, cmd->result, SAM_STAT_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, cmd->sense_buffer[2], 0x03);
}

/* An abort of a command that had ended: nothing is sent to the adapter */
static void error_abort_finds_done(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	sdt_queue(c, cmd);
	pending_done(c, 512);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 0), SUCCESS);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_NE(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
}

/* A lost edge: the timeout finds the command ended and completes it */
static void error_timeout_polls(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	const struct scsi_host_template *t = c->h->shost->hostt;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, t->eh_timed_out);
	sdt_queue(c, cmd);
	pending_done(c, 512);
	/* it waits only for its copy, which the thread it wakes makes */
	KUNIT_EXPECT_EQ(test, t->eh_timed_out(cmd), SUBDMA_EH_RESET_TIMER);
	KUNIT_EXPECT_EQ(test, c->wakes, 1U);
	sdt_expect_log(test, "SPAF");
	sdt_thread(c);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], 0);
}

/*
 * Causes that do not clear: the handler stops after its rounds and masks
 * the line, which would otherwise stay up with no edge to come; the
 * error handler's poll unmasks it
 */
static void error_stuck_line(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	const struct scsi_host_template *t = c->h->shost->hostt;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, t->eh_timed_out);
	c->adapter.regs[SUBDMA_REG_CTRL] = SUBDMA_CTRL_IRQ_ENABLE;
	c->adapter.stuck = SUBDMA_ISR_RESET;
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, sdt_interrupt(c), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_HOLD_LAST);
	c->adapter.stuck = 0;
	pending_done(c, 512);
	KUNIT_EXPECT_EQ(test, t->eh_timed_out(cmd), SUBDMA_EH_RESET_TIMER);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_IRQ_ENABLE | SUBDMA_CTRL_HOLD_LAST);
	sdt_thread(c);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	next_command_works(test, 1U);
}

/*
 * The line masked by a storm that ended its command: the next command
 * lets the line go again, rather than wait out its timeout
 */
static void error_stuck_line_next_command(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	c->adapter.regs[SUBDMA_REG_CTRL] = SUBDMA_CTRL_IRQ_ENABLE;
	c->adapter.stuck = SUBDMA_ISR_ERROR;
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, sdt_interrupt(c), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_HOLD_LAST);
	/* the last round's ERROR stays until acknowledged */
	c->adapter.stuck = 0;
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], SUBDMA_ISR_ERROR);
	cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE, NULL);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	/* taken before the command, which it must not strike */
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], 0);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, cmd);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_IRQ_ENABLE | SUBDMA_CTRL_HOLD_LAST);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 2U);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
}

/* A storm that goes on: the next command is refused for a retry */
static void error_storm_refuses_next_command(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	c->adapter.regs[SUBDMA_REG_CTRL] = SUBDMA_CTRL_IRQ_ENABLE;
	c->adapter.stuck = SUBDMA_ISR_ERROR;
	sdt_queue(c, cmd);
	sdt_interrupt(c);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE, NULL);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_expect_log(test, "SPAFDD");
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_BUS_BUSY);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_HOLD_LAST);
	c->adapter.stuck = 0;
}

/*
 * The round that gives up on a storm leaves its causes set, a DONE among
 * them: the poll of the timeout finds the command ended, with its status
 */
static void error_storm_keeps_round(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	const struct scsi_host_template *t = c->h->shost->hostt;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, TEST_UNIT_READY, 0,
					    DMA_NONE, NULL);

	c->adapter.regs[SUBDMA_REG_CTRL] = SUBDMA_CTRL_IRQ_ENABLE;
	c->adapter.stuck = SUBDMA_ISR_RESET;
	sdt_queue(c, cmd);
	/* the round the handler gives up on: the 17th */
	c->adapter.isr_reads = 0;
	c->adapter.raise_at_read = 17;
	c->adapter.raise = SUBDMA_ISR_DONE;
	sdt_interrupt(c);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_HOLD_LAST);
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	c->adapter.stuck = 0;
	t->eh_timed_out(cmd);
	sdt_expect_log(test, "SD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
}

/*
 * A lost WINDOW: the timeout serves it and arms the next window, so the
 * command moves again - and gets its time, rather than an abort
 */
static void error_timeout_serves_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	const struct scsi_host_template *t = c->h->shost->hostt;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 3 * SZ_64K,
					    DMA_FROM_DEVICE, NULL);

	sdt_queue(c, cmd);
	c->dma.residue = 0;
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, SZ_64K);
	c->adapter.regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_WINDOW;
	KUNIT_EXPECT_EQ(test, t->eh_timed_out(cmd), SUBDMA_EH_RESET_TIMER);
	sdt_expect_log(test, "SPAFPA");
	/* nothing more came: now it is the midlayer's to abort */
	KUNIT_EXPECT_EQ(test, t->eh_timed_out(cmd), SUBDMA_EH_NOT_HANDLED);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 0), SUCCESS);
	sdt_expect_log(test, "SPAFPAXF");
}

/*
 * A line that never reaches the CPU: each window only a timeout serves.
 * One lost edge gets the time; the next is the midlayer's to abort,
 * rather than a timeout a window for every command.
 */
static void error_timeout_serves_one_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	const struct scsi_host_template *t = c->h->shost->hostt;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 3 * SZ_64K,
					    DMA_FROM_DEVICE, NULL);
	int i;

	sdt_queue(c, cmd);
	for (i = 0; i < 2; i++) {
		c->dma.residue = 0;
		sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, SZ_64K);
		c->adapter.regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_WINDOW;
		KUNIT_EXPECT_EQ(test, t->eh_timed_out(cmd),
				i ? SUBDMA_EH_NOT_HANDLED : SUBDMA_EH_RESET_TIMER);
		sdt_thread(c);
	}
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 0), SUCCESS);
	sdt_expect_log(test, "SPAFPAFPAXF");
	/* the next command has its own grant */
	cmd = sdt_new_cmd(test, READ_10, 2 * SZ_64K, DMA_FROM_DEVICE, NULL);
	sdt_queue(c, cmd);
	c->dma.residue = 0;
	sdt_set_reg32(c, SUBDMA_REG_WIN_MOVED, SZ_64K);
	c->adapter.regs[SUBDMA_REG_ISR] |= SUBDMA_ISR_WINDOW;
	KUNIT_EXPECT_EQ(test, t->eh_timed_out(cmd), SUBDMA_EH_RESET_TIMER);
	sdt_window_end(c, SZ_64K, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
}

/* No adapter answers: ISR reads all ones, which is no interrupt of ours */
static void error_no_adapter(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;

	c->adapter.regs[SUBDMA_REG_ISR] = 0xff;
	c->adapter.writes = 0;
	KUNIT_EXPECT_EQ(test, sdt_interrupt(c), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, c->adapter.writes, 0U);
	KUNIT_EXPECT_EQ(test, c->h->stats.spurious_irqs, 1ULL);
}

/* Once the host is being removed, no error handler touches the adapter */
static void error_eh_after_remove(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, TEST_UNIT_READY, 0,
					    DMA_NONE, NULL);
	int which;

	c->h->removing = true;
	c->adapter.reads = 0;
	c->adapter.writes = 0;
	for (which = 0; which < 4; which++)
		KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, which), FAILED);
	c->h->shost->hostt->eh_timed_out(cmd);
	KUNIT_EXPECT_EQ(test, c->adapter.reads, 0U);
	KUNIT_EXPECT_EQ(test, c->adapter.writes, 0U);
	c->h->removing = false;
}

/* The adapter still runs a command the host let go of: stop it, retry */
static void error_adapter_busy_at_submit(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
					    DMA_FROM_DEVICE, NULL);

	c->adapter.regs[SUBDMA_REG_STATUS] = SUBDMA_STATUS_BUSY;
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_expect_log(test, "XD");
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_BUS_BUSY);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	KUNIT_EXPECT_FALSE(test, c->h->xfer.bounce);
	/* the abort's RESET interrupt comes and goes */
	flush_work(&c->adapter.irq_work);
	/* idle again: the next command goes through */
	c->adapter.regs[SUBDMA_REG_STATUS] = 0;
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 2U);
}

/* A window that moved part of its bytes, then ERROR: what moved is kept */
static void error_window_error_after_partial_move(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 4096,
					    DMA_FROM_DEVICE, &data);

	sdt_queue(c, cmd);
	memset(c->mapregs, 0x6d, 4096);
	c->adapter.regs[SUBDMA_REG_ERROR] = SUBDMA_ERR_TARGET_FAILURE;
	sdt_window_end(c, 1000, SUBDMA_ISR_ERROR);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 3096U);
	KUNIT_EXPECT_EQ(test, data[999], 0x6d);
	KUNIT_EXPECT_EQ(test, data[1000], 0);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, 1000ULL);
}

/* The full 128 KiB window of a 16-bit channel, done or never started */
static void mapregs_full_16bit_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, SZ_128K,
					    DMA_FROM_DEVICE, &data);

	sdt_setup_channel(c, 5);
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.count, (unsigned int)SZ_128K);
	memset(c->mapregs, 0x5a, SZ_128K);
	sdt_window_end(c, SZ_128K, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, data[SZ_128K - 1], 0x5a);
	/* never started: the count reads the same, the adapter says 0 */
	cmd = sdt_new_cmd(test, READ_10, SZ_128K, DMA_FROM_DEVICE, &data);
	sdt_queue(c, cmd);
	memset(c->mapregs, 0xa5, SZ_128K);
	sdt_window_end(c, 0, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), (unsigned int)SZ_128K);
	KUNIT_EXPECT_EQ(test, data[0], 0);
	KUNIT_EXPECT_EQ(test, c->done_calls, 2U);
}

/*
 * Segments at odd offsets, an odd one in the middle: a 16-bit channel
 * cannot take them in place, and the map registers gather them in order
 */
static void mapregs_odd_segments_16bit(struct kunit *test)
{
	static const unsigned int offs[] = { 1, 100, 7 };
	static const unsigned int lens[] = { 100, 51, 361 };
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd;
	struct scatterlist *sgl;
	u8 *buf, *data;
	unsigned int i, pos = 0;

	sdt_setup_channel(c, 5);
	cmd = sdt_new_cmd(test, WRITE_10, 4096, DMA_TO_DEVICE, &buf);
	sgl = kunit_kcalloc(test, 3, sizeof(*sgl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sgl);
	sg_init_table(sgl, 3);
	for (i = 0; i < 3; i++) {
		data = buf + 1024 * i + offs[i];
		memset(data, 0x10 + i, lens[i]);
		sg_set_buf(&sgl[i], data, lens[i]);
	}
	cmd->sdb.table.sgl = sgl;
	cmd->sdb.table.nents = 3;
	cmd->sdb.table.orig_nents = 3;
	cmd->sdb.length = 100 + 51 + 361;
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_EXPECT_TRUE(test, c->h->xfer.bounce);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[pos], 0x10 + i);
		pos += lens[i];
		KUNIT_EXPECT_EQ(test, ((u8 *)c->mapregs)[pos - 1], 0x10 + i);
	}
	/* 512 bytes: one window of words */
	KUNIT_EXPECT_EQ(test, c->dma.count, 512U);
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

static void error_zero_length(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, SYNCHRONIZE_CACHE, 0, DMA_NONE,
					    NULL);

	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.windows, 0U);
	KUNIT_EXPECT_EQ(test, sdt_reg32(c, SUBDMA_REG_XFER), 0U);
	sdt_raise(c, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

static void error_underrun(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, INQUIRY, 512, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	sdt_window_end(c, 36, SUBDMA_ISR_DONE);
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
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 1024, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	c->adapter.regs[SUBDMA_REG_ERROR] = p->error;
	sdt_raise(c, SUBDMA_ISR_ERROR);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), p->host);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 1024U);
}

static void error_check_condition(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					    NULL);
	static const u8 sense[18] = { 0x70, 0, 0x03, 0, 0, 0, 0, 10,
				      0, 0, 0, 0, 0x11, 0x00 };

	memcpy(c->adapter.sense, sense, sizeof(sense));
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = sizeof(sense);
	c->adapter.regs[SUBDMA_REG_SCSI_STATUS] = SAM_STAT_CHECK_CONDITION;
	sdt_queue(c, cmd);
	sdt_raise(c, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, cmd->result, SAM_STAT_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, cmd->sense_buffer[2], 0x03);
	KUNIT_EXPECT_EQ(test, cmd->sense_buffer[12], 0x11);
	KUNIT_EXPECT_EQ(test, c->adapter.sense_pos, 18U);
}

/* A status byte no target sends: the adapter is wrong, not the target */
static void error_status_unknown(struct kunit *test)
{
	static const u8 lies[] = { 0xff, 0x01, 0x06, 0x80 };
	struct sdt_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lies); i++) {
		struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
						    DMA_FROM_DEVICE, NULL);

		c->adapter.regs[SUBDMA_REG_SCSI_STATUS] = lies[i];
		c->adapter.regs[SUBDMA_REG_SENSE_LEN] = SUBDMA_MAX_SENSE;
		sdt_queue(c, cmd);
		sdt_window_end(c, 512, SUBDMA_ISR_DONE);
		KUNIT_EXPECT_EQ(test, cmd->result, DID_ERROR << 16);
		KUNIT_EXPECT_EQ(test, c->adapter.sense_pos, 0U);
		KUNIT_EXPECT_EQ(test, c->done_calls, i + 1);
	}
	KUNIT_EXPECT_EQ(test, c->h->stats.faults, (u64)ARRAY_SIZE(lies));
	c->adapter.regs[SUBDMA_REG_SCSI_STATUS] = SAM_STAT_GOOD;
	next_command_works(test, ARRAY_SIZE(lies));
}

static void error_illegal(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					    NULL);

	sdt_queue(c, cmd);
	c->adapter.regs[SUBDMA_REG_ERROR] = SUBDMA_ERR_BAD_WINDOW;
	sdt_raise(c, SUBDMA_ISR_ILLEGAL);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ABORT);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	/* with DONE in the same read, the protocol still broke */
	cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE, NULL);
	sdt_queue(c, cmd);
	sdt_raise(c, SUBDMA_ISR_ILLEGAL | SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->done_calls, 2U);
}

static void error_spurious_interrupt(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, sdt_interrupt(c), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, c->h->stats.spurious_irqs, 1ULL);
	sdt_expect_log(test, "");
}

static void error_bidirectional(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, 512,
					    DMA_BIDIRECTIONAL, NULL);

	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	sdt_expect_log(test, "D");
}

/*
 * A CDB of no byte, or of more than the adapter takes: bsg hands an
 * empty one on (the midlayer only checks max_cmd_len); the adapter
 * would refuse it and a read's window be armed for nothing
 */
static void error_cdb_length(struct kunit *test)
{
	static const unsigned short lens[] = { 0, SUBDMA_MAX_CDB + 1 };
	struct sdt_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 512,
						    DMA_FROM_DEVICE, NULL);

		cmd->cmd_len = lens[i];
		KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
		KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_ERROR);
		KUNIT_EXPECT_EQ(test, c->done_calls, i + 1);
	}
	sdt_expect_log(test, "DD");
	next_command_works(test, ARRAY_SIZE(lens));
}

static void error_busy_host(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *a = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					  NULL);
	struct scsi_cmnd *b = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE,
					  NULL);

	KUNIT_EXPECT_EQ(test, sdt_queue(c, a), 0);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, b), SCSI_MLQUEUE_HOST_BUSY);
	sdt_expect_log(test, "SPA");
}

/* ---------------------------------------------------------------------
 * The two halves of the map registers: the channel moves one while the
 * interrupt thread copies the other
 */

/* data[i] is the number of the 64 KiB window byte i lies in, from 1 */
static void fill_by_window(u8 *data, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		data[i] = i / SZ_64K + 1;
}

static unsigned int half_addr(struct sdt_ctx *c, unsigned int half)
{
	return c->h->dma.mapregs_dma + half * c->h->dma.mapregs_size;
}

/* A read's next window is armed before the last one is copied back */
static void pipeline_read_overlap(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u32 len = 3 * SZ_64K - 512;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, len,
					    DMA_FROM_DEVICE, &data);

	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 0));
	memset(sdt_window_data(c), 1, SZ_64K);
	KUNIT_EXPECT_EQ(test, sdt_window_end_hard(c, SZ_64K, 0),
			IRQ_WAKE_THREAD);
	sdt_expect_log(test, "SPAFPA");
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 1));
	KUNIT_EXPECT_EQ(test, data[0], 0);	/* not in the handler */
	memset(sdt_window_data(c), 2, SZ_64K);
	sdt_thread(c);
	KUNIT_EXPECT_EQ(test, data[0], 1);
	KUNIT_EXPECT_EQ(test, data[SZ_64K - 1], 1);
	KUNIT_EXPECT_EQ(test, data[SZ_64K], 0);
	sdt_expect_log(test, "SPAFPA");
	KUNIT_EXPECT_EQ(test, sdt_window_end_hard(c, SZ_64K, 0),
			IRQ_WAKE_THREAD);
	sdt_expect_log(test, "SPAFPAFPA");
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 0));
	memset(sdt_window_data(c), 3, SZ_64K - 512);
	/* the last window and the end: both halves wait to be copied */
	KUNIT_EXPECT_EQ(test, sdt_window_end_hard(c, SZ_64K - 512,
						  SUBDMA_ISR_DONE),
			IRQ_WAKE_THREAD);
	sdt_expect_log(test, "SPAFPAFPAF");
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	sdt_thread(c);
	sdt_expect_log(test, "SPAFPAFPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, data[SZ_64K], 2);
	KUNIT_EXPECT_EQ(test, data[2 * SZ_64K - 1], 2);
	KUNIT_EXPECT_EQ(test, data[2 * SZ_64K], 3);
	KUNIT_EXPECT_EQ(test, data[len - 1], 3);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, c->h->stats.windows, 3ULL);
	KUNIT_EXPECT_EQ(test, c->h->stats.mapreg_bytes, (u64)len);
}

/* A thread that falls behind holds the channel back, and then arms it */
static void pipeline_read_waits_for_copy(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u32 len = 3 * SZ_64K;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, len,
					    DMA_FROM_DEVICE, &data);

	sdt_queue(c, cmd);
	memset(sdt_window_data(c), 1, SZ_64K);
	sdt_window_end_hard(c, SZ_64K, 0);
	memset(sdt_window_data(c), 2, SZ_64K);
	sdt_window_end_hard(c, SZ_64K, 0);
	/* both halves hold data not copied back: no window */
	sdt_expect_log(test, "SPAFPAF");
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	sdt_thread(c);
	sdt_expect_log(test, "SPAFPAFPA");
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 0));
	memset(sdt_window_data(c), 3, SZ_64K);
	sdt_window_end(c, SZ_64K, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFPAFPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, data[0], 1);
	KUNIT_EXPECT_EQ(test, data[SZ_64K], 2);
	KUNIT_EXPECT_EQ(test, data[len - 1], 3);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

/* A write's next window is staged while the channel drains this one */
static void pipeline_write_staged(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *mapregs = c->mapregs;
	u32 len = 3 * SZ_64K - 512;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, len, DMA_TO_DEVICE,
					    &data);

	fill_by_window(data, len);
	sdt_queue(c, cmd);
	sdt_expect_log(test, "SPA");
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 0));
	KUNIT_EXPECT_EQ(test, mapregs[0], 1);
	KUNIT_EXPECT_EQ(test, mapregs[SZ_64K], 2);	/* staged ahead */
	KUNIT_EXPECT_EQ(test, mapregs[2 * SZ_64K - 1], 2);
	KUNIT_EXPECT_EQ(test, sdt_window_end_hard(c, SZ_64K, 0),
			IRQ_WAKE_THREAD);
	sdt_expect_log(test, "SPAFPA");
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 1));
	KUNIT_EXPECT_EQ(test, mapregs[0], 1);	/* not in the handler */
	sdt_thread(c);
	KUNIT_EXPECT_EQ(test, mapregs[0], 3);
	KUNIT_EXPECT_EQ(test, mapregs[SZ_64K - 513], 3);
	/* nothing left to stage: the thread is not woken */
	KUNIT_EXPECT_EQ(test, sdt_window_end_hard(c, SZ_64K, 0), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 0));
	KUNIT_EXPECT_EQ(test, c->dma.count, SZ_64K - 512);
	sdt_window_end(c, SZ_64K - 512, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFPAFPAFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
}

/*
 * A write's window that moves less than it held: what was staged after
 * it starts at the wrong byte, and is staged again from where the
 * channel stopped
 */
static void pipeline_write_short_window(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *mapregs = c->mapregs;
	u32 len = 2 * SZ_64K;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, WRITE_10, len, DMA_TO_DEVICE,
					    &data);
	u32 i;

	for (i = 0; i < len; i++)
		data[i] = i / 4096;
	sdt_queue(c, cmd);
	KUNIT_EXPECT_EQ(test, mapregs[SZ_64K], 16);
	sdt_window_end(c, 4096, 0);
	sdt_expect_log(test, "SPAFPA");
	KUNIT_EXPECT_EQ(test, c->dma.count, SZ_64K);
	KUNIT_EXPECT_EQ(test, ((u8 *)sdt_window_data(c))[0], 1);
	KUNIT_EXPECT_EQ(test, ((u8 *)sdt_window_data(c))[SZ_64K - 1], 16);
	sdt_window_end(c, SZ_64K, 0);
	KUNIT_EXPECT_EQ(test, c->dma.count, SZ_64K - 4096);
	KUNIT_EXPECT_EQ(test, ((u8 *)sdt_window_data(c))[0], 17);
	sdt_window_end(c, SZ_64K - 4096, SUBDMA_ISR_DONE);
	sdt_expect_log(test, "SPAFPAFPAFD");
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
}

/*
 * Woken with no cause pending, as the kernel wakes the handler's own
 * thread where it threads every handler: the copies' thread is woken on
 */
static void pipeline_wake_without_cause(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 2 * SZ_64K,
					    DMA_FROM_DEVICE, NULL);

	sdt_queue(c, cmd);
	sdt_window_end_hard(c, SZ_64K, 0);
	KUNIT_EXPECT_EQ(test, sdt_hard_interrupt(c), IRQ_WAKE_THREAD);
	KUNIT_EXPECT_EQ(test, c->h->stats.spurious_irqs, 0ULL);
	sdt_thread(c);
	KUNIT_EXPECT_EQ(test, sdt_hard_interrupt(c), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, c->h->stats.spurious_irqs, 1ULL);
}

/* A command that ends while the error handler copies its first half */
static struct sdt_ctx *ends_ctx;

static void ends_during_copy(struct subdma_dma *d, struct subdma_transfer *t,
			     unsigned int half)
{
	const struct subdma_half *hf = &t->half[half];

	sg_pcopy_from_buffer(t->sgl, t->nents, d->mapregs +
			     half * d->mapregs_size, hf->len, hf->off);
	if (half)
		return;
	memset(sdt_window_data(ends_ctx), 0x72, SZ_64K);
	sdt_window_end_hard(ends_ctx, SZ_64K, SUBDMA_ISR_DONE);
}

static void pipeline_reset_finds_end_during_copy(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 2 * SZ_64K,
					    DMA_FROM_DEVICE, &data);

	ends_ctx = c;
	c->seams.copy = ends_during_copy;
	sdt_queue(c, cmd);
	memset(sdt_window_data(c), 0x71, SZ_64K);
	sdt_window_end_hard(c, SZ_64K, 0);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 2), SUCCESS);
	/* it completed as it ended, with all its data; nothing to release */
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 0U);
	KUNIT_EXPECT_EQ(test, data[0], 0x71);
	KUNIT_EXPECT_EQ(test, data[SZ_64K], 0x72);
	KUNIT_EXPECT_EQ(test, data[2 * SZ_64K - 1], 0x72);
	ends_ctx = NULL;
}

/* An abort that comes while the thread copies a half */
struct abort_while_copying {
	struct sdt_ctx *c;
	struct scsi_cmnd *cmd;
	struct work_struct work;
	struct task_struct *task;
	struct completion done;
	int ret;
	bool ended_first;
};

static struct abort_while_copying *awc;

static void awc_abort(struct work_struct *work)
{
	const struct scsi_host_template *t = awc->c->h->shost->hostt;

	WRITE_ONCE(awc->task, current);
	awc->ret = t->eh_abort_handler(awc->cmd);
	complete(&awc->done);
}

static void awc_copy(struct subdma_dma *d, struct subdma_transfer *t,
		     unsigned int half)
{
	const struct subdma_half *hf = &t->half[half];

	schedule_work(&awc->work);
	/* the abort goes as far as it can while the copy holds the buffer */
	sdt_wait_blocked(&awc->done, &awc->task);
	awc->ended_first = completion_done(&awc->done);
	sg_pcopy_from_buffer(t->sgl, t->nents, d->mapregs +
			     half * d->mapregs_size, hf->len, hf->off);
	sdt_note(awc->c, 'C');
}

static void pipeline_abort_while_copying(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 2 * SZ_64K,
					    DMA_FROM_DEVICE, &data);

	awc = kunit_kzalloc(test, sizeof(*awc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, awc);
	awc->c = c;
	awc->cmd = cmd;
	INIT_WORK(&awc->work, awc_abort);
	init_completion(&awc->done);
	c->seams.copy = awc_copy;
	sdt_queue(c, cmd);
	memset(sdt_window_data(c), 0x6d, SZ_64K);
	sdt_window_end_hard(c, SZ_64K, 0);
	sdt_thread(c);
	flush_work(&awc->work);
	KUNIT_EXPECT_FALSE(test, awc->ended_first);
	KUNIT_EXPECT_EQ(test, awc->ret, SUCCESS);
	/* the copy (C) whole, then the abort: the window flushed, the data let go */
	sdt_expect_log(test, "SPAFPACXF");
	KUNIT_EXPECT_EQ(test, data[0], 0x6d);
	KUNIT_EXPECT_EQ(test, data[SZ_64K - 1], 0x6d);
	KUNIT_EXPECT_EQ(test, c->done_calls, 0U);
	KUNIT_EXPECT_FALSE(test, c->dma.enabled);
	KUNIT_EXPECT_FALSE(test, c->h->xfer.bounce);
	KUNIT_EXPECT_PTR_EQ(test, c->h->cmd, NULL);
	awc = NULL;
}

/*
 * A command that timed out ends a moment later: the thread lets go of it
 * and, before it passes it to scsi_done(), the abort comes.  The abort
 * finds nothing to abort, but must not return before the command is
 * completed: the midlayer would retry it, and the late completion would
 * end the retry.
 */
struct hand_back_race {
	struct sdt_ctx *c;
	struct scsi_cmnd *cmd;
	struct work_struct thread;
	struct work_struct abort;
	struct task_struct *abort_task;
	struct completion reaped;
	struct completion go;
	struct completion aborted;
	int ret;
	bool done_at_return;
};

static struct hand_back_race *hbr;

static void hbr_handing_back(void *host, void *cmd)
{
	if (cmd != hbr->cmd)
		return;
	complete(&hbr->reaped);
	wait_for_completion(&hbr->go);
}

static void hbr_thread(struct work_struct *work)
{
	subdma_interrupt_thread(0, hbr->c->h);
}

static void hbr_abort(struct work_struct *work)
{
	const struct scsi_host_template *t = hbr->c->h->shost->hostt;

	WRITE_ONCE(hbr->abort_task, current);
	hbr->ret = t->eh_abort_handler(hbr->cmd);
	/* scsi_done() completes this, as the midlayer's eh_action */
	hbr->done_at_return = completion_done(&hbr->c->completed);
	complete(&hbr->aborted);
}

static void pipeline_abort_waits_for_hand_back(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, SZ_64K,
					    DMA_FROM_DEVICE, &data);

	hbr = kunit_kzalloc(test, sizeof(*hbr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hbr);
	hbr->c = c;
	hbr->cmd = cmd;
	INIT_WORK(&hbr->thread, hbr_thread);
	INIT_WORK(&hbr->abort, hbr_abort);
	init_completion(&hbr->reaped);
	init_completion(&hbr->go);
	init_completion(&hbr->aborted);
	c->seams.handing_back = hbr_handing_back;
	sdt_queue(c, cmd);
	memset(sdt_window_data(c), 0x5c, SZ_64K);
	/* it ends; its copy back is the thread's */
	KUNIT_EXPECT_EQ(test, sdt_window_end_hard(c, SZ_64K, SUBDMA_ISR_DONE),
			IRQ_WAKE_THREAD);
	schedule_work(&hbr->thread);
	wait_for_completion(&hbr->reaped);
	/* the thread holds the command it let go of; the abort comes */
	schedule_work(&hbr->abort);
	sdt_wait_blocked(&hbr->aborted, &hbr->abort_task);
	complete(&hbr->go);
	flush_work(&hbr->thread);
	flush_work(&hbr->abort);
	KUNIT_EXPECT_EQ(test, hbr->ret, SUCCESS);
	KUNIT_EXPECT_TRUE(test, hbr->done_at_return);
	sdt_expect_log(test, "SPAFD");
	KUNIT_EXPECT_EQ(test, c->done_calls, 1U);
	KUNIT_EXPECT_EQ(test, cmd->result, 0);
	KUNIT_EXPECT_EQ(test, data[SZ_64K - 1], 0x5c);
	hbr = NULL;
}

/*
 * A reset between two windows, the first not copied back yet: its data
 * reaches the buffer, the second window is flushed, and the command
 * completes with what moved
 */
static void pipeline_reset_between_windows(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 *data;
	struct scsi_cmnd *cmd = sdt_new_cmd(test, READ_10, 3 * SZ_64K,
					    DMA_FROM_DEVICE, &data);

	sdt_queue(c, cmd);
	memset(sdt_window_data(c), 0x2b, SZ_64K);
	sdt_window_end_hard(c, SZ_64K, 0);
	KUNIT_EXPECT_EQ(test, data[0], 0);
	KUNIT_EXPECT_EQ(test, sdt_eh(c, cmd, 2), SUCCESS);
	sdt_expect_log(test, "SPAFPAXFD");
	KUNIT_EXPECT_TRUE(test, c->unmapped_at_done);
	KUNIT_EXPECT_EQ(test, host_byte(cmd->result), DID_RESET);
	KUNIT_EXPECT_EQ(test, data[0], 0x2b);
	KUNIT_EXPECT_EQ(test, data[SZ_64K - 1], 0x2b);
	KUNIT_EXPECT_EQ(test, data[SZ_64K], 0);
	KUNIT_EXPECT_EQ(test, scsi_get_resid(cmd), 2 * SZ_64K);
	/* the next command works, from the first half */
	cmd = sdt_new_cmd(test, READ_10, 512, DMA_FROM_DEVICE, NULL);
	KUNIT_EXPECT_EQ(test, sdt_queue(c, cmd), 0);
	KUNIT_EXPECT_EQ(test, c->dma.addr, half_addr(c, 0));
	sdt_window_end(c, 512, SUBDMA_ISR_DONE);
	KUNIT_EXPECT_EQ(test, c->done_calls, 2U);
}

static struct kunit_case order_cases[] = {
	KUNIT_CASE(order_no_data),
	KUNIT_CASE(order_one_window_read),
	KUNIT_CASE(order_windows_write),
	KUNIT_CASE(order_direct_read),
	KUNIT_CASE(order_scattered_low_pages),
	KUNIT_CASE(order_contiguous_low_pages),
	KUNIT_CASE(order_unreachable_mapping),
	KUNIT_CASE(order_failed_mapping),
	KUNIT_CASE(order_done_once),
	KUNIT_CASE(order_done_before_window),
	KUNIT_CASE(order_interrupt_loop),
	{}
};

static struct kunit_case mapregs_cases[] = {
	KUNIT_CASE(mapregs_copy_in),
	KUNIT_CASE(mapregs_copy_back_moved),
	KUNIT_CASE(mapregs_released_after_command),
	KUNIT_CASE(mapregs_full_16bit_window),
	KUNIT_CASE(mapregs_odd_segments_16bit),
	{}
};

static struct kunit_case error_path_cases[] = {
	KUNIT_CASE(error_abort_before_window),
	KUNIT_CASE(error_abort_mid_window),
	KUNIT_CASE(error_abort_completed_command),
	KUNIT_CASE_PARAM(error_reset_in_flight, reset_gen_params),
	KUNIT_CASE(error_residue_disagrees),
	KUNIT_CASE(error_window_claimed_unmoved),
	KUNIT_CASE(error_odd_byte_out_of_turn),
	KUNIT_CASE(error_odd_byte_read),
	KUNIT_CASE(error_odd_byte_write),
	KUNIT_CASE(error_odd_byte_short_read),
	KUNIT_CASE(error_odd_byte_short_write),
	KUNIT_CASE(error_odd_byte_past_buffer),
	KUNIT_CASE(error_reset_other_target_keeps_done),
	KUNIT_CASE(error_reset_other_target_loses_done),
	KUNIT_CASE(error_reset_other_target_goes_on),
	KUNIT_CASE_PARAM(error_reset_keeps_check_condition, reset_gen_params),
	KUNIT_CASE(error_abort_finds_done),
	KUNIT_CASE(error_timeout_polls),
	KUNIT_CASE(error_stuck_line),
	KUNIT_CASE(error_stuck_line_next_command),
	KUNIT_CASE(error_storm_refuses_next_command),
	KUNIT_CASE(error_storm_keeps_round),
	KUNIT_CASE(error_timeout_serves_window),
	KUNIT_CASE(error_timeout_serves_one_window),
	KUNIT_CASE(error_no_adapter),
	KUNIT_CASE(error_eh_after_remove),
	KUNIT_CASE(error_adapter_busy_at_submit),
	KUNIT_CASE(error_window_error_after_partial_move),
	KUNIT_CASE(error_zero_length),
	KUNIT_CASE(error_underrun),
	KUNIT_CASE_PARAM(error_adapter_error, error_gen_params),
	KUNIT_CASE(error_check_condition),
	KUNIT_CASE(error_status_unknown),
	KUNIT_CASE(error_illegal),
	KUNIT_CASE(error_spurious_interrupt),
	KUNIT_CASE(error_bidirectional),
	KUNIT_CASE(error_cdb_length),
	KUNIT_CASE(error_busy_host),
	{}
};

static struct kunit_case pipeline_cases[] = {
	KUNIT_CASE(pipeline_read_overlap),
	KUNIT_CASE(pipeline_read_waits_for_copy),
	KUNIT_CASE(pipeline_write_staged),
	KUNIT_CASE(pipeline_write_short_window),
	KUNIT_CASE(pipeline_wake_without_cause),
	KUNIT_CASE(pipeline_reset_finds_end_during_copy),
	KUNIT_CASE(pipeline_abort_while_copying),
	KUNIT_CASE(pipeline_abort_waits_for_hand_back),
	KUNIT_CASE(pipeline_reset_between_windows),
	{}
};

static struct kunit_suite order_suite = {
	.name = "subdma_discipline_order",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = order_cases,
};

static struct kunit_suite mapregs_suite = {
	.name = "subdma_map_registers",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = mapregs_cases,
};

static struct kunit_suite error_suite = {
	.name = "subdma_error_paths",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = error_path_cases,
};

static struct kunit_suite pipeline_suite = {
	.name = "subdma_mapregs_pipeline",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = pipeline_cases,
};

kunit_test_suites(&order_suite, &mapregs_suite, &error_suite,
		  &pipeline_suite);
