/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: the adapter access layer.  Every register access of the host
 * adapter goes through struct subdma_adapter_ops, so that the bus glue
 * can use port I/O and the KUnit tests a fake adapter.  The layer knows
 * the adapter and nothing above it.
 */
#ifndef SUBDMA_ADAPTER_H
#define SUBDMA_ADAPTER_H

#include <linux/types.h>

struct subdma_adapter;

/**
 * struct subdma_adapter_ops - reach the adapter's registers
 * @read: read the 8-bit register at offset @reg
 * @write: write the 8-bit register at offset @reg
 */
struct subdma_adapter_ops {
	u8 (*read)(struct subdma_adapter *a, unsigned int reg);
	void (*write)(struct subdma_adapter *a, unsigned int reg, u8 val);
};

/**
 * struct subdma_adapter - one adapter's registers
 * @ops: how to reach them
 * @iobase: first I/O port
 */
struct subdma_adapter {
	const struct subdma_adapter_ops *ops;
	unsigned long iobase;
};

/**
 * struct subdma_identity - what the adapter says of itself
 * @rev: interface revision
 * @irq: the ISA interrupt line it is jumpered for
 * @dma: the DMA channel it is jumpered for
 * @hostid: its own SCSI id
 */
struct subdma_identity {
	u8 rev;
	u8 irq;
	u8 dma;
	u8 hostid;
};

int subdma_adapter_identify(struct subdma_adapter *a,
			    struct subdma_identity *id);
void subdma_adapter_submit(struct subdma_adapter *a, unsigned int target,
			   unsigned int lun, const u8 *cdb, unsigned int cdb_len,
			   u32 xfer, bool data_in);
void subdma_adapter_arm(struct subdma_adapter *a, u32 len);
void subdma_adapter_command(struct subdma_adapter *a, u8 cmd);
void subdma_adapter_select(struct subdma_adapter *a, unsigned int target);
u8 subdma_adapter_pending(struct subdma_adapter *a);
void subdma_adapter_ack(struct subdma_adapter *a, u8 isr);
u8 subdma_adapter_read(struct subdma_adapter *a, unsigned int reg);
void subdma_adapter_write(struct subdma_adapter *a, unsigned int reg, u8 val);
u32 subdma_adapter_read32(struct subdma_adapter *a, unsigned int reg);
unsigned int subdma_adapter_sense(struct subdma_adapter *a, u8 *buf,
				  unsigned int len);
void subdma_adapter_irq_enable(struct subdma_adapter *a, bool on);

#endif /* SUBDMA_ADAPTER_H */
