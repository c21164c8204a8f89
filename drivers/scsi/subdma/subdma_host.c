// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma: the SCSI host.
 *
 * One command at a time, each under the subordinate DMA discipline:
 *
 *   queuecommand:  map (dma_map_sg() or the map registers), submit,
 *                  program the first window and arm it - a write's once
 *                  the thread copied it in  (ScsiPortIoMapTransfer,
 *                                            HwScsiDmaStarted)
 *   WINDOW irq:    flush, then program and arm the next window if its
 *                  half of the map registers is ready  (ScsiPortFlushDma)
 *   DONE irq:      flush what is still programmed, set the result
 *   irq thread:    the copies through the map registers: a read's flushed
 *                  window back, a write's next window in; then arm a
 *                  window that waited for its half
 *   either:        once the command ended and its copies are made:
 *                  unmap, scsi_done()                  (RequestComplete)
 *   abort, resets: stop the adapter, flush even a window that never
 *                  started, unmap, hand the command back to the midlayer
 *
 * The hard handler only serves the adapter and the 8237, so the channel
 * fills or drains one half of the map registers while the thread copies
 * the other.
 *
 * Locking: h->lock guards the command and the adapter's registers and is
 * taken with interrupts off; the 8237's global lock is taken inside it by
 * the DMA layer, only around the channel's register sequence.  The thread
 * copies with h->lock dropped and h->copy_mutex held; the error handler
 * takes that mutex before it lets go of a command, so that no copy runs
 * into a buffer handed back.  scsi_done() is called after h->lock is
 * dropped; the error handler returns only once every command another
 * context let go of has been passed to it (h->handing_back).
 */

#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "subdma.h"
#include "subdma_compat.h"

#define CREATE_TRACE_POINTS
#include "subdma_trace.h"

/* How long the adapter may take to finish an abort or a reset */
#define SUBDMA_RESET_TIMEOUT	(2 * HZ)
/*
 * Causes that keep coming back are an adapter gone wrong, or gone.  A
 * window that ends moves its command on, and a 1 MiB command may end
 * hundreds of them within one interrupt when the adapter is quick, so
 * those rounds are bounded only loosely.
 */
#define SUBDMA_IRQ_ROUNDS	16
#define SUBDMA_IRQ_WINDOW_ROUNDS	1024

/* The bus addresses the command's windows may use, for the trace */
static void subdma_trace_segments(struct subdma_host *h)
{
	struct scatterlist *sg;
	int i;

	if (!trace_subdma_segment_enabled())
		return;
	if (h->xfer.bounce) {
		/* a window lies in one half of the map registers */
		trace_subdma_segment(h, h->dma.mapregs_dma,
				     h->dma.mapregs_size);
		trace_subdma_segment(h, h->dma.mapregs_dma +
				     h->dma.mapregs_size, h->dma.mapregs_size);
		return;
	}
	for_each_sg(h->xfer.sgl, sg, h->xfer.mapped, i)
		trace_subdma_segment(h, sg_dma_address(sg), sg_dma_len(sg));
}

/* Program and arm the next window, if one is wanted and its half ready */
static void subdma_start_window(struct subdma_host *h)
{
	u32 len;

	if (!h->window_wanted)
		return;
	len = subdma_dma_program(&h->dma, &h->xfer);
	if (!len)
		return;
	h->window_wanted = false;
	trace_subdma_window(h);
	h->stats.windows++;
	subdma_adapter_arm(&h->adapter, len);
}

/* The adapter wants the next window: now, or once its half is ready */
static void subdma_want_window(struct subdma_host *h)
{
	h->window_wanted = true;
	subdma_start_window(h);
}

/* Flush the window the channel holds, if any; see subdma_dma_flush() */
static u32 subdma_flush(struct subdma_host *h, u32 moved)
{
	u32 win_len = h->xfer.win_len, before = h->xfer.done;
	u32 by_channel;

	if (!h->xfer.win_programmed)
		return 0;
	by_channel = subdma_dma_flush(&h->dma, &h->xfer, moved);
	trace_subdma_flush(h, win_len, moved, by_channel);
	if (h->xfer.bounce)
		h->stats.mapreg_bytes += h->xfer.done - before;
	else
		h->stats.direct_bytes += h->xfer.done - before;
	return by_channel;
}

/* Complete a command the host let go of (h->lock not held) */
static void subdma_complete(struct subdma_host *h, struct scsi_cmnd *cmd)
{
	trace_subdma_complete(h, cmd, true);
	scsi_done(cmd);
}

/* Complete a command the host refuses before mapping it (no lock held) */
static void subdma_refuse(struct subdma_host *h, struct scsi_cmnd *cmd,
			  int host_code)
{
	set_host_byte(cmd, host_code);
	trace_subdma_complete(h, cmd, false);
	scsi_done(cmd);
}

/* WINDOW: flush; false when the adapter and the 8237 disagree */
static bool subdma_window_end(struct subdma_host *h)
{
	u32 moved = subdma_adapter_read32(&h->adapter, SUBDMA_REG_WIN_MOVED);
	u32 by_channel;

	if (!h->xfer.win_programmed)
		return true;
	by_channel = subdma_flush(h, moved);
	if (by_channel == moved)
		return true;
	dev_err_ratelimited(h->dev, "adapter moved %u bytes, DMA channel %u moved %u\n",
			    moved, h->dma.chan, by_channel);
	return false;
}

