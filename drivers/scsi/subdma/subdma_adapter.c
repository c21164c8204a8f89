// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma: the adapter access layer - the register protocol of
 * Documentation/scsi/subdma-adapter.rst, spoken through struct
 * subdma_adapter_ops.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>

#include "subdma_adapter.h"
#include "subdma_regs.h"

/**
 * subdma_adapter_read() - read an adapter register
 * @a: the adapter
 * @reg: register offset
 *
 * Return: the register's value.
 */
u8 subdma_adapter_read(struct subdma_adapter *a, unsigned int reg)
{
	return a->ops->read(a, reg);
}

/**
 * subdma_adapter_write() - write an adapter register
 * @a: the adapter
 * @reg: register offset
 * @val: value
 */
void subdma_adapter_write(struct subdma_adapter *a, unsigned int reg, u8 val)
{
	a->ops->write(a, reg, val);
}

/**
 * subdma_adapter_read32() - read a 32-bit register, least significant first
 * @a: the adapter
 * @reg: offset of its first byte
 *
 * Return: the register's value.
 */
u32 subdma_adapter_read32(struct subdma_adapter *a, unsigned int reg)
{
	u32 val = 0;
	int i;

	for (i = 0; i < 4; i++)
		val |= (u32)subdma_adapter_read(a, reg + i) << (8 * i);
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_read32);

static void subdma_adapter_write32(struct subdma_adapter *a, unsigned int reg,
				   u32 val)
{
	int i;

	for (i = 0; i < 4; i++)
		subdma_adapter_write(a, reg + i, val >> (8 * i));
}

/**
 * subdma_adapter_identify() - check that a subdma adapter answers
 * @a: the adapter
 * @id: filled with what the adapter says of itself
 *
 * Return: 0; -ENODEV when the signature or configuration is wrong;
 * -EOPNOTSUPP for a revision older than the driver's (@id->rev tells
 * which).
 */
int subdma_adapter_identify(struct subdma_adapter *a,
			    struct subdma_identity *id)
{
	bool wide;
	u8 config;

	if (subdma_adapter_read(a, SUBDMA_REG_ID0) != SUBDMA_ID0 ||
	    subdma_adapter_read(a, SUBDMA_REG_ID1) != SUBDMA_ID1)
		return -ENODEV;
	config = subdma_adapter_read(a, SUBDMA_REG_CONFIG);
	id->rev = subdma_adapter_read(a, SUBDMA_REG_REV);
	/* a new major revision would be a different interface */
	if ((id->rev >> 4) != (SUBDMA_REV >> 4))
		return -ENODEV;
	/*
	 * 1.0 lacks CTRL.HOLD_LAST: a write the target ends early would be
	 * re-armed in its status phase, and refused
	 */
	if (id->rev < SUBDMA_REV)
		return -EOPNOTSUPP;
	id->irq = config & SUBDMA_CONFIG_IRQ_MASK;
	id->dma = (config & SUBDMA_CONFIG_DMA_MASK) >> SUBDMA_CONFIG_DMA_SHIFT;
	id->hostid = subdma_adapter_read(a, SUBDMA_REG_HOSTID) &
		     SUBDMA_TARGET_ID_MASK;
	/* 16-bit channels are 5-7; 4 is the cascade */
	wide = id->dma > 4;
	if (wide != !!(config & SUBDMA_CONFIG_WIDE) || id->dma == 4)
		return -ENODEV;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_identify);

/**
 * subdma_adapter_submit() - hand the adapter a command
 * @a: the adapter
 * @target: target id
 * @lun: LUN
 * @cdb: command descriptor block
 * @cdb_len: its length, 1 to 16
 * @xfer: bytes of the data phase
 * @data_in: data moves from the device to the host
 */
