/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: trace events, one for each step of the DMA discipline.
 *
 * A command is named by its host and its block layer tag.  Its steps
 * come in this order, which a trace alone can check:
 *
 *   subdma_map, then for each window subdma_window and subdma_flush,
 *   then subdma_unmap, then subdma_complete
 *
 * subdma_segment follows subdma_map once for each range of bus addresses
 * the command's windows may use (its mapped entries, or each half of the
 * map registers): every window must lie in one of those ranges, or, in
 * place, in a run of adjacent ones.
 *
 * subdma_eh marks an abort or a reset; the flush and unmap of the
 * command it releases follow it.  A command the host refuses before it
 * maps anything has only its subdma_complete.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM subdma

#if !defined(_SUBDMA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SUBDMA_TRACE_H

#include <linux/blk-mq.h>
#include <linux/tracepoint.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

#include "subdma.h"

TRACE_EVENT(subdma_map,
	    TP_PROTO(const struct subdma_host *h, struct scsi_cmnd *cmd),
	    TP_ARGS(h, cmd),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(int, tag)
			     __field(u8, opcode)
			     __field(u32, len)
			     __field(unsigned int, nents)
			     __field(int, mapped)
			     __field(bool, bounce)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->tag = scsi_cmd_to_rq(cmd)->tag;
			   __entry->opcode = cmd->cmnd[0];
			   __entry->len = h->xfer.len;
			   __entry->nents = h->xfer.nents;
			   __entry->mapped = h->xfer.mapped;
			   __entry->bounce = h->xfer.bounce;),
	    TP_printk("host=%u tag=%d op=0x%02x len=%u entries=%u mapped=%d via=%s",
		      __entry->host, __entry->tag, __entry->opcode, __entry->len,
		      __entry->nents, __entry->mapped,
		      __entry->bounce ? "mapregs" : "in-place")
);

TRACE_EVENT(subdma_segment,
	    TP_PROTO(const struct subdma_host *h, dma_addr_t addr, u32 len),
	    TP_ARGS(h, addr, len),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(int, tag)
			     __field(u32, addr)
			     __field(u32, len)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->tag = scsi_cmd_to_rq(h->cmd)->tag;
			   __entry->addr = lower_32_bits(addr);
			   __entry->len = len;),
	    TP_printk("host=%u tag=%d addr=0x%06x len=%u",
		      __entry->host, __entry->tag, __entry->addr, __entry->len)
);

TRACE_EVENT(subdma_window,
	    TP_PROTO(const struct subdma_host *h),
	    TP_ARGS(h),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(int, tag)
			     __field(unsigned int, chan)
			     __field(u32, addr)
			     __field(u32, len)
			     __field(bool, to_device)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->tag = scsi_cmd_to_rq(h->cmd)->tag;
			   __entry->chan = h->dma.chan;
			   __entry->addr = lower_32_bits(h->xfer.win_addr);
			   __entry->len = h->xfer.win_len;
			   __entry->to_device = h->xfer.dir == DMA_TO_DEVICE;),
	    TP_printk("host=%u tag=%d chan=%u addr=0x%06x len=%u dir=%s",
		      __entry->host, __entry->tag, __entry->chan, __entry->addr,
		      __entry->len, __entry->to_device ? "out" : "in")
);

TRACE_EVENT(subdma_flush,
	    TP_PROTO(const struct subdma_host *h, u32 win_len, u32 by_adapter,
		     u32 by_channel),
	    TP_ARGS(h, win_len, by_adapter, by_channel),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(int, tag)
			     __field(u32, win_len)
			     __field(u32, by_adapter)
			     __field(u32, by_channel)
			     __field(u32, done)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->tag = scsi_cmd_to_rq(h->cmd)->tag;
			   __entry->win_len = win_len;
			   __entry->by_adapter = by_adapter;
			   __entry->by_channel = by_channel;
			   __entry->done = h->xfer.done;),
	    TP_printk("host=%u tag=%d len=%u adapter=%u channel=%u residue=%u done=%u",
		      __entry->host, __entry->tag, __entry->win_len,
		      __entry->by_adapter, __entry->by_channel,
		      __entry->win_len - __entry->by_channel, __entry->done)
);

TRACE_EVENT(subdma_unmap,
	    TP_PROTO(const struct subdma_host *h),
	    TP_ARGS(h),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(int, tag)
			     __field(u32, len)
			     __field(u32, done)
			     __field(bool, bounce)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->tag = scsi_cmd_to_rq(h->cmd)->tag;
			   __entry->len = h->xfer.len;
			   __entry->done = h->xfer.done;
			   __entry->bounce = h->xfer.bounce;),
	    TP_printk("host=%u tag=%d len=%u done=%u via=%s",
		      __entry->host, __entry->tag, __entry->len, __entry->done,
		      __entry->bounce ? "mapregs" : "in-place")
);

TRACE_EVENT(subdma_complete,
	    TP_PROTO(const struct subdma_host *h, struct scsi_cmnd *cmd,
		     bool released),
	    TP_ARGS(h, cmd, released),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(int, tag)
			     __field(u8, opcode)
			     __field(int, result)
			     __field(unsigned int, resid)
			     __field(bool, released)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->tag = scsi_cmd_to_rq(cmd)->tag;
			   __entry->opcode = cmd->cmnd[0];
			   __entry->result = cmd->result;
			   __entry->resid = scsi_get_resid(cmd);
			   __entry->released = released;),
	    TP_printk("host=%u tag=%d op=0x%02x result=0x%x resid=%u from=%s",
		      __entry->host, __entry->tag, __entry->opcode,
		      __entry->result, __entry->resid,
		      __entry->released ? "release" : "refusal")
);

TRACE_EVENT(subdma_eh,
	    TP_PROTO(const struct subdma_host *h, u8 op, int target),
	    TP_ARGS(h, op, target),
	    TP_STRUCT__entry(__field(unsigned int, host)
			     __field(u8, op)
			     __field(int, target)
			     __field(int, held)
			     __field(bool, window)),
	    TP_fast_assign(__entry->host = h->shost->host_no;
			   __entry->op = op;
			   __entry->target = target;
			   __entry->held = h->cmd ? scsi_cmd_to_rq(h->cmd)->tag : -1;
			   __entry->window = h->xfer.win_programmed;),
	    TP_printk("host=%u op=%s target=%d held=%d window=%s",
		      __entry->host,
		      __print_symbolic(__entry->op,
				       { SUBDMA_CMD_ABORT, "abort" },
				       { SUBDMA_CMD_DEVICE_RESET, "device-reset" },
				       { SUBDMA_CMD_BUS_RESET, "bus-reset" },
				       { SUBDMA_CMD_ADAPTER_RESET, "adapter-reset" }),
		      __entry->target, __entry->held,
		      __entry->window ? "programmed" : "none")
);

#endif /* _SUBDMA_TRACE_H */

/* out of the kernel tree, the header is found beside the driver */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE subdma_trace
#include <trace/define_trace.h>