/*
 * ODD: the last byte of a 16-bit data phase goes by hand; false when the
 * buffer has no room for it (the command fails, and its abort discards it)
 */
static bool subdma_odd_byte(struct subdma_host *h)
{
	u8 byte = 0;

	/* only a 16-bit data phase ends in one, once its windows are done */
	if (!h->dma.wide || h->xfer.win_programmed) {
		dev_err_ratelimited(h->dev, "adapter offers an odd byte %s\n",
				    h->dma.wide ? "while a window runs" :
				    "on an 8-bit channel");
		return false;
	}
	if (h->xfer.dir == DMA_FROM_DEVICE)
		byte = subdma_adapter_read(&h->adapter, SUBDMA_REG_ODD_BYTE);
	if (subdma_dma_pio_byte(&h->xfer, &byte)) {
		dev_err_ratelimited(h->dev,
				    "adapter moves an odd byte past the %u-byte buffer\n",
				    h->xfer.len);
		return false;
	}
	if (h->xfer.dir != DMA_FROM_DEVICE)
		subdma_adapter_write(&h->adapter, SUBDMA_REG_ODD_BYTE, byte);
	h->stats.odd_bytes++;
	return true;
}

static int subdma_host_byte(u8 error)
{
	switch (error) {
	case SUBDMA_ERR_SELECTION_TIMEOUT:
		return DID_NO_CONNECT;
	case SUBDMA_ERR_BUS_RESET:
		return DID_RESET;
	default:
		return DID_ERROR;
	}
}

/*
 * Flush, unmap, and let go of the command; the caller completes it.  A
 * read's data not copied back yet is dropped: only the error handler lets
 * go of a command before its copies are made.
 */
static struct scsi_cmnd *subdma_release(struct subdma_host *h)
{
	struct scsi_cmnd *cmd = h->cmd;

	subdma_flush(h, 0);
	trace_subdma_unmap(h);
	subdma_dma_unmap(&h->dma, &h->xfer);
	scsi_set_resid(cmd, h->xfer.len - h->xfer.done);
	h->stats.residual_bytes += h->xfer.len - h->xfer.done;
	h->cmd = NULL;
	h->ended = false;
	h->window_wanted = false;
	dev_dbg_ratelimited(h->dev, "command 0x%02x done: result 0x%x, resid %u\n",
			    cmd->cmnd[0], cmd->result, scsi_get_resid(cmd));
	return cmd;
}

/*
 * Let go of a command that ended, once its copies are made; else NULL.
 * The caller hands it back with subdma_hand_back().
 */
static struct scsi_cmnd *subdma_reap(struct subdma_host *h)
{
	if (!h->cmd || !h->ended || subdma_dma_copies_pending(&h->xfer))
		return NULL;
	atomic_inc(&h->handing_back);
	return subdma_release(h);
}

/* Complete a command subdma_reap() let go of (h->lock not held) */
static void subdma_hand_back(struct subdma_host *h, struct scsi_cmnd *cmd)
{
	subdma_complete(h, cmd);
	if (atomic_dec_and_test(&h->handing_back))
		wake_up_all(&h->handed_back);
}

/*
 * For the error handler, before it returns: a command another context
 * let go of is completed first.  Else the midlayer could retry it, and
 * the late scsi_done() would complete the retry while its data moves.
 */
static void subdma_wait_handed_back(struct subdma_host *h)
{
	wait_event(h->handed_back, !atomic_read(&h->handing_back));
}

/* Whether the interrupt thread has copies to make */
static bool subdma_copy_due(struct subdma_host *h)
{
	return h->cmd && subdma_dma_copy_due(&h->xfer, !h->ended);
}

/* Have the interrupt thread make the copies due (h->lock not held) */
static void subdma_wake_thread(struct subdma_host *h)
{
	const struct subdma_seams *seams = subdma_seams(&h->dma);

	if (seams && seams->wake_thread)
		seams->wake_thread(h);
	/* IRQ 0 is never an ISA adapter's: no interrupt is wired yet */
	else if (h->shost->irq)
		irq_wake_thread(h->shost->irq, h);
}

/* Whether a target can send the SCSI status byte (SAM) */
static bool subdma_status_known(u8 status)
{
	switch (status) {
	case SAM_STAT_GOOD:
	case SAM_STAT_CHECK_CONDITION:
	case SAM_STAT_CONDITION_MET:
	case SAM_STAT_BUSY:
	case SAM_STAT_INTERMEDIATE:
	case SAM_STAT_INTERMEDIATE_CONDITION_MET:
	case SAM_STAT_RESERVATION_CONFLICT:
	case SAM_STAT_COMMAND_TERMINATED:
	case SAM_STAT_TASK_SET_FULL:
	case SAM_STAT_ACA_ACTIVE:
	case SAM_STAT_TASK_ABORTED:
		return true;
	default:
		return false;
	}
}

