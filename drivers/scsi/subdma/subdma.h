/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: the SCSI host.  The bus glue finds and claims an adapter, then
 * hands it to the host with subdma_host_register().
 */
#ifndef SUBDMA_H
#define SUBDMA_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <scsi/scsi_host.h>

#include "subdma_adapter.h"
#include "subdma_dma.h"
#include "subdma_regs.h"

struct device;
struct scsi_cmnd;

/**
 * struct subdma_stats - what a host has seen, shown in sysfs
 * @commands: commands the adapter was given
 * @windows: windows programmed and armed
 * @mapreg_bytes: bytes moved through the map registers
 * @direct_bytes: bytes moved in place
 * @odd_bytes: odd trailing bytes moved by hand
 * @residual_bytes: bytes commands asked for that did not move
 * @aborts: aborts
 * @device_resets: device resets
 * @bus_resets: bus resets
 * @host_resets: host resets
 * @faults: adapter faults: errors, refused commands, counts that disagree
 * @spurious_irqs: interrupts with no cause
 */
struct subdma_stats {
	u64 commands;
	u64 windows;
	u64 mapreg_bytes;
	u64 direct_bytes;
	u64 odd_bytes;
	u64 residual_bytes;
	u64 aborts;
	u64 device_resets;
	u64 bus_resets;
	u64 host_resets;
	u64 faults;
	u64 spurious_irqs;
};

/**
 * struct subdma_host - one adapter
 * @dev: the adapter's device
 * @shost: its SCSI host
 * @adapter: its registers
 * @dma: its DMA channel and map registers
 * @lock: guards everything below, and the adapter's registers
 * @cmd: the command the adapter holds, if any
 * @ended: that command ended: its result is set, its last window flushed;
 *	it waits only for its copies through the map registers
 * @timeout_served: the timeout moved that command on, serving an
 *	interrupt that was lost: it gets more time once
 * @window_wanted: the adapter waits for the command's next window, which
 *	waits for its half of the map registers
 * @xfer: that command's data
 * @line_masked: the interrupt handler masked the adapter's line, as its
 *	causes did not clear; the next command or the error handler unmasks
 *	it
 * @removing: the host is going away: no error handler touches the
 *	adapter any more
 * @handing_back: commands the interrupt handler, its thread or the timeout
 *	let go of and have not passed to scsi_done() yet
 * @handed_back: woken when @handing_back falls to 0
 * @eh_mutex: one abort or reset at a time (error handler or ioctl)
 * @copy_mutex: held by whoever copies through the map registers outside
 *	@lock: the interrupt thread, or the error handler before it lets go
 *	of a command
 * @reset_done: the adapter finished an abort or a reset
 * @stats: counters
 */
struct subdma_host {
	struct device *dev;
	struct Scsi_Host *shost;
	struct subdma_adapter adapter;
	struct subdma_dma dma;
	spinlock_t lock;	/* see the kernel-doc above */
	struct scsi_cmnd *cmd;
	bool ended;
	unsigned int timeout_served;
	bool window_wanted;
	struct subdma_transfer xfer;
	bool line_masked;
	bool removing;
	atomic_t handing_back;
	wait_queue_head_t handed_back;
	struct mutex eh_mutex;	/* see the kernel-doc above */
	struct mutex copy_mutex;	/* see the kernel-doc above */
	struct completion reset_done;
	struct subdma_stats stats;
};

struct subdma_host *
subdma_host_register(struct device *dev, const struct subdma_adapter *adapter,
		     const struct subdma_identity *id,
		     const struct subdma_isadma_ops *isadma, unsigned int chan,
		     bool short_windows, unsigned int irq);
void subdma_host_unregister(struct subdma_host *h);
int subdma_host_suspend(struct subdma_host *h);
int subdma_host_resume(struct subdma_host *h);

#if IS_ENABLED(CONFIG_KUNIT)
struct subdma_host *subdma_host_alloc(struct device *dev,
				      const struct subdma_adapter *adapter);
void subdma_host_put(struct subdma_host *h);
irqreturn_t subdma_interrupt(int irq, void *data);
irqreturn_t subdma_interrupt_thread(int irq, void *data);
#endif

#endif /* SUBDMA_H */