void subdma_adapter_submit(struct subdma_adapter *a, unsigned int target,
			   unsigned int lun, const u8 *cdb, unsigned int cdb_len,
			   u32 xfer, bool data_in)
{
	unsigned int i;

	subdma_adapter_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_CLEAR_FIFO);
	subdma_adapter_write(a, SUBDMA_REG_TARGET,
			     (target & SUBDMA_TARGET_ID_MASK) |
			     ((lun << SUBDMA_TARGET_LUN_SHIFT) &
			      SUBDMA_TARGET_LUN_MASK) |
			     (data_in ? SUBDMA_TARGET_DATA_IN : 0));
	subdma_adapter_write32(a, SUBDMA_REG_XFER, xfer);
	for (i = 0; i < cdb_len; i++)
		subdma_adapter_write(a, SUBDMA_REG_FIFO, cdb[i]);
	subdma_adapter_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_SUBMIT);
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_submit);

/**
 * subdma_adapter_arm() - HwScsiDmaStarted: run the window the channel holds
 * @a: the adapter
 * @len: the window's length, as programmed into the channel
 */
void subdma_adapter_arm(struct subdma_adapter *a, u32 len)
{
	subdma_adapter_write32(a, SUBDMA_REG_WIN_LEN, len);
	subdma_adapter_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_arm);

/**
 * subdma_adapter_command() - issue an adapter command
 * @a: the adapter
 * @cmd: SUBDMA_CMD_*
 */
void subdma_adapter_command(struct subdma_adapter *a, u8 cmd)
{
	subdma_adapter_write(a, SUBDMA_REG_CMD, cmd);
}

/**
 * subdma_adapter_select() - choose the target of a device reset
 * @a: the adapter
 * @target: target id
 */
void subdma_adapter_select(struct subdma_adapter *a, unsigned int target)
{
	subdma_adapter_write(a, SUBDMA_REG_TARGET,
			     target & SUBDMA_TARGET_ID_MASK);
}

/**
 * subdma_adapter_pending() - the pending interrupt causes
 * @a: the adapter
 *
 * Return: the causes ISR holds, 0 if none, or 0xff, all ones, when no
 * adapter answers.
 */
u8 subdma_adapter_pending(struct subdma_adapter *a)
{
	u8 isr = subdma_adapter_read(a, SUBDMA_REG_ISR);

	return isr == 0xff ? isr : isr & SUBDMA_ISR_ALL;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_pending);

/**
 * subdma_adapter_ack() - acknowledge interrupt causes
 * @a: the adapter
 * @isr: the causes, as subdma_adapter_pending() returned them; nothing
 *	is written for none, or for all ones
 */
void subdma_adapter_ack(struct subdma_adapter *a, u8 isr)
{
	if (isr && isr != 0xff)
		subdma_adapter_write(a, SUBDMA_REG_ISR, isr);
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_ack);

/**
 * subdma_adapter_sense() - read the auto-sense data of the last command
 * @a: the adapter
 * @buf: where to put it
 * @len: room in @buf
 *
 * Return: bytes of sense data read.
 */
unsigned int subdma_adapter_sense(struct subdma_adapter *a, u8 *buf,
				  unsigned int len)
{
	unsigned int n, i;

	n = min_t(unsigned int, subdma_adapter_read(a, SUBDMA_REG_SENSE_LEN),
		  min_t(unsigned int, len, SUBDMA_MAX_SENSE));
	for (i = 0; i < n; i++)
		buf[i] = subdma_adapter_read(a, SUBDMA_REG_FIFO);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_sense);

/**
 * subdma_adapter_irq_enable() - let the adapter drive its interrupt line
 * @a: the adapter
 * @on: enable or disable
 *
 * Either way a write's last WINDOW comes with the command's end
 * (CTRL.HOLD_LAST), so that no window is armed after a write's data phase
 * even while the host polls with the line masked.
 */
void subdma_adapter_irq_enable(struct subdma_adapter *a, bool on)
{
	subdma_adapter_write(a, SUBDMA_REG_CTRL, SUBDMA_CTRL_HOLD_LAST |
			     (on ? SUBDMA_CTRL_IRQ_ENABLE : 0));
}
EXPORT_SYMBOL_IF_KUNIT(subdma_adapter_irq_enable);