/* The command ended: DONE, ERROR, ILLEGAL, or the DMA counts disagreed */
static void subdma_end(struct subdma_host *h, u8 isr, bool dma_ok)
{
	struct scsi_cmnd *cmd = h->cmd;
	u8 error = SUBDMA_ERR_NONE, status;
	bool wrong = !dma_ok;

	if (!dma_ok) {
		set_host_byte(cmd, DID_ERROR);
	} else if (isr & SUBDMA_ISR_ILLEGAL) {
		/* whatever else ISR says: the protocol broke */
		error = subdma_adapter_read(&h->adapter, SUBDMA_REG_ERROR);
		set_host_byte(cmd, DID_ERROR);
	} else if (isr & SUBDMA_ISR_DONE) {
		status = subdma_adapter_read(&h->adapter, SUBDMA_REG_SCSI_STATUS);
		if (!subdma_status_known(status)) {
			/* no target sends it: the adapter is wrong, not the data */
			dev_warn_ratelimited(h->dev, "adapter gave SCSI status 0x%02x, which no target sends\n",
					     status);
			set_host_byte(cmd, DID_ERROR);
			wrong = true;
		} else {
			cmd->result = status;
		}
		if (status == SAM_STAT_CHECK_CONDITION)
			subdma_adapter_sense(&h->adapter, cmd->sense_buffer,
					     SCSI_SENSE_BUFFERSIZE);
	} else {
		error = subdma_adapter_read(&h->adapter, SUBDMA_REG_ERROR);
		set_host_byte(cmd, subdma_host_byte(error));
	}
	/* stop what the adapter may still be doing for the command */
	if (!dma_ok || (isr & SUBDMA_ISR_ILLEGAL))
		subdma_adapter_command(&h->adapter, SUBDMA_CMD_ABORT);
	subdma_flush(h, 0);
	h->ended = true;
	h->window_wanted = false;
	if (wrong || (isr & SUBDMA_ISR_ILLEGAL) ||
	    (error && error != SUBDMA_ERR_SELECTION_TIMEOUT)) {
		h->stats.faults++;
		dev_warn_ratelimited(h->dev, "command 0x%02x failed: isr 0x%02x error 0x%02x\n",
				     cmd->cmnd[0], isr, error);
	}
}

/*
 * Serve the causes the adapter holds, with h->lock held: from the
 * interrupt handler, and from the error handler before it stops the
 * adapter, so that no completion already pending is lost.  The ISA line
 * is edge-triggered: causes are acknowledged and ISR is read again until
 * it is empty, so that none arriving meanwhile is missed.  A command that
 * ended is let go of by subdma_reap() once its copies are made.
 *
 * Return: the causes served; SUBDMA_ISR_ALL + 1 when ISR reads all ones,
 * as it does with no adapter there.
 */
static unsigned int subdma_serve(struct subdma_host *h)
{
	int rounds = 0, window_rounds = 0;
	unsigned int seen = 0;
	u8 isr;

	while ((isr = subdma_adapter_pending(&h->adapter))) {
		bool dma_ok = true;

		if (isr == 0xff)
			return SUBDMA_ISR_ALL + 1;
		if (h->cmd && (isr & SUBDMA_ISR_WINDOW))
			window_rounds++;
		else
			rounds++;
		if (rounds > SUBDMA_IRQ_ROUNDS ||
		    window_rounds > SUBDMA_IRQ_WINDOW_ROUNDS) {
			/*
			 * The causes stay set, and so would the line, with no
			 * edge to come: mask the line until the next command
			 * or the error handler serves the adapter again.  This
			 * round's causes are left unacknowledged for them.
			 */
			dev_err_ratelimited(h->dev, "interrupt causes 0x%02x do not clear\n",
					    isr);
			subdma_adapter_irq_enable(&h->adapter, false);
			h->line_masked = true;
			break;
		}
		subdma_adapter_ack(&h->adapter, isr);
		seen |= isr;
		if (isr & SUBDMA_ISR_RESET)
			complete(&h->reset_done);
		if (!h->cmd || h->ended)
			continue;
		if (isr & SUBDMA_ISR_WINDOW)
			dma_ok = subdma_window_end(h);
		if (dma_ok && (isr & SUBDMA_ISR_ODD))
			dma_ok = subdma_odd_byte(h);
		if (!dma_ok || (isr & (SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR |
				       SUBDMA_ISR_ILLEGAL)))
			subdma_end(h, isr, dma_ok);
		else if ((isr & SUBDMA_ISR_WINDOW) && !(isr & SUBDMA_ISR_ODD))
			subdma_want_window(h);	/* ODD ends the data phase */
	}
	return seen;
}

/* Let the line go again after a storm masked it (h->lock held) */
static void subdma_unmask_line(struct subdma_host *h)
{
	if (h->line_masked) {
		/* a new edge comes if a cause is still set */
		subdma_adapter_irq_enable(&h->adapter, true);
		h->line_masked = false;
	}
}

/*
 * Before a new command, with h->lock held and no command held: a storm
 * masked the line and left its last round unacknowledged.  Take those
 * causes now, while no command is there for them to strike, and let the
 * line go again.  False, with the line still masked, when they do not
 * clear.
 */
static bool subdma_calm_storm(struct subdma_host *h)
{
	subdma_serve(h);
	if (subdma_adapter_pending(&h->adapter))
		return false;
	subdma_unmask_line(h);
	return true;
}

/* Serve the adapter from the error handler, and let its line go again */
static unsigned int subdma_poll(struct subdma_host *h)
{
	unsigned int seen = subdma_serve(h);

	subdma_unmask_line(h);
	return seen;
}

/*
 * Make the copies through the map registers that are due, with
 * h->copy_mutex held and h->lock not: each copy runs with h->lock
 * dropped, so that the interrupt handler serves the channel meanwhile.  A
 * window that waited for its half is armed.  A command that ended and
 * needs no more copies is let go of and returned, to be completed.
 */
static struct scsi_cmnd *subdma_drain(struct subdma_host *h)
{
	struct scsi_cmnd *done;
	unsigned long flags;
	int half;

