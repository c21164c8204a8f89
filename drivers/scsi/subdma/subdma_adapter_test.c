// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the adapter access layer: the register protocol of the
 * adapter's data sheet.
 */

#include "subdma_test_fakes.h"

/* ---------------------------------------------------------------------
 * Adapter protocol
 */

static void protocol_identify(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct subdma_identity id;

	c->adapter.regs[SUBDMA_REG_CONFIG] = 3 | 6 << SUBDMA_CONFIG_DMA_SHIFT |
					     SUBDMA_CONFIG_WIDE;
	c->adapter.regs[SUBDMA_REG_HOSTID] = 6;
	KUNIT_ASSERT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id), 0);
	KUNIT_EXPECT_EQ(test, id.irq, 3);
	KUNIT_EXPECT_EQ(test, id.dma, 6);
	KUNIT_EXPECT_EQ(test, id.hostid, 6);
	KUNIT_EXPECT_EQ(test, id.rev, SUBDMA_REV);
}

static void protocol_identify_refuses(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct subdma_identity id;

	c->adapter.regs[SUBDMA_REG_ID1] = 0xff;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id), -ENODEV);
	c->adapter.regs[SUBDMA_REG_ID1] = SUBDMA_ID1;
	/* a wide channel below 4, or the cascade */
	c->adapter.regs[SUBDMA_REG_CONFIG] = 5 | 1 << SUBDMA_CONFIG_DMA_SHIFT |
					     SUBDMA_CONFIG_WIDE;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id), -ENODEV);
	c->adapter.regs[SUBDMA_REG_CONFIG] = 5 | 4 << SUBDMA_CONFIG_DMA_SHIFT |
					     SUBDMA_CONFIG_WIDE;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id), -ENODEV);
}

/*
 * Revision 1.0 lacks CTRL.HOLD_LAST, which the driver's one interrupt
 * per write relies on; a later minor revision keeps what 1.1 has; another
 * major revision is another interface
 */
static void protocol_identify_revisions(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	struct subdma_identity id;

	c->adapter.regs[SUBDMA_REG_REV] = 0x10;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, id.rev, 0x10);
	c->adapter.regs[SUBDMA_REG_REV] = 0x12;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id), 0);
	c->adapter.regs[SUBDMA_REG_REV] = 0x21;
	KUNIT_EXPECT_EQ(test, subdma_adapter_identify(&c->h->adapter, &id),
			-ENODEV);
}

static void protocol_submit_encoding(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	static const u8 cdb[16] = { 0x88, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				    12, 13, 14, 15 };

	subdma_adapter_submit(&c->h->adapter, 5, 3, cdb, 16, 0x12345678, true);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_TARGET],
			5 | 3 << SUBDMA_TARGET_LUN_SHIFT | SUBDMA_TARGET_DATA_IN);
	KUNIT_EXPECT_EQ(test, sdt_reg32(c, SUBDMA_REG_XFER), 0x12345678U);
	KUNIT_EXPECT_EQ(test, c->adapter.cdb_len, 16U);
	KUNIT_EXPECT_EQ(test, memcmp(c->adapter.cdb, cdb, 16), 0);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_SUBMIT);
	/* a second command starts from an empty FIFO */
	subdma_adapter_submit(&c->h->adapter, 0, 0, cdb, 6, 0, false);
	KUNIT_EXPECT_EQ(test, c->adapter.cdb_len, 6U);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_TARGET], 0);
}

static void protocol_arm_encoding(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;

	c->adapter.busy = true;		/* in a command's data phase */
	subdma_adapter_arm(&c->h->adapter, 0x20000);
	KUNIT_EXPECT_EQ(test, sdt_reg32(c, SUBDMA_REG_WIN_LEN), 0x20000U);
	KUNIT_EXPECT_EQ(test, c->adapter.last_cmd, SUBDMA_CMD_ARM);
}

static void protocol_ack(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 isr;

	c->adapter.regs[SUBDMA_REG_ISR] = SUBDMA_ISR_WINDOW | SUBDMA_ISR_ODD;
	isr = subdma_adapter_pending(&c->h->adapter);
	KUNIT_EXPECT_EQ(test, isr, SUBDMA_ISR_WINDOW | SUBDMA_ISR_ODD);
	/* looking acknowledges nothing */
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], isr);
	subdma_adapter_ack(&c->h->adapter, isr);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_ISR], 0);
	c->adapter.writes = 0;
	KUNIT_EXPECT_EQ(test, subdma_adapter_pending(&c->h->adapter), 0);
	subdma_adapter_ack(&c->h->adapter, 0);
	/* no adapter: all ones, and nothing written to it */
	c->adapter.regs[SUBDMA_REG_ISR] = 0xff;
	isr = subdma_adapter_pending(&c->h->adapter);
	KUNIT_EXPECT_EQ(test, isr, 0xff);
	subdma_adapter_ack(&c->h->adapter, isr);
	KUNIT_EXPECT_EQ(test, c->adapter.writes, 0U);
}

static void protocol_sense(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;
	u8 buf[8] = { };

	memset(c->adapter.sense, 0x61, sizeof(c->adapter.sense));
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = 5;
	KUNIT_EXPECT_EQ(test, subdma_adapter_sense(&c->h->adapter, buf, sizeof(buf)), 5U);
	KUNIT_EXPECT_EQ(test, buf[4], 0x61);
	KUNIT_EXPECT_EQ(test, buf[5], 0);
	c->adapter.sense_pos = 0;
	c->adapter.regs[SUBDMA_REG_SENSE_LEN] = 96;
	KUNIT_EXPECT_EQ(test, subdma_adapter_sense(&c->h->adapter, buf, 3), 3U);
}

static void protocol_read32(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;

	sdt_set_reg32(c, SUBDMA_REG_TOTAL, 0xa1b2c3d4);
	KUNIT_EXPECT_EQ(test, subdma_adapter_read32(&c->h->adapter, SUBDMA_REG_TOTAL),
			0xa1b2c3d4U);
}

static void protocol_irq_enable(struct kunit *test)
{
	struct sdt_ctx *c = test->priv;

	/* and a write's last WINDOW with its end: one interrupt */
	subdma_adapter_irq_enable(&c->h->adapter, true);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_IRQ_ENABLE | SUBDMA_CTRL_HOLD_LAST);
	/* masked, the last WINDOW still waits for the end */
	subdma_adapter_irq_enable(&c->h->adapter, false);
	KUNIT_EXPECT_EQ(test, c->adapter.regs[SUBDMA_REG_CTRL],
			SUBDMA_CTRL_HOLD_LAST);
}

static struct kunit_case protocol_cases[] = {
	KUNIT_CASE(protocol_identify),
	KUNIT_CASE(protocol_identify_refuses),
	KUNIT_CASE(protocol_identify_revisions),
	KUNIT_CASE(protocol_submit_encoding),
	KUNIT_CASE(protocol_arm_encoding),
	KUNIT_CASE(protocol_ack),
	KUNIT_CASE(protocol_sense),
	KUNIT_CASE(protocol_read32),
	KUNIT_CASE(protocol_irq_enable),
	{}
};

static struct kunit_suite protocol_suite = {
	.name = "subdma_adapter_protocol",
	.init = sdt_init,
	.exit = sdt_exit,
	.test_cases = protocol_cases,
};

kunit_test_suites(&protocol_suite);