	lockdep_assert_held(&h->copy_mutex);
	spin_lock_irqsave(&h->lock, flags);
	while (h->cmd &&
	       (half = subdma_dma_copy_next(&h->dma, &h->xfer, !h->ended)) >= 0) {
		spin_unlock_irqrestore(&h->lock, flags);
		subdma_dma_copy(&h->dma, &h->xfer, half);
		spin_lock_irqsave(&h->lock, flags);
		subdma_dma_copy_done(&h->xfer, half);
		subdma_start_window(h);
	}
	done = subdma_reap(h);
	spin_unlock_irqrestore(&h->lock, flags);
	return done;
}

/*
 * For the error handler, with h->copy_mutex held: serve the adapter and
 * make the copies due until none is, so that a command that ended, even
 * while the copies ran, completes with its data.  Returns with h->lock
 * held, and no copy due.
 */
static struct scsi_cmnd *subdma_settle(struct subdma_host *h,
				       unsigned long *flags)
	__acquires(&h->lock)
{
	struct scsi_cmnd *done;

	spin_lock_irqsave(&h->lock, *flags);
	subdma_poll(h);
	done = subdma_reap(h);
	while (!done && subdma_copy_due(h)) {
		spin_unlock_irqrestore(&h->lock, *flags);
		done = subdma_drain(h);
		spin_lock_irqsave(&h->lock, *flags);
	}
	return done;
}

/**
 * subdma_interrupt() - the adapter's interrupt handler
 * @irq: interrupt number
 * @data: the host
 *
 * Serves the adapter and the 8237 only; copies through the map registers
 * are left to subdma_interrupt_thread().
 *
 * Return: IRQ_WAKE_THREAD when copies are due, even with no cause pending:
 * where the kernel runs this handler in a thread of its own (threadirqs),
 * subdma_wake_thread() wakes that one, and the copies' thread only through
 * it.  Else IRQ_HANDLED, or IRQ_NONE when no cause was pending or no
 * adapter answered, so that the kernel can tell a line gone wild.
 */
VISIBLE_IF_KUNIT irqreturn_t subdma_interrupt(int irq, void *data)
{
	struct subdma_host *h = data;
	struct scsi_cmnd *done;
	unsigned long flags;
	unsigned int seen;
	bool wake;

	spin_lock_irqsave(&h->lock, flags);
	seen = subdma_serve(h);
	done = subdma_reap(h);
	wake = subdma_copy_due(h);
	if (!wake && (!seen || seen > SUBDMA_ISR_ALL))
		h->stats.spurious_irqs++;
	spin_unlock_irqrestore(&h->lock, flags);

	if (done)
		subdma_hand_back(h, done);
	if (wake)
		return IRQ_WAKE_THREAD;
	return seen && seen <= SUBDMA_ISR_ALL ? IRQ_HANDLED : IRQ_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_interrupt);

/**
 * subdma_interrupt_thread() - the adapter's interrupt thread
 * @irq: interrupt number
 * @data: the host
 *
 * Makes the copies through the map registers that the handler left due,
 * arms a window that waited for one, and completes a command that waited
 * for its copies.
 *
 * Return: IRQ_HANDLED.
 */
VISIBLE_IF_KUNIT irqreturn_t subdma_interrupt_thread(int irq, void *data)
{
	struct subdma_host *h = data;
	struct scsi_cmnd *done;

	mutex_lock(&h->copy_mutex);
	done = subdma_drain(h);
	mutex_unlock(&h->copy_mutex);
	if (done) {
		const struct subdma_seams *seams = subdma_seams(&h->dma);

		if (seams && seams->handing_back)
			seams->handing_back(h, done);
		/*
		 * The block layer completes in a softirq that it raises: run
		 * it here, as on the way out of a hard interrupt, rather than
		 * leave it to a thread of its own
		 */
		local_bh_disable();
		subdma_hand_back(h, done);
		local_bh_enable();
	}
	return IRQ_HANDLED;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_interrupt_thread);

static SUBDMA_QC_STATUS subdma_queuecommand(struct Scsi_Host *shost,
					    struct scsi_cmnd *cmd)
{
	struct subdma_host *h = shost_priv(shost);
	SUBDMA_QC_STATUS ret = 0;
	unsigned long flags;
	bool wake = false;

	/*
	 * The adapter moves one direction, and takes a CDB of 1 to 16 bytes:
	 * bsg passes an empty one on, which the midlayer does not check
	 */
	if (cmd->sc_data_direction == DMA_BIDIRECTIONAL ||
	    !cmd->cmd_len || cmd->cmd_len > SUBDMA_MAX_CDB) {
		subdma_refuse(h, cmd, DID_ERROR);
		return 0;
	}
	spin_lock_irqsave(&h->lock, flags);
	if (h->cmd) {
		ret = SCSI_MLQUEUE_HOST_BUSY;
		goto out;
	}
	if (h->line_masked && !subdma_calm_storm(h)) {
		/* the causes still do not clear: an adapter gone wrong */
		h->stats.faults++;
		spin_unlock_irqrestore(&h->lock, flags);
		subdma_refuse(h, cmd, DID_BUS_BUSY);
		return 0;
	}
	if (subdma_adapter_read(&h->adapter, SUBDMA_REG_STATUS) &
	    SUBDMA_STATUS_BUSY) {
		/*
		 * The adapter still runs a command the host let go of (an
		 * abort that did not finish): stop it, and have this one
		 * retried, as the midlayer counts retries
		 */
		subdma_adapter_command(&h->adapter, SUBDMA_CMD_ABORT);
		h->stats.faults++;
		spin_unlock_irqrestore(&h->lock, flags);
		dev_warn_ratelimited(h->dev, "adapter busy with no command: aborted\n");
		subdma_refuse(h, cmd, DID_BUS_BUSY);
		return 0;
	}
	subdma_dma_map(&h->dma, &h->xfer, scsi_sglist(cmd), scsi_sg_count(cmd),
		       scsi_bufflen(cmd), cmd->sc_data_direction);
	h->cmd = cmd;
	h->timeout_served = 0;
	trace_subdma_map(h, cmd);
	subdma_trace_segments(h);
	h->stats.commands++;
	dev_dbg(h->dev, "command 0x%02x to %u:%llu, %u bytes %s%s\n",
		cmd->cmnd[0], cmd->device->id, cmd->device->lun,
		scsi_bufflen(cmd),
		cmd->sc_data_direction == DMA_FROM_DEVICE ? "in" : "out",
		h->xfer.bounce ? " via map registers" : "");
	subdma_adapter_submit(&h->adapter, cmd->device->id, cmd->device->lun, cmd->cmnd,
			      cmd->cmd_len, scsi_bufflen(cmd),
			      cmd->sc_data_direction == DMA_FROM_DEVICE);
	/*
	 * the adapter may finish before this window starts; see the DONE
	 * path.  A write's window waits for the interrupt thread to copy its
	 * data in: no copy runs with interrupts off.
	 */
	subdma_want_window(h);
	wake = subdma_copy_due(h);
out:
	spin_unlock_irqrestore(&h->lock, flags);
	if (wake)
		subdma_wake_thread(h);
	return ret;
}

/*
 * A command timed out: its interrupt may have been lost, so serve the
 * adapter before the midlayer aborts it.  A command that had ended is
 * completed here, and the midlayer then sees it complete and leaves it;
 * or it waits only for its copies, which the interrupt thread is woken
 * to make, and gets the time to finish.  A command whose lost WINDOW
 * moved data gets the time too, once: serving it armed its next window.
 * Another lost edge in the same command is a line that does not reach
 * the CPU, and the midlayer aborts it rather than wait a timeout a window.
 */
static enum subdma_timeout_action subdma_eh_timed_out(struct scsi_cmnd *cmd)
{
	struct subdma_host *h = shost_priv(cmd->device->host);
	struct scsi_cmnd *done = NULL;
	bool wake = false, more_time = false;
	unsigned int seen = 0;
	unsigned long flags;
	u32 before;

	spin_lock_irqsave(&h->lock, flags);
	if (!h->removing) {
		before = h->cmd == cmd ? h->xfer.done : 0;
		seen = subdma_poll(h);
		done = subdma_reap(h);
		wake = subdma_copy_due(h);
		more_time = h->cmd == cmd &&
			    (h->ended || (h->xfer.done > before &&
					  !h->timeout_served++));
	}
	spin_unlock_irqrestore(&h->lock, flags);
	if (seen & (SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR |
		    SUBDMA_ISR_ODD))
		dev_warn_ratelimited(h->dev, "interrupt lost: the timeout found causes 0x%02x (IRQ %u)\n",
				     seen, h->shost->irq);
	if (done)
		subdma_hand_back(h, done);
	if (wake)
		subdma_wake_thread(h);
	return more_time ? SUBDMA_EH_RESET_TIMER : SUBDMA_EH_NOT_HANDLED;
}

/*
 * A device reset kept the command in flight, another target's.  If that
 * command ended just before the reset, the reset discarded its DONE (the
 * data sheet: with no command in progress afterwards, the causes go), and
 * no interrupt will ever end it.  DONE or ERROR is raised no later than
 * STATUS.BUSY falls, so STATUS is read first: not busy, and no end in ISR,
 * is a command the adapter no longer holds.  It is let go of for a retry.
 */
static struct scsi_cmnd *subdma_reset_kept(struct subdma_host *h)
{
	u8 status, isr;

	if (!h->cmd || h->ended)
		return NULL;
	status = subdma_adapter_read(&h->adapter, SUBDMA_REG_STATUS);
	isr = subdma_adapter_pending(&h->adapter);
	if ((status & SUBDMA_STATUS_BUSY) ||
	    (isr & (SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR)))
		return NULL;
	dev_warn_ratelimited(h->dev, "command 0x%02x lost its end to a reset of another target: retried\n",
			     h->cmd->cmnd[0]);
	return subdma_release(h);
}

/*
 * Abort or reset: serve what the adapter already holds and make the
 * copies due (a command that ended keeps its status and its data), tell
 * the adapter, then flush and unmap the command it held (even when its
 * window never started).  No copy runs meanwhile: h->copy_mutex is held.  An aborted
 * command goes back to the error handler, which owns it; a reset may
 * also come from the SG_SCSI_RESET ioctl with a command in flight, so
 * the command a reset releases is completed with DID_RESET - which does
 * nothing when the error handler owns it.  @victim, when given, is the
 * only command to release; otherwise @target < 0 releases any command
 * and a target id that target's.  Once the host is being removed, the
 * adapter is not touched any more.
 */
static int subdma_eh_run(struct subdma_host *h, u8 op, int target,
			 struct scsi_cmnd *victim, u64 *count)
{
	struct scsi_cmnd *released = NULL, *done = NULL;
	unsigned long flags;
	long left;

	mutex_lock(&h->eh_mutex);
	mutex_lock(&h->copy_mutex);
	/* set under eh_mutex, which this holds */
	if (h->removing) {
		mutex_unlock(&h->copy_mutex);
		mutex_unlock(&h->eh_mutex);
		return FAILED;
	}
	done = subdma_settle(h, &flags);
	if (victim && h->cmd != victim) {
		/* it ended meanwhile: nothing to abort */
		spin_unlock_irqrestore(&h->lock, flags);
		mutex_unlock(&h->copy_mutex);
		mutex_unlock(&h->eh_mutex);
		if (done)
			subdma_hand_back(h, done);
		subdma_wait_handed_back(h);
		return SUCCESS;
	}
	(*count)++;
	trace_subdma_eh(h, op, target);
	reinit_completion(&h->reset_done);
	if (op == SUBDMA_CMD_DEVICE_RESET)
		subdma_adapter_select(&h->adapter, target);
	/* a reset line that is already up would give no edge for RESET */
	if (op == SUBDMA_CMD_ADAPTER_RESET)
		subdma_adapter_irq_enable(&h->adapter, false);
	subdma_adapter_command(&h->adapter, op);
	if (op == SUBDMA_CMD_ADAPTER_RESET)
		subdma_adapter_irq_enable(&h->adapter, true);
	if (h->cmd && (victim ? h->cmd == victim :
		       target < 0 || h->cmd->device->id == target))
		released = subdma_release(h);
	else if (op == SUBDMA_CMD_DEVICE_RESET)
		released = subdma_reset_kept(h);
	spin_unlock_irqrestore(&h->lock, flags);
	mutex_unlock(&h->copy_mutex);

	if (done)
		subdma_hand_back(h, done);
	if (released && op != SUBDMA_CMD_ABORT) {
		set_host_byte(released, DID_RESET);
		subdma_complete(h, released);
	}
	left = wait_for_completion_timeout(&h->reset_done, SUBDMA_RESET_TIMEOUT);
	if (!left) {
		/* the edge may have been lost: look once more */
		mutex_lock(&h->copy_mutex);
		done = subdma_settle(h, &flags);
		spin_unlock_irqrestore(&h->lock, flags);
		mutex_unlock(&h->copy_mutex);
		if (done)
			subdma_hand_back(h, done);
		left = completion_done(&h->reset_done);
	}
	mutex_unlock(&h->eh_mutex);
	subdma_wait_handed_back(h);
	if (!left)
		dev_err(h->dev, "adapter did not finish command 0x%02x\n", op);
	return left ? SUCCESS : FAILED;
}

static int subdma_eh_abort(struct scsi_cmnd *cmd)
{
	struct subdma_host *h = shost_priv(cmd->device->host);

	scmd_printk(KERN_WARNING, cmd, "aborting command 0x%02x\n",
		    cmd->cmnd[0]);
	return subdma_eh_run(h, SUBDMA_CMD_ABORT, cmd->device->id, cmd,
			     &h->stats.aborts);
}

static int subdma_eh_device_reset(struct scsi_cmnd *cmd)
{
	struct subdma_host *h = shost_priv(cmd->device->host);

	scmd_printk(KERN_WARNING, cmd, "resetting the device\n");
	return subdma_eh_run(h, SUBDMA_CMD_DEVICE_RESET, cmd->device->id,
			     NULL, &h->stats.device_resets);
}

static int subdma_eh_bus_reset(struct scsi_cmnd *cmd)
{
	struct subdma_host *h = shost_priv(cmd->device->host);

	scmd_printk(KERN_WARNING, cmd, "resetting the SCSI bus\n");
	return subdma_eh_run(h, SUBDMA_CMD_BUS_RESET, -1, NULL,
			     &h->stats.bus_resets);
}

static int subdma_eh_host_reset(struct scsi_cmnd *cmd)
{
	struct subdma_host *h = shost_priv(cmd->device->host);

	scmd_printk(KERN_WARNING, cmd, "resetting the adapter\n");
	if (subdma_eh_run(h, SUBDMA_CMD_ADAPTER_RESET, -1, NULL,
			  &h->stats.host_resets) != SUCCESS)
		return FAILED;
	return subdma_eh_run(h, SUBDMA_CMD_BUS_RESET, -1, NULL,
			     &h->stats.bus_resets);
}

/* Each counter is a read-only file of the SCSI host in sysfs */
struct subdma_stat_attribute {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t subdma_stat_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct subdma_host *h = shost_priv(class_to_shost(dev));
	size_t offset = container_of(attr, struct subdma_stat_attribute,
				     attr)->offset;
	unsigned long flags;
	u64 val;

	/* under the lock that counts, so that no 32-bit machine tears it */
	spin_lock_irqsave(&h->lock, flags);
	val = *(u64 *)((char *)&h->stats + offset);
	spin_unlock_irqrestore(&h->lock, flags);
	return sysfs_emit(buf, "%llu\n", val);
}

#define SUBDMA_STAT_ATTR(field)						\
static struct subdma_stat_attribute subdma_stat_##field = {		\
	.attr = {							\
		.attr = { .name = #field, .mode = 0444 },		\
		.show = subdma_stat_show,				\
	},								\
	.offset = offsetof(struct subdma_stats, field),			\
}

SUBDMA_STAT_ATTR(commands);
SUBDMA_STAT_ATTR(windows);
SUBDMA_STAT_ATTR(mapreg_bytes);
SUBDMA_STAT_ATTR(direct_bytes);
SUBDMA_STAT_ATTR(odd_bytes);
SUBDMA_STAT_ATTR(residual_bytes);
SUBDMA_STAT_ATTR(aborts);
SUBDMA_STAT_ATTR(device_resets);
SUBDMA_STAT_ATTR(bus_resets);
SUBDMA_STAT_ATTR(host_resets);
SUBDMA_STAT_ATTR(faults);
SUBDMA_STAT_ATTR(spurious_irqs);

static struct attribute *subdma_host_attrs[] = {
	&subdma_stat_commands.attr.attr,
	&subdma_stat_windows.attr.attr,
	&subdma_stat_mapreg_bytes.attr.attr,
	&subdma_stat_direct_bytes.attr.attr,
	&subdma_stat_odd_bytes.attr.attr,
	&subdma_stat_residual_bytes.attr.attr,
	&subdma_stat_aborts.attr.attr,
	&subdma_stat_device_resets.attr.attr,
	&subdma_stat_bus_resets.attr.attr,
	&subdma_stat_host_resets.attr.attr,
	&subdma_stat_faults.attr.attr,
	&subdma_stat_spurious_irqs.attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(subdma_host);

static struct scsi_host_template subdma_template = {
	.module			= THIS_MODULE,
	.name			= "subdma",
	.proc_name		= "subdma",
	.queuecommand		= subdma_queuecommand,
	.eh_timed_out		= subdma_eh_timed_out,
	.eh_abort_handler	= subdma_eh_abort,
	.eh_device_reset_handler = subdma_eh_device_reset,
	.eh_bus_reset_handler	= subdma_eh_bus_reset,
	.eh_host_reset_handler	= subdma_eh_host_reset,
	.can_queue		= 1,
	.cmd_per_lun		= 1,
	.this_id		= 7,
	.sg_tablesize		= SG_ALL,
	.max_sectors		= 2048,
	.shost_groups		= subdma_host_groups,
};

/**
 * subdma_host_alloc() - allocate the SCSI host of an adapter
 * @dev: the adapter's device
 * @adapter: its registers
 *
 * Return: the host, or NULL when out of memory.
 */
VISIBLE_IF_KUNIT struct subdma_host *
subdma_host_alloc(struct device *dev, const struct subdma_adapter *adapter)
{
	struct Scsi_Host *shost;
	struct subdma_host *h;

	shost = scsi_host_alloc(&subdma_template, sizeof(*h));
	if (!shost)
		return NULL;
	h = shost_priv(shost);
	h->dev = dev;
	h->shost = shost;
	h->adapter = *adapter;
	spin_lock_init(&h->lock);
	mutex_init(&h->eh_mutex);
	mutex_init(&h->copy_mutex);
	init_waitqueue_head(&h->handed_back);
	init_completion(&h->reset_done);
	return h;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_host_alloc);

/**
 * subdma_host_put() - drop the host allocated by subdma_host_alloc()
 * @h: the host
 */
VISIBLE_IF_KUNIT void subdma_host_put(struct subdma_host *h)
{
	scsi_host_put(h->shost);
}
EXPORT_SYMBOL_IF_KUNIT(subdma_host_put);

/* Reset the adapter before its IRQ is wired: no interrupt, so poll */
static int subdma_reset_adapter(struct subdma_host *h)
{
	u8 isr;
	int i;

	subdma_adapter_irq_enable(&h->adapter, false);
	subdma_adapter_command(&h->adapter, SUBDMA_CMD_ADAPTER_RESET);
	for (i = 0; i < 100; i++) {
		isr = subdma_adapter_pending(&h->adapter);
		subdma_adapter_ack(&h->adapter, isr);
		/* all ones: no adapter answers */
		if (isr != 0xff && (isr & SUBDMA_ISR_RESET))
			return 0;
		usleep_range(1000, 2000);
	}
	return -ETIMEDOUT;
}

/* Tell the midlayer what the adapter is, and scan its bus */
static int subdma_host_add(struct subdma_host *h,
			   const struct subdma_identity *id, unsigned int irq)
{
	struct Scsi_Host *shost = h->shost;
	int ret;

	shost->this_id = id->hostid;
	shost->max_id = SUBDMA_MAX_TARGETS;
	shost->max_lun = SUBDMA_MAX_LUNS;
	shost->max_cmd_len = SUBDMA_MAX_CDB;
	shost->io_port = h->adapter.iobase;
	shost->n_io_port = SUBDMA_IO_EXTENT;
	shost->irq = irq;
	shost->dma_channel = h->dma.chan;
	/* segments the channel can take whole, in place */
	shost->max_segment_size = h->dma.mapregs_size;
	shost->dma_boundary = h->dma.mapregs_size - 1;

	subdma_adapter_irq_enable(&h->adapter, true);
	ret = scsi_add_host(shost, h->dev);
	if (ret) {
		subdma_adapter_irq_enable(&h->adapter, false);
		return ret;
	}
	/*
	 * scsi_add_host() caps a command at what the DMA API can bounce
	 * (swiotlb's 256 KiB where memory reaches above 4 GiB), but the
	 * driver never leaves bouncing to the DMA API: data out of the
	 * channel's reach goes through the map registers, and so does a
	 * mapping that fails.  The devices the scan finds take the host's
	 * own limit.
	 */
	shost->max_sectors = shost->hostt->max_sectors;
	scsi_scan_host(shost);
	return 0;
}

/**
 * subdma_host_register() - bring up the SCSI host of a claimed adapter
 * @dev: the adapter's device, with a 24-bit DMA mask
 * @adapter: its registers, which answered subdma_adapter_identify()
 * @id: what the adapter said of itself
 * @isadma: the system DMA controller
 * @chan: the adapter's DMA channel, already requested with request_dma()
 * @short_windows: the ISA bridge mishandles full-size transfers
 *	(isa_dma_bridge_buggy): windows of half a DMA page at most
 * @irq: the Linux interrupt of its ISA line, not yet requested
 *
 * Allocates the map registers, resets the adapter, wires its interrupt,
 * adds the host and scans its bus.  Everything it set up is undone when
 * it fails; the caller keeps the I/O ports and the DMA channel.
 *
 * Return: the host, or an ERR_PTR() of why it could not be brought up.
 */
struct subdma_host *
subdma_host_register(struct device *dev, const struct subdma_adapter *adapter,
		     const struct subdma_identity *id,
		     const struct subdma_isadma_ops *isadma, unsigned int chan,
		     bool short_windows, unsigned int irq)
{
	struct subdma_host *h;
	int ret;

	h = subdma_host_alloc(dev, adapter);
	if (!h)
		return ERR_PTR(-ENOMEM);
	ret = subdma_dma_init(&h->dma, dev, isadma, chan, short_windows);
	if (ret) {
		dev_err(dev, "no map registers below 16 MiB for DMA channel %u\n",
			chan);
		goto put;
	}
	ret = subdma_reset_adapter(h);
	if (ret) {
		dev_err(dev, "adapter at 0x%lx does not finish its reset\n",
			adapter->iobase);
		goto exit_dma;
	}
	ret = request_threaded_irq(irq, subdma_interrupt,
				   subdma_interrupt_thread, 0, dev_name(dev), h);
	if (ret) {
		dev_err(dev, "IRQ %u is busy (see /proc/interrupts)\n", irq);
		goto exit_dma;
	}
	ret = subdma_host_add(h, id, irq);
	if (ret)
		goto free_irq;
	return h;

free_irq:
	free_irq(irq, h);
exit_dma:
	subdma_dma_exit(&h->dma);
put:
	subdma_host_put(h);
	return ERR_PTR(ret);
}

/**
 * subdma_host_unregister() - take down a host and silence its adapter
 * @h: the host subdma_host_register() brought up
 *
 * Commands still in flight finish first: scsi_remove_host() waits for
 * them.  From then on no error handler touches the adapter.  The caller
 * releases the DMA channel and the I/O ports after.
 */
void subdma_host_unregister(struct subdma_host *h)
{
	unsigned int irq = h->shost->irq;

	scsi_remove_host(h->shost);
	/*
	 * A reset from the SG_SCSI_RESET ioctl may still come through an
	 * open sg node: it must find the adapter let go of.
	 */
	mutex_lock(&h->eh_mutex);
	spin_lock_irq(&h->lock);
	h->removing = true;
	subdma_adapter_irq_enable(&h->adapter, false);
	spin_unlock_irq(&h->lock);
	mutex_unlock(&h->eh_mutex);
	free_irq(irq, h);
	subdma_dma_exit(&h->dma);
	subdma_host_put(h);
}

/**
 * subdma_host_suspend() - quiesce the adapter before the system sleeps
 * @h: the host
 *
 * The midlayer quiesced the host's devices first, so every command has
 * ended: the adapter's interrupt goes off, and the adapter is idle.
 *
 * Return: 0, or -EBUSY (the sleep is refused) when the host still holds
 * a command.
 */
int subdma_host_suspend(struct subdma_host *h)
{
	int ret = 0;

	mutex_lock(&h->eh_mutex);
	spin_lock_irq(&h->lock);
	if (h->cmd)
		ret = -EBUSY;
	else
		subdma_adapter_irq_enable(&h->adapter, false);
	spin_unlock_irq(&h->lock);
	mutex_unlock(&h->eh_mutex);
	if (ret)
		dev_err(h->dev, "a command is in flight: no sleep\n");
	return ret;
}

/**
 * subdma_host_resume() - bring the adapter back after the system slept
 * @h: the host
 *
 * Firmware resets ISA devices on a wake from suspend to RAM, and with
 * them the adapter's interrupt enable; after suspend to idle the adapter
 * kept its state.  Either way it is reset as at probe, its channel
 * masked and its interrupt turned on again.
 *
 * Return: 0, or -ETIMEDOUT when the adapter does not finish its reset.
 */
int subdma_host_resume(struct subdma_host *h)
{
	int ret;

	mutex_lock(&h->eh_mutex);
	/* the handler must not take the RESET the reset is polled for */
	disable_irq(h->shost->irq);
	ret = subdma_reset_adapter(h);
	enable_irq(h->shost->irq);
	if (!ret) {
		spin_lock_irq(&h->lock);
		subdma_dma_mask(&h->dma);
		h->line_masked = false;
		subdma_adapter_irq_enable(&h->adapter, true);
		spin_unlock_irq(&h->lock);
	}
	mutex_unlock(&h->eh_mutex);
	if (ret)
		dev_err(h->dev, "adapter at 0x%lx does not finish its reset after the sleep\n",
			h->adapter.iobase);
	return ret;
}

MODULE_DESCRIPTION("subdma ISA SCSI host adapter (subordinate 8237 DMA)");
MODULE_LICENSE("GPL");
