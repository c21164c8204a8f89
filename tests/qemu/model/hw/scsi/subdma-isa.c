/*
 * subdma: an ISA SCSI host adapter that moves all of its data through the
 * PC's system DMA controller (the 8237) in subordinate mode.
 *
 * The host arms the adapter for one window at a time, a window it has
 * programmed into the 8237; the adapter moves data only through its DMA
 * channel, and stops and interrupts at the end of each window or at the
 * end of the data phase.  The programming interface is described in the
 * subdma project's Documentation/scsi/subdma.rst; the register constants
 * come from subdma_regs.h, shared unchanged with the Linux driver.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/isa/isa.h"
#include "hw/irq.h"
#include "hw/hotplug.h"
#include "hw/qdev-properties.h"
#include "hw/scsi/scsi.h"
#include "hw/acpi/acpi_aml_interface.h"
#include "hw/acpi/aml-build.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "scsi/constants.h"
#include "trace.h"
#include "hw/scsi/subdma_regs.h"

#define TYPE_SUBDMA_ISA "subdma-isa"
OBJECT_DECLARE_SIMPLE_TYPE(SubdmaState, SUBDMA_ISA)

enum {
    STAT_COMMANDS,
    STAT_WINDOWS,
    STAT_BYTES,
    STAT_WRAPPED,
    STAT_UNARMED_DREQ,
    STAT_PROTOCOL,
    STAT_FAULTS,
    STAT_IRQS,
    STAT_OUTSIDE,
    STAT_COUNT
};

/* the counters before STAT_OUTSIDE migrate in the main section */
#define STAT_COUNT_V1   STAT_OUTSIDE

static const char *const stat_names[STAT_COUNT] = {
    [STAT_COMMANDS] = "stat-commands",
    [STAT_WINDOWS] = "stat-windows",
    [STAT_BYTES] = "stat-bytes",
    [STAT_WRAPPED] = "stat-wrapped-windows",
    [STAT_UNARMED_DREQ] = "stat-unarmed-dreq",
    [STAT_PROTOCOL] = "stat-protocol-errors",
    [STAT_FAULTS] = "stat-faults",
    [STAT_IRQS] = "stat-irqs",
    [STAT_OUTSIDE] = "stat-windows-outside",
};

typedef enum SubdmaPhase {
    PHASE_IDLE,     /* no command */
    PHASE_DATA,     /* command at the target; data may move */
    PHASE_ODD,      /* the odd trailing byte waits for the host */
    PHASE_HUNG,     /* a STALL fault holds the status phase forever */
} SubdmaPhase;

struct SubdmaState {
    ISADevice parent_obj;

    /* properties */
    uint32_t iobase;
    uint32_t irq;
    uint32_t dma;
    uint8_t scsi_id;
    uint32_t isa_rate;          /* bytes/s the channel moves; 0: no limit */
    uint32_t prop_lie_seed;     /* lie-seed: the lies at reset; 0: none */
    uint32_t prop_lie_kinds;    /* lie-kinds: SUBDMA_LIE_* */

    MemoryRegion io;
    qemu_irq irq_line;
    IsaDma *isa_dma;
    SCSIBus bus;
    bool wide;
    /*
     * A bus reset drains the targets' block backends, which must not
     * happen inside the 8237's transfer handler or a target's callback:
     * there it runs later, from this bottom half or at the next SUBMIT.
     */
    QEMUBH *bus_reset_bh;
    bool bus_reset_pending;

    /* registers */
    uint8_t isr;
    uint8_t isr_silent;         /* causes a LOST_IRQ fault keeps quiet */
    uint8_t ctrl;
    uint8_t target;
    uint8_t scsi_status;
    uint8_t error;
    uint8_t odd_byte;
    uint32_t xfer;
    uint32_t win_len;
    uint32_t win_moved;
    uint32_t total;
    uint8_t cdb[SUBDMA_MAX_CDB];
    uint8_t cdb_len;
    uint8_t sense[SUBDMA_MAX_SENSE];
    uint8_t sense_len;
    uint8_t sense_pos;
    bool line;

    /* the command */
    uint32_t phase;             /* a SubdmaPhase */
    SCSIRequest *req;
    uint32_t tag;
    uint8_t cmd_target;
    bool data_in;
    uint32_t cmd_xfer;          /* XFER latched at SUBMIT */
    uint32_t out_len;           /* bytes a data-out phase takes */
    uint32_t offered;           /* data-in bytes the target offered */
    uint8_t *chunk;             /* target's buffer for the current chunk */
    bool chunk_valid;           /* migration: chunk is to be found again */
    uint32_t chunk_len;
    uint32_t chunk_pos;
    bool carry_valid;           /* 16-bit channel: byte between chunks */
    uint8_t carry;
    bool armed;
    uint32_t win_size;          /* WIN_LEN latched at ARM */
    bool win_checked;           /* page crossing checked */
    bool dreq;
    bool unarmed_seen;
    /*
     * isa-rate: DREQ is withheld while the channel is ahead of the rate,
     * counted from the moment DREQ last rose; not migrated (the count
     * starts again on the destination)
     */
    QEMUTimer *pace_timer;
    bool paced;
    int64_t pace_start;
    uint64_t pace_bytes;
    uint32_t window_index;
    bool win_is_last;           /* the window covers the rest of XFER */
    uint32_t win_fault_at;      /* window bytes at which a fault acts */
    bool win_held;              /* CTRL.HOLD_LAST: WINDOW waits for the end */
    bool win_held_silent;       /* ... and a LOST_IRQ fault keeps it quiet */

    /* fault injection */
    uint32_t fault_kind;
    uint32_t fault_where;
    uint32_t fault_arg;
    uint32_t fault_count;
    uint32_t strike;            /* fault striking this command */
    uint32_t strike_where;

    /* factory test interface */
    uint8_t test_sel;
    uint8_t test_byte;
    uint64_t stats[STAT_COUNT];

    /*
     * Lies: what the host reads and sees (registers, the interrupt line,
     * DREQ) departs from the state above, which stays true, so that the
     * adapter is honest again the moment the lies stop
     */
    uint32_t lie_seed;          /* 0: no lies */
    uint32_t lie_kinds;
    uint64_t lie_rng;           /* xorshift64*, from lie_seed */
    uint8_t lie_isr;            /* causes only the lies set */
    uint8_t lie_silent;         /* causes the lies keep off the line */
    bool lie_dreq;              /* DREQ only the lies hold */
    bool lie_told;              /* since the last honest SUBMIT */
    uint32_t lie_short;         /* TOTAL reads this much less */
    uint32_t lie_latch;         /* a 32-bit count being read, as lied */
    uint64_t lies[SUBDMA_LIE_KINDS];

    /* the oracle: the bus addresses of the last window armed */
    hwaddr win_lo;
    hwaddr win_hi;
    bool win_known;
};

/* isa-rate: the bytes the channel moves between two pauses at most */
#define SUBDMA_PACE_BURST 512

/* win_fault_at: no fault on this window, or DREQ withheld for good */
#define WIN_NO_FAULT    0
#define WIN_STALLED     UINT32_MAX

/* Lies */

static bool subdma_lying(SubdmaState *s)
{
    return s->lie_seed && (s->lie_kinds & SUBDMA_LIE_ALL);
}

static void subdma_lie_seed(SubdmaState *s)
{
    /* any seed but 0 gives a state xorshift can leave */
    s->lie_rng = s->lie_seed ^ 0x9e3779b97f4a7c15ULL;
}

static uint32_t subdma_lie_rand(SubdmaState *s)
{
    uint64_t x = s->lie_rng;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->lie_rng = x;
    return (x * 0x2545f4914f6cdd1dULL) >> 32;
}

/* Does the adapter tell a lie of @kind now?  One chance in four. */
static bool subdma_lie(SubdmaState *s, uint32_t kind)
{
    if (!s->lie_seed || !(s->lie_kinds & kind) || subdma_lie_rand(s) % 4) {
        return false;
    }
    s->lies[ctz32(kind)]++;
    s->lie_told = true;
    return true;
}

static void subdma_protocol_error(SubdmaState *s, const char *what)
{
    s->stats[STAT_PROTOCOL]++;
    /* a host that believed a lie is not in error */
    if (!subdma_lying(s) && !s->lie_told) {
        qemu_log_mask(LOG_GUEST_ERROR, "subdma@0x%x: %s\n", s->iobase, what);
    }
}

static void subdma_update_irq(SubdmaState *s)
{
    bool level = (s->ctrl & SUBDMA_CTRL_IRQ_ENABLE) &&
                 ((s->isr | s->lie_isr) & ~s->isr_silent & ~s->lie_silent);

    if (level && !s->line) {
        s->stats[STAT_IRQS]++;
    }
    s->line = level;
    qemu_set_irq(s->irq_line, level);
}

static void subdma_raise(SubdmaState *s, uint8_t cause, bool silent)
{
    trace_subdma_raise(s->iobase, cause, silent);
    s->isr |= cause;
    if (silent) {
        s->isr_silent |= cause;
    } else {
        s->isr_silent &= ~cause;
        if (subdma_lie(s, SUBDMA_LIE_SWALLOW_IRQ)) {
            s->lie_silent |= cause;
        } else {
            s->lie_silent &= ~cause;
        }
    }
    subdma_update_irq(s);
}

/* A lie: the line pulsed with no cause */
static void subdma_lie_spurious(SubdmaState *s)
{
    if (!s->line && (s->ctrl & SUBDMA_CTRL_IRQ_ENABLE) &&
        subdma_lie(s, SUBDMA_LIE_SPURIOUS_IRQ)) {
        s->stats[STAT_IRQS]++;
        qemu_irq_pulse(s->irq_line);
    }
}

static void subdma_spurious_irq(SubdmaState *s)
{
    if (!s->line && (s->ctrl & SUBDMA_CTRL_IRQ_ENABLE)) {
        s->stats[STAT_IRQS]++;
        qemu_irq_pulse(s->irq_line);
    }
}

static void subdma_fault_fire(SubdmaState *s)
{
    trace_subdma_fault(s->iobase, s->strike, s->strike_where);
    s->strike = SUBDMA_FAULT_NONE;
    s->stats[STAT_FAULTS]++;
}

/* Does the fault striking this command act at @where now?  Once only. */
static bool subdma_fault_fires(SubdmaState *s, uint32_t kind, uint32_t where)
{
    if (s->strike != kind || s->strike_where != where) {
        return false;
    }
    subdma_fault_fire(s);
    return true;
}

/* Is the current window the one a fault of @kind strikes? */
static bool subdma_window_struck(SubdmaState *s, uint32_t kind)
{
    if (s->strike != kind) {
        return false;
    }
    switch (s->strike_where) {
    case SUBDMA_AT_SUBMIT:
    case SUBDMA_AT_FIRST_WINDOW:
        return s->window_index == 0;
    case SUBDMA_AT_LAST_WINDOW:
        return s->win_is_last;
    }
    return false;
}

/* The DREQ line: the adapter's request, unless isa-rate holds it back */
static void subdma_drive_dreq(SubdmaState *s)
{
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);

    if ((s->dreq && !s->paced) || s->lie_dreq) {
        k->hold_DREQ(s->isa_dma, s->dma);
    } else {
        k->release_DREQ(s->isa_dma, s->dma);
    }
}

static void subdma_set_dreq(SubdmaState *s, bool on)
{
    if (on == s->dreq) {
        return;
    }
    s->dreq = on;
    if (on && s->isa_rate) {
        /* the bus moves at the rate from now on */
        timer_del(s->pace_timer);
        s->paced = false;
        s->pace_start = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        s->pace_bytes = 0;
    }
    subdma_drive_dreq(s);
}

/* isa-rate: how many bytes the channel may move now */
static uint32_t subdma_pace_budget(SubdmaState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t may = muldiv64(MAX(now - s->pace_start, 0), s->isa_rate,
                            NANOSECONDS_PER_SECOND);

    return may > s->pace_bytes ? MIN(may - s->pace_bytes, UINT32_MAX) : 0;
}

/* isa-rate: withhold DREQ until the channel may move another burst */
static void subdma_pace_wait(SubdmaState *s)
{
    uint64_t due = s->pace_bytes + SUBDMA_PACE_BURST;

    s->paced = true;
    subdma_drive_dreq(s);
    timer_mod(s->pace_timer, s->pace_start +
              muldiv64(due, NANOSECONDS_PER_SECOND, s->isa_rate));
}

/* A lie: DREQ with no window armed (see subdma_dma_transfer()) */
static void subdma_lie_dreq(SubdmaState *s)
{
    if (!s->armed && !s->lie_dreq && subdma_lie(s, SUBDMA_LIE_DREQ)) {
        s->lie_dreq = true;
        subdma_drive_dreq(s);
    }
}

static void subdma_pace_timer(void *opaque)
{
    SubdmaState *s = opaque;

    s->paced = false;
    subdma_drive_dreq(s);
}

static uint32_t subdma_unit(SubdmaState *s)
{
    return s->wide ? 2 : 1;
}

/*
 * @quiet: the window ends with the command, whose ending a fault loses.
 * @hold: its WINDOW waits for the command's end (CTRL.HOLD_LAST).
 */
static void subdma_end_window_as(SubdmaState *s, bool quiet, bool hold)
{
    bool silent;

    if (!s->armed) {
        return;
    }
    trace_subdma_window_end(s->iobase, s->window_index, s->win_moved);
    silent = subdma_window_struck(s, SUBDMA_FAULT_LOST_IRQ);
    if (silent) {
        subdma_fault_fire(s);
    }
    /* a quiet end leaves the fault to the status that follows */
    silent |= quiet;
    s->armed = false;
    s->win_fault_at = WIN_NO_FAULT;
    s->window_index++;
    s->stats[STAT_WINDOWS]++;
    subdma_set_dreq(s, false);
    subdma_lie_dreq(s);
    if (hold) {
        s->win_held = true;
        s->win_held_silent = silent;
        return;
    }
    subdma_lie_spurious(s);
    subdma_raise(s, SUBDMA_ISR_WINDOW, silent);
}

static void subdma_end_window(SubdmaState *s)
{
    subdma_end_window_as(s, false, false);
}

/* The command ends: a WINDOW held for its end comes now, @quiet or not */
static void subdma_release_window(SubdmaState *s, bool quiet)
{
    if (s->win_held) {
        s->win_held = false;
        subdma_raise(s, SUBDMA_ISR_WINDOW, s->win_held_silent || quiet);
    }
}

/*
 * CTRL.HOLD_LAST: a data-out window that has moved all the target wants
 * is the command's last; its WINDOW comes with the command's end
 */
static bool subdma_hold_window(SubdmaState *s)
{
    return (s->ctrl & SUBDMA_CTRL_HOLD_LAST) && !s->data_in &&
           s->phase == PHASE_DATA && s->total == s->out_len;
}

/* Forget the command; the target's request is cancelled if still open */
static void subdma_drop_command(SubdmaState *s)
{
    SCSIRequest *req = s->req;

    subdma_end_window(s);
    subdma_release_window(s, false);
    s->req = NULL;
    s->chunk = NULL;
    s->carry_valid = false;
    s->phase = PHASE_IDLE;
    s->strike = SUBDMA_FAULT_NONE;
    if (req) {
        scsi_req_cancel(req);
        scsi_req_unref(req);
    }
}

static void subdma_fail(SubdmaState *s, uint8_t code)
{
    trace_subdma_error(s->iobase, code);
    subdma_drop_command(s);
    s->error = code;
    subdma_raise(s, SUBDMA_ISR_ERROR, false);
}

static void subdma_illegal(SubdmaState *s, uint8_t code, const char *what)
{
    subdma_protocol_error(s, what);
    s->error = code;
    subdma_raise(s, SUBDMA_ISR_ILLEGAL, false);
}

static void subdma_bus_reset(SubdmaState *s)
{
    subdma_drop_command(s);
    s->bus_reset_pending = false;
    bus_cold_reset(BUS(&s->bus));
}

static void subdma_bus_reset_pending(SubdmaState *s)
{
    if (s->bus_reset_pending) {
        s->bus_reset_pending = false;
        bus_cold_reset(BUS(&s->bus));
    }
}

static void subdma_bus_reset_bh(void *opaque)
{
    subdma_bus_reset_pending(opaque);
}

/* A bus reset that ends the command now and resets the targets later */
static void subdma_fail_bus_reset(SubdmaState *s)
{
    subdma_fail(s, SUBDMA_ERR_BUS_RESET);
    s->bus_reset_pending = true;
    qemu_bh_schedule(s->bus_reset_bh);
}

static void subdma_check_sense(SubdmaState *s, uint32_t arg)
{
    memset(s->sense, 0, sizeof(s->sense));
    s->sense[0] = 0x70;
    s->sense[2] = (arg >> SUBDMA_FAULT_ARG_KEY_SHIFT) & 0x0f;
    s->sense[7] = 10;
    s->sense[12] = (arg >> SUBDMA_FAULT_ARG_ASC_SHIFT) & 0xff;
    s->sense[13] = arg & 0xff;
    s->sense_len = 18;
    s->scsi_status = CHECK_CONDITION;
}

/* The status phase: post DONE (or what a fault makes of it) */
static void subdma_finish(SubdmaState *s)
{
    bool silent;

    if (subdma_fault_fires(s, SUBDMA_FAULT_STALL, SUBDMA_AT_STATUS)) {
        s->phase = PHASE_HUNG;
        return;
    }
    if (subdma_fault_fires(s, SUBDMA_FAULT_BUS_RESET, SUBDMA_AT_STATUS)) {
        subdma_fail_bus_reset(s);
        return;
    }
    if (subdma_fault_fires(s, SUBDMA_FAULT_CHECK, SUBDMA_AT_STATUS)) {
        subdma_check_sense(s, s->fault_arg);
    }
    if (subdma_fault_fires(s, SUBDMA_FAULT_SPURIOUS_IRQ, SUBDMA_AT_STATUS)) {
        subdma_spurious_irq(s);
    }
    silent = subdma_fault_fires(s, SUBDMA_FAULT_LOST_IRQ, SUBDMA_AT_STATUS);
    trace_subdma_done(s->iobase, s->scsi_status, s->total);
    s->phase = PHASE_IDLE;
    s->strike = SUBDMA_FAULT_NONE;
    s->sense_pos = 0;
    subdma_release_window(s, silent);
    if (subdma_lie(s, SUBDMA_LIE_XFER)) {
        if (s->total && subdma_lie_rand(s) % 2) {
            /* the target took less: TOTAL says so */
            s->lie_short = 1 + subdma_lie_rand(s) % s->total;
        } else {
            /* the target wanted more: the command ends in an overrun */
            s->error = SUBDMA_ERR_OVERRUN;
            subdma_raise(s, SUBDMA_ISR_ERROR, silent);
            return;
        }
    }
    subdma_lie_spurious(s);
    subdma_raise(s, SUBDMA_ISR_DONE, silent);
}

/* 16-bit channel, data out: only the odd last byte is left for the host */
static bool subdma_out_needs_odd(SubdmaState *s)
{
    return s->wide && !s->data_in && s->chunk &&
           s->chunk_pos < s->chunk_len && s->out_len - s->total == 1;
}

static void subdma_enter_odd(SubdmaState *s)
{
    s->phase = PHASE_ODD;
    subdma_end_window(s);
    subdma_raise(s, SUBDMA_ISR_ODD, false);
}

static bool subdma_data_ready(SubdmaState *s)
{
    uint32_t left;

    if (s->phase != PHASE_DATA || !s->chunk) {
        return false;
    }
    left = s->chunk_len - s->chunk_pos;
    if (s->data_in) {
        return left + s->carry_valid >= subdma_unit(s);
    }
    return left && (!s->wide || s->out_len - s->total >= 2);
}

static void subdma_update_dreq(SubdmaState *s)
{
    subdma_set_dreq(s, s->armed && s->win_fault_at != WIN_STALLED &&
                       subdma_data_ready(s));
}

/* After data moved: window end, fault point, next chunk, odd byte */
static void subdma_advance(SubdmaState *s)
{
    if (s->armed && s->win_fault_at != WIN_NO_FAULT &&
        s->win_fault_at != WIN_STALLED && s->win_moved >= s->win_fault_at) {
        uint32_t kind = s->strike;

        s->win_fault_at = WIN_NO_FAULT;
        subdma_fault_fire(s);
        if (kind == SUBDMA_FAULT_STALL) {
            s->win_fault_at = WIN_STALLED;
        } else if (kind == SUBDMA_FAULT_BUS_RESET) {
            subdma_fail_bus_reset(s);
            return;
        } else if (kind == SUBDMA_FAULT_SPURIOUS_IRQ) {
            subdma_spurious_irq(s);
        } else if (kind == SUBDMA_FAULT_SHORT) {
            subdma_end_window(s);
        }
    }
    /* 16-bit data in: a lone last byte waits for the next chunk's first */
    if (s->wide && s->data_in && s->chunk && !s->carry_valid &&
        s->chunk_len - s->chunk_pos == 1) {
        s->carry = s->chunk[s->chunk_pos++];
        s->carry_valid = true;
    }
    if (subdma_out_needs_odd(s)) {
        subdma_enter_odd(s);
        return;
    }
    if (s->chunk && s->chunk_pos == s->chunk_len) {
        /* the target may end its data phase now, and the window with it */
        s->chunk = NULL;
        subdma_set_dreq(s, false);
        scsi_req_continue(s->req);
    }
    if (s->armed && s->win_moved == s->win_size) {
        subdma_end_window_as(s, false, subdma_hold_window(s));
    }
    subdma_update_dreq(s);
}

static uint32_t subdma_move_in(SubdmaState *s, int nchan, int dma_pos,
                               uint32_t room)
{
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);
    uint32_t left = s->chunk_len - s->chunk_pos;
    uint32_t n = MIN(room, left + s->carry_valid);
    uint32_t moved = 0;

    if (s->wide) {
        n &= ~1;
    }
    if (n && s->carry_valid) {
        uint8_t word[2] = { s->carry, s->chunk[s->chunk_pos++] };

        k->write_memory(s->isa_dma, nchan, word, dma_pos, 2);
        s->carry_valid = false;
        moved = 2;
    }
    if (n > moved) {
        k->write_memory(s->isa_dma, nchan, s->chunk + s->chunk_pos,
                        dma_pos + moved, n - moved);
        s->chunk_pos += n - moved;
    }
    return n;
}

static uint32_t subdma_move_out(SubdmaState *s, int nchan, int dma_pos,
                                uint32_t room)
{
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);
    uint32_t left = s->chunk_len - s->chunk_pos;
    uint32_t n = MIN(room, left);
    bool carry = false;

    if (s->wide && (n & 1)) {
        /* The word straddles two chunks, or its second byte is the odd one */
        if (s->out_len - s->total > n) {
            carry = true;
        } else {
            n--;
        }
    }
    if (n) {
        k->read_memory(s->isa_dma, nchan, s->chunk + s->chunk_pos, dma_pos, n);
        s->chunk_pos += n;
    }
    if (carry) {
        k->read_memory(s->isa_dma, nchan, &s->carry, dma_pos + n, 1);
        s->carry_valid = true;
        n++;
    }
    return n;
}

static void subdma_check_wrap(SubdmaState *s, int nchan, int dma_pos)
{
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);
    uint32_t page = s->wide ? SUBDMA_WINDOW_MAX_16BIT : SUBDMA_WINDOW_MAX_8BIT;
    hwaddr start = k->transfer_address(s->isa_dma, nchan, dma_pos);

    s->win_checked = true;
    if ((start & (page - 1)) + s->win_size > page) {
        s->stats[STAT_WRAPPED]++;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "subdma@0x%x: window 0x%" HWADDR_PRIx " + %u crosses "
                      "a %u KiB DMA page and wraps\n",
                      s->iobase, start, s->win_size, page >> 10);
    }
}

/* The oracle: the bus addresses of the @len-byte window the host arms */
static void subdma_latch_window(SubdmaState *s, uint32_t len)
{
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);
    hwaddr first, last;

    if (!k->transfer_address) {
        s->win_known = false;
        return;
    }
    first = k->transfer_address(s->isa_dma, s->dma, 0);
    last = k->transfer_address(s->isa_dma, s->dma, len - 1);
    s->win_lo = MIN(first, last);
    s->win_hi = MAX(first, last);
    s->win_known = true;
}

/* The oracle: did @n bytes from @dma_pos land inside the armed window? */
static void subdma_check_landing(SubdmaState *s, int nchan, int dma_pos,
                                 uint32_t n)
{
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);
    hwaddr first, last;

    if (!s->win_known) {
        return;
    }
    first = k->transfer_address(s->isa_dma, nchan, dma_pos);
    last = k->transfer_address(s->isa_dma, nchan, dma_pos + n - 1);
    if (first < s->win_lo || first > s->win_hi ||
        last < s->win_lo || last > s->win_hi) {
        s->stats[STAT_OUTSIDE]++;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "subdma@0x%x: %u bytes land at 0x%" HWADDR_PRIx
                      "..0x%" HWADDR_PRIx ", outside the window armed at "
                      "0x%" HWADDR_PRIx "..0x%" HWADDR_PRIx "\n",
                      s->iobase, n, MIN(first, last), MAX(first, last),
                      s->win_lo, s->win_hi);
    }
}

/* The 8237 grants DMA cycles: move what the window and the data allow */
static int subdma_dma_transfer(void *opaque, int nchan, int dma_pos,
                               int dma_len)
{
    SubdmaState *s = opaque;
    uint32_t stop, room, n;
    bool cut = false;

    if (!s->armed && s->lie_dreq) {
        /*
         * The channel serves the DREQ a lie raised: the adapter drives
         * no data and drops the request; nothing moves
         */
        s->lie_dreq = false;
        subdma_drive_dreq(s);
        return dma_pos;
    }
    if (!s->armed) {
        if (!s->unarmed_seen) {
            s->unarmed_seen = true;
            s->stats[STAT_UNARMED_DREQ]++;
            subdma_protocol_error(s, "DMA cycle with no window armed");
        }
        return dma_pos;
    }
    if (!subdma_data_ready(s) || s->win_fault_at == WIN_STALLED) {
        return dma_pos;
    }
    if (!s->win_checked) {
        subdma_check_wrap(s, nchan, dma_pos);
    }
    stop = s->win_fault_at ? MIN(s->win_size, s->win_fault_at) : s->win_size;
    room = MIN((uint32_t)(dma_len - dma_pos), stop - s->win_moved);
    if (s->isa_rate) {
        uint32_t budget = subdma_pace_budget(s);

        if (budget < subdma_unit(s)) {
            subdma_pace_wait(s);
            return dma_pos;
        }
        cut = budget < room;
        room = MIN(room, budget);
    }
    if (s->wide) {
        room &= ~1;
    }
    n = s->data_in ? subdma_move_in(s, nchan, dma_pos, room)
                   : subdma_move_out(s, nchan, dma_pos, room);
    if (n) {
        subdma_check_landing(s, nchan, dma_pos, n);
    }
    s->win_moved += n;
    s->total += n;
    s->pace_bytes += n;
    s->stats[STAT_BYTES] += n;
    subdma_advance(s);
    /*
     * The 8237 would come back for the rest only when the main loop
     * idles, up to 10 ms later: DREQ waits for the next burst instead.
     */
    if (cut && s->dreq && !s->paced) {
        subdma_pace_wait(s);
    }
    return dma_pos + n;
}

/* SCSI bus callbacks */

static void subdma_transfer_data(SCSIRequest *req, uint32_t len)
{
    SubdmaState *s = req->hba_private;

    if (req != s->req) {
        return;
    }
    if (s->data_in) {
        s->offered += len;
        if (s->offered > s->cmd_xfer) {
            subdma_fail(s, SUBDMA_ERR_OVERRUN);
            return;
        }
    }
    s->chunk = scsi_req_get_buf(req);
    s->chunk_len = len;
    s->chunk_pos = 0;
    if (!s->data_in && s->carry_valid) {
        s->chunk[s->chunk_pos++] = s->carry;
        s->carry_valid = false;
    }
    subdma_advance(s);
}

static void subdma_command_complete(SCSIRequest *req, size_t resid)
{
    SubdmaState *s = req->hba_private;

    if (req != s->req) {
        return;
    }
    s->scsi_status = req->status;
    s->sense_len = 0;
    if (req->status == CHECK_CONDITION) {
        s->sense_len = scsi_req_get_sense(req, s->sense, sizeof(s->sense));
    }
    s->req = NULL;
    s->chunk = NULL;
    scsi_req_unref(req);
    /* a lost completion loses the window that ends with it too */
    subdma_end_window_as(s, s->strike == SUBDMA_FAULT_LOST_IRQ &&
                            s->strike_where == SUBDMA_AT_STATUS, false);
    if (s->data_in && s->carry_valid) {
        s->odd_byte = s->carry;
        subdma_enter_odd(s);
        return;
    }
    subdma_finish(s);
}

static void subdma_request_cancelled(SCSIRequest *req)
{
    SubdmaState *s = req->hba_private;

    /* Cancelled behind the adapter's back, e.g. by a hot unplug */
    if (req == s->req) {
        s->req = NULL;
        scsi_req_unref(req);
        subdma_fail(s, SUBDMA_ERR_TARGET_FAILURE);
    }
}

/*
 * Migration: the adapter holds at most one request.  Its state comes with
 * the adapter's; the target brings the request itself, with its buffer,
 * and hands it back here (there is nothing of the adapter's to add).
 */
static void *subdma_load_request(QEMUFile *f, SCSIRequest *req)
{
    SCSIBus *bus = DO_UPCAST(SCSIBus, qbus, req->dev->qdev.parent_bus);
    SubdmaState *s = container_of(bus, SubdmaState, bus);

    if (s->phase != PHASE_IDLE && !s->req && req->tag == s->tag - 1 &&
        req->dev->id == s->cmd_target) {
        s->req = req;
        scsi_req_ref(req);
    }
    return s;
}

/*
 * The target loads its request's buffer only after this hook, so the
 * current chunk is found again when the machine runs.
 */
static void subdma_vm_state_change(void *opaque, bool running,
                                   RunState state)
{
    SubdmaState *s = opaque;

    if (running && s->chunk_valid) {
        s->chunk_valid = false;
        if (s->req) {
            s->chunk = scsi_req_get_buf(s->req);
        }
    }
}

/*
 * QEMU names a SCSI device by its host adapter's path, then channel,
 * target and LUN, and an ISA device has no path of its own.  The adapter
 * numbers the one channel of its bus after its I/O base, so that the
 * devices at one target and LUN of two adapters still have names of
 * their own (their migration state is filed under those names).
 */
static int subdma_channel(SubdmaState *s)
{
    return s->iobase / SUBDMA_IO_EXTENT;
}

static const struct SCSIBusInfo subdma_scsi_info = {
    .tcq = false,
    .max_channel = 0xffff / SUBDMA_IO_EXTENT,
    .max_target = SUBDMA_MAX_TARGETS - 1,
    .max_lun = SUBDMA_MAX_LUNS - 1,

    .transfer_data = subdma_transfer_data,
    .complete = subdma_command_complete,
    .cancel = subdma_request_cancelled,
    .load_request = subdma_load_request,
};

/* Commands */

/* Lies at SUBMIT: a WINDOW with no window, a DREQ, a pulse */
static void subdma_lie_submit(SubdmaState *s)
{
    if (subdma_lie(s, SUBDMA_LIE_EMPTY_WINDOW)) {
        s->lie_isr |= SUBDMA_ISR_WINDOW;
        subdma_update_irq(s);
    }
    subdma_lie_dreq(s);
    subdma_lie_spurious(s);
}

static void subdma_submit(SubdmaState *s)
{
    int target = s->target & SUBDMA_TARGET_ID_MASK;
    int lun = (s->target & SUBDMA_TARGET_LUN_MASK) >> SUBDMA_TARGET_LUN_SHIFT;
    uint8_t cdb[SUBDMA_MAX_CDB];
    int cdb_len = s->cdb_len;
    SCSIDevice *dev;
    SCSIRequest *req;
    int32_t datalen;

    if (s->phase != PHASE_IDLE) {
        subdma_illegal(s, SUBDMA_ERR_BUSY, "SUBMIT while busy");
        return;
    }
    subdma_bus_reset_pending(s);     /* no command reaches a target first */
    if (target == s->scsi_id) {
        subdma_illegal(s, SUBDMA_ERR_BAD_TARGET, "SUBMIT to own SCSI id");
        return;
    }
    if (!s->cdb_len) {
        subdma_illegal(s, SUBDMA_ERR_BAD_CDB, "SUBMIT without a CDB");
        return;
    }
    trace_subdma_submit(s->iobase, target, lun, s->cdb[0], s->xfer,
                        !!(s->target & SUBDMA_TARGET_DATA_IN));
    memcpy(cdb, s->cdb, cdb_len);
    s->cdb_len = 0;             /* the FIFO empties at every SUBMIT */
    s->lie_told = subdma_lying(s);
    s->lie_short = 0;
    s->stats[STAT_COMMANDS]++;
    s->phase = PHASE_DATA;
    s->cmd_target = target;
    s->data_in = s->target & SUBDMA_TARGET_DATA_IN;
    s->cmd_xfer = s->xfer;
    s->total = 0;
    s->win_moved = 0;
    s->offered = 0;
    s->window_index = 0;
    s->carry_valid = false;
    s->unarmed_seen = false;
    s->scsi_status = GOOD;
    s->sense_len = 0;
    s->sense_pos = 0;
    s->error = SUBDMA_ERR_NONE;
    s->strike = SUBDMA_FAULT_NONE;
    if (s->fault_count && s->fault_kind != SUBDMA_FAULT_NONE) {
        s->fault_count--;
        s->strike = s->fault_kind;
        s->strike_where = s->fault_where;
        if (s->strike == SUBDMA_FAULT_SEL_TIMEOUT) {
            s->strike_where = SUBDMA_AT_SUBMIT;     /* only there */
        }
    }

    if (subdma_fault_fires(s, SUBDMA_FAULT_SPURIOUS_IRQ, SUBDMA_AT_SUBMIT)) {
        subdma_spurious_irq(s);
    }
    subdma_lie_submit(s);
    if (subdma_fault_fires(s, SUBDMA_FAULT_SEL_TIMEOUT, SUBDMA_AT_SUBMIT)) {
        subdma_fail(s, SUBDMA_ERR_SELECTION_TIMEOUT);
        return;
    }
    if (subdma_fault_fires(s, SUBDMA_FAULT_BUS_RESET, SUBDMA_AT_SUBMIT)) {
        subdma_bus_reset(s);
        subdma_fail(s, SUBDMA_ERR_BUS_RESET);
        return;
    }
    if (subdma_fault_fires(s, SUBDMA_FAULT_CHECK, SUBDMA_AT_SUBMIT)) {
        subdma_check_sense(s, s->fault_arg);
        subdma_finish(s);
        return;
    }

    dev = scsi_device_find(&s->bus, subdma_channel(s), target, lun);
    if (!dev) {
        subdma_fail(s, SUBDMA_ERR_SELECTION_TIMEOUT);
        return;
    }
    req = scsi_req_new(dev, s->tag++, lun, cdb, cdb_len, s);
    s->req = req;
    datalen = scsi_req_enqueue(req);
    if (s->req != req) {
        return;         /* the target completed it at once */
    }
    if (datalen && s->cmd_xfer && (datalen > 0) != s->data_in) {
        subdma_fail(s, SUBDMA_ERR_PHASE);
        return;
    }
    if (datalen < 0) {
        s->data_in = false;
        s->out_len = -datalen;
        if (s->out_len > s->cmd_xfer) {
            subdma_fail(s, SUBDMA_ERR_OVERRUN);
            return;
        }
    } else if (datalen > 0) {
        s->data_in = true;
    } else {
        return;     /* no data phase: the target completes on its own */
    }
    scsi_req_continue(req);
}

static void subdma_arm(SubdmaState *s)
{
    uint32_t max = s->wide ? SUBDMA_WINDOW_MAX_16BIT : SUBDMA_WINDOW_MAX_8BIT;

    if (s->phase == PHASE_IDLE &&
        (s->isr & (SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR))) {
        /* The command ended before its window started: host's race */
        trace_subdma_arm_late(s->iobase);
        return;
    }
    if (s->phase != PHASE_DATA && s->phase != PHASE_ODD) {
        subdma_illegal(s, SUBDMA_ERR_NOT_DATA_PHASE, "ARM with no command");
        return;
    }
    if (s->armed) {
        /*
         * The host took the window for ended (a lie can make it) and
         * programmed the channel anew: what still lands, lands where it
         * programmed and armed now
         */
        if (s->win_len) {
            subdma_latch_window(s, s->win_len);
        }
        subdma_illegal(s, SUBDMA_ERR_ALREADY_ARMED, "ARM while armed");
        return;
    }
    if (!s->win_len || s->win_len > max || (s->wide && (s->win_len & 1))) {
        subdma_illegal(s, SUBDMA_ERR_BAD_WINDOW, "ARM with an illegal length");
        return;
    }
    trace_subdma_arm(s->iobase, s->window_index, s->win_len);
    s->armed = true;
    s->win_size = s->win_len;
    subdma_latch_window(s, s->win_size);
    if (s->lie_dreq) {
        /* the window's own DREQ takes over */
        s->lie_dreq = false;
        subdma_drive_dreq(s);
    }
    s->win_checked = false;
    s->win_moved = 0;
    s->win_fault_at = 0;
    s->unarmed_seen = false;
    if (s->phase == PHASE_ODD) {
        /* Nothing left for DMA: the window ends empty */
        subdma_end_window(s);
        return;
    }

    s->win_is_last = s->win_size >= s->cmd_xfer - s->total;
    if (subdma_window_struck(s, SUBDMA_FAULT_STALL) &&
        s->strike_where == SUBDMA_AT_SUBMIT) {
        subdma_fault_fire(s);
        s->win_fault_at = WIN_STALLED;      /* never starts */
    } else if (subdma_window_struck(s, SUBDMA_FAULT_SHORT)) {
        uint32_t cut = ROUND_UP(MAX(s->fault_arg, 1), subdma_unit(s));

        s->win_fault_at = s->win_size > cut ? s->win_size - cut
                                            : subdma_unit(s);
    } else if (subdma_window_struck(s, SUBDMA_FAULT_STALL) ||
               subdma_window_struck(s, SUBDMA_FAULT_BUS_RESET) ||
               subdma_window_struck(s, SUBDMA_FAULT_SPURIOUS_IRQ)) {
        /* halfway through the window */
        s->win_fault_at = MAX(s->win_size / 2 & ~(subdma_unit(s) - 1),
                              subdma_unit(s));
    }
    subdma_update_dreq(s);
}

static void subdma_device_reset(SubdmaState *s)
{
    int target = s->target & SUBDMA_TARGET_ID_MASK;
    BusChild *kid;

    if (s->phase != PHASE_IDLE && s->cmd_target == target) {
        subdma_drop_command(s);
    }
    QTAILQ_FOREACH(kid, &s->bus.qbus.children, sibling) {
        SCSIDevice *dev = SCSI_DEVICE(kid->child);

        if (dev->id == target) {
            device_cold_reset(DEVICE(dev));
        }
    }
}

static void subdma_clear_registers(SubdmaState *s)
{
    s->isr = 0;
    s->isr_silent = 0;
    s->target = 0;
    s->scsi_status = 0;
    s->error = SUBDMA_ERR_NONE;
    s->odd_byte = 0;
    s->xfer = 0;
    s->win_len = 0;
    s->win_moved = 0;
    s->total = 0;
    s->cdb_len = 0;
    s->sense_len = 0;
    s->sense_pos = 0;
    s->test_sel = 0;
    s->test_byte = 0;
    s->lie_isr = 0;
    s->lie_silent = 0;
    s->lie_short = 0;
}

static void subdma_command(SubdmaState *s, uint8_t cmd)
{
    trace_subdma_command(s->iobase, cmd);
    switch (cmd) {
    case SUBDMA_CMD_NOP:
        break;
    case SUBDMA_CMD_SUBMIT:
        subdma_submit(s);
        break;
    case SUBDMA_CMD_ARM:
        subdma_arm(s);
        break;
    case SUBDMA_CMD_ABORT:
    case SUBDMA_CMD_DEVICE_RESET:
    case SUBDMA_CMD_BUS_RESET:
    case SUBDMA_CMD_ADAPTER_RESET:
        if (cmd == SUBDMA_CMD_DEVICE_RESET) {
            subdma_device_reset(s);
        } else if (cmd == SUBDMA_CMD_BUS_RESET) {
            subdma_bus_reset(s);
        } else {
            subdma_drop_command(s);
        }
        if (cmd == SUBDMA_CMD_ADAPTER_RESET) {
            subdma_clear_registers(s);
        }
        /* the dropped command's causes go with it */
        if (s->phase == PHASE_IDLE) {
            s->isr &= ~(SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE |
                        SUBDMA_ISR_ERROR | SUBDMA_ISR_ODD);
            s->isr_silent &= s->isr;
        }
        subdma_raise(s, SUBDMA_ISR_RESET, false);
        break;
    case SUBDMA_CMD_CLEAR_FIFO:
        s->cdb_len = 0;
        break;
    default:
        subdma_illegal(s, SUBDMA_ERR_BAD_COMMAND, "unknown command");
        break;
    }
}

/* Factory test interface */

/* Lies that stop take back what they made up; the true state shows */
static void subdma_lies_update(SubdmaState *s)
{
    if (!s->lie_seed || !(s->lie_kinds & SUBDMA_LIE_SWALLOW_IRQ)) {
        s->lie_silent = 0;
    }
    if (!subdma_lying(s)) {
        s->lie_isr = 0;
        s->lie_dreq = false;
        s->lie_short = 0;
        subdma_drive_dreq(s);
    }
    subdma_update_irq(s);
}

static uint32_t *subdma_test_reg(SubdmaState *s, uint8_t sel)
{
    static uint32_t scratch;

    switch (sel) {
    case SUBDMA_TEST_FAULT_KIND:
        return &s->fault_kind;
    case SUBDMA_TEST_FAULT_WHERE:
        return &s->fault_where;
    case SUBDMA_TEST_FAULT_ARG:
        return &s->fault_arg;
    case SUBDMA_TEST_FAULT_COUNT:
        return &s->fault_count;
    case SUBDMA_TEST_LIE_SEED:
        return &s->lie_seed;
    case SUBDMA_TEST_LIE_KINDS:
        return &s->lie_kinds;
    }
    scratch = 0;
    return &scratch;
}

static uint8_t subdma_test_read(SubdmaState *s)
{
    uint8_t shift = 8 * (s->test_byte++ & 3);
    uint8_t sel = s->test_sel;

    if (sel >= SUBDMA_TEST_STAT_COMMANDS &&
        sel < SUBDMA_TEST_STAT_COMMANDS + STAT_COUNT) {
        return s->stats[sel - SUBDMA_TEST_STAT_COMMANDS] >> shift;
    }
    if (sel >= SUBDMA_TEST_STAT_LIES &&
        sel < SUBDMA_TEST_STAT_LIES + SUBDMA_LIE_KINDS) {
        return s->lies[sel - SUBDMA_TEST_STAT_LIES] >> shift;
    }
    return *subdma_test_reg(s, sel) >> shift;
}

static void subdma_test_write(SubdmaState *s, uint8_t val)
{
    uint8_t shift = 8 * (s->test_byte++ & 3);
    uint32_t *reg;

    if (s->test_sel == SUBDMA_TEST_STAT_CLEAR) {
        memset(s->stats, 0, sizeof(s->stats));
        memset(s->lies, 0, sizeof(s->lies));
        return;
    }
    if (s->test_sel > SUBDMA_TEST_LIE_KINDS) {
        subdma_protocol_error(s, "write to a read-only test register");
        return;
    }
    reg = subdma_test_reg(s, s->test_sel);
    *reg = (*reg & ~(0xffu << shift)) | ((uint32_t)val << shift);
    if (s->test_sel == SUBDMA_TEST_LIE_SEED) {
        subdma_lie_seed(s);
    }
    if (s->test_sel == SUBDMA_TEST_LIE_SEED ||
        s->test_sel == SUBDMA_TEST_LIE_KINDS) {
        subdma_lies_update(s);
    }
}

/* Registers */

static uint8_t subdma_status(SubdmaState *s)
{
    uint8_t val = 0;

    if (s->phase != PHASE_IDLE) {
        val |= SUBDMA_STATUS_BUSY;
    }
    if (s->phase == PHASE_DATA && !s->armed && subdma_data_ready(s)) {
        val |= SUBDMA_STATUS_DATA_WAIT;
    }
    if (s->armed) {
        val |= SUBDMA_STATUS_ARMED;
    }
    if (s->line) {
        val |= SUBDMA_STATUS_IRQ;
    }
    if (s->phase == PHASE_ODD) {
        val |= SUBDMA_STATUS_ODD;
    }
    if (subdma_lie(s, SUBDMA_LIE_STATUS)) {
        val ^= 1 + subdma_lie_rand(s) % 0x1f;
    }
    return val;
}

/* ISR as the host reads it */
static uint8_t subdma_isr_read(SubdmaState *s)
{
    uint8_t val = s->isr | s->lie_isr;

    if ((s->isr & SUBDMA_ISR_WINDOW) && !(s->isr & SUBDMA_ISR_DONE) &&
        s->phase != PHASE_IDLE && subdma_lie(s, SUBDMA_LIE_DONE_EARLY)) {
        val = (val & ~SUBDMA_ISR_WINDOW) | SUBDMA_ISR_DONE;
    }
    if (subdma_lie(s, SUBDMA_LIE_ISR)) {
        val = subdma_lie_rand(s) % 2 ? 0xff : subdma_lie_rand(s);
    }
    return val;
}

/*
 * A 32-bit count as the host reads it, a byte at a time: under lies the
 * value is decided at its first byte and kept for the other three
 */
static uint8_t subdma_count_read(SubdmaState *s, uint32_t val, hwaddr addr,
                                 uint32_t limit)
{
    if (!subdma_lying(s)) {
        return val >> (8 * (addr & 3));
    }
    if (!(addr & 3)) {
        s->lie_latch = val;
        if (subdma_lie(s, SUBDMA_LIE_COUNTS)) {
            s->lie_latch = limit + 1 + subdma_lie_rand(s) % 0x10000;
        }
    }
    return s->lie_latch >> (8 * (addr & 3));
}

static uint8_t subdma_config(SubdmaState *s)
{
    return (s->irq & SUBDMA_CONFIG_IRQ_MASK) |
           ((s->dma << SUBDMA_CONFIG_DMA_SHIFT) & SUBDMA_CONFIG_DMA_MASK) |
           (s->wide ? SUBDMA_CONFIG_WIDE : 0);
}

static uint8_t subdma_odd_read(SubdmaState *s)
{
    if (s->phase != PHASE_ODD || !s->data_in) {
        subdma_protocol_error(s, "ODD_BYTE read with no odd byte waiting");
        return 0xff;
    }
    s->carry_valid = false;
    s->total++;
    s->stats[STAT_BYTES]++;
    s->isr &= ~SUBDMA_ISR_ODD;
    subdma_update_irq(s);
    subdma_finish(s);
    return s->odd_byte;
}

static void subdma_odd_write(SubdmaState *s, uint8_t val)
{
    if (s->phase != PHASE_ODD || s->data_in) {
        subdma_protocol_error(s, "ODD_BYTE write with no odd byte wanted");
        return;
    }
    s->odd_byte = val;
    s->chunk[s->chunk_pos++] = val;
    s->total++;
    s->stats[STAT_BYTES]++;
    s->isr &= ~SUBDMA_ISR_ODD;
    s->phase = PHASE_DATA;
    subdma_update_irq(s);
    subdma_advance(s);
}

static uint8_t subdma_byte_of(uint32_t val, hwaddr addr)
{
    return val >> (8 * (addr & 3));
}

static uint64_t subdma_read(void *opaque, hwaddr addr, unsigned size)
{
    SubdmaState *s = opaque;
    uint8_t val = 0xff;

    switch (addr) {
    case SUBDMA_REG_ID0:
        val = SUBDMA_ID0;
        break;
    case SUBDMA_REG_ID1:
        val = SUBDMA_ID1;
        break;
    case SUBDMA_REG_REV:
        val = SUBDMA_REV;
        break;
    case SUBDMA_REG_CONFIG:
        val = subdma_config(s);
        break;
    case SUBDMA_REG_STATUS:
        val = subdma_status(s);
        break;
    case SUBDMA_REG_ISR:
        val = subdma_isr_read(s);
        break;
    case SUBDMA_REG_CTRL:
        val = s->ctrl;
        break;
    case SUBDMA_REG_HOSTID:
        val = s->scsi_id;
        break;
    case SUBDMA_REG_TARGET:
        val = s->target;
        break;
    case SUBDMA_REG_TEST_DATA:
        val = subdma_test_read(s);
        break;
    case SUBDMA_REG_SCSI_STATUS:
        val = s->scsi_status;
        break;
    case SUBDMA_REG_ERROR:
        val = s->error;
        break;
    case SUBDMA_REG_SENSE_LEN:
        val = s->sense_len;
        break;
    case SUBDMA_REG_ODD_BYTE:
        val = subdma_odd_read(s);
        break;
    case SUBDMA_REG_FIFO:
        if (s->sense_pos < s->sense_len) {
            val = s->sense[s->sense_pos++];
        } else {
            subdma_protocol_error(s, "FIFO read past the sense data");
        }
        break;
    case SUBDMA_REG_XFER ... SUBDMA_REG_XFER + 3:
        val = subdma_byte_of(s->xfer, addr);
        break;
    case SUBDMA_REG_WIN_LEN ... SUBDMA_REG_WIN_LEN + 3:
        val = subdma_byte_of(s->win_len, addr);
        break;
    case SUBDMA_REG_WIN_MOVED ... SUBDMA_REG_WIN_MOVED + 3:
        val = subdma_count_read(s, s->win_moved, addr, s->win_size);
        break;
    case SUBDMA_REG_TOTAL ... SUBDMA_REG_TOTAL + 3:
        val = subdma_count_read(s, s->total - MIN(s->lie_short, s->total),
                                addr, s->cmd_xfer);
        break;
    default:
        subdma_protocol_error(s, "read of a write-only register");
        break;
    }
    trace_subdma_io_read(s->iobase, addr, val);
    return val;
}

static void subdma_set_byte(uint32_t *reg, hwaddr addr, uint8_t val)
{
    int shift = 8 * (addr & 3);

    *reg = (*reg & ~(0xffu << shift)) | ((uint32_t)val << shift);
}

static void subdma_write(void *opaque, hwaddr addr, uint64_t data,
                         unsigned size)
{
    SubdmaState *s = opaque;
    uint8_t val = data;
    bool dup;

    trace_subdma_io_write(s->iobase, addr, val);
    switch (addr) {
    case SUBDMA_REG_CMD:
        subdma_command(s, val);
        break;
    case SUBDMA_REG_ISR:
        dup = (val & s->isr & SUBDMA_ISR_DONE) && s->phase == PHASE_IDLE;
        s->isr &= ~val;
        s->isr_silent &= ~val;
        s->lie_isr &= ~val;
        s->lie_silent &= ~val;
        if (dup && subdma_lie(s, SUBDMA_LIE_DUP_DONE)) {
            /* the acknowledged DONE comes again */
            s->lie_isr |= SUBDMA_ISR_DONE;
        }
        subdma_update_irq(s);
        break;
    case SUBDMA_REG_CTRL:
        s->ctrl = val & (SUBDMA_CTRL_IRQ_ENABLE | SUBDMA_CTRL_HOLD_LAST);
        subdma_update_irq(s);
        break;
    case SUBDMA_REG_TARGET:
        s->target = val;
        break;
    case SUBDMA_REG_TEST_SEL:
        s->test_sel = val;
        s->test_byte = 0;
        break;
    case SUBDMA_REG_TEST_DATA:
        subdma_test_write(s, val);
        break;
    case SUBDMA_REG_ODD_BYTE:
        subdma_odd_write(s, val);
        break;
    case SUBDMA_REG_FIFO:
        if (s->cdb_len < SUBDMA_MAX_CDB) {
            s->cdb[s->cdb_len++] = val;
        } else {
            subdma_protocol_error(s, "CDB longer than 16 bytes");
        }
        break;
    case SUBDMA_REG_XFER ... SUBDMA_REG_XFER + 3:
        subdma_set_byte(&s->xfer, addr, val);
        break;
    case SUBDMA_REG_WIN_LEN ... SUBDMA_REG_WIN_LEN + 3:
        subdma_set_byte(&s->win_len, addr, val);
        break;
    default:
        subdma_protocol_error(s, "write to a read-only register");
        break;
    }
}

static const MemoryRegionOps subdma_io_ops = {
    .read = subdma_read,
    .write = subdma_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 2,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
};

/* Device */

static bool subdma_check_config(SubdmaState *s, Error **errp)
{
    /* 0-2, 6, 8, 9, 12-15 are the PC's own; 10, 11 route PCI interrupts */
    static const uint16_t irqs_ok = 0x00b8;     /* 3, 4, 5, 7 */

    if (s->iobase < 0x100 || s->iobase > 0xffff - SUBDMA_IO_EXTENT + 1 ||
        (s->iobase & (SUBDMA_IO_EXTENT - 1))) {
        error_setg(errp, "subdma: iobase 0x%x must be a multiple of 0x%x "
                   "between 0x100 and 0x%x", s->iobase, SUBDMA_IO_EXTENT,
                   0x10000 - SUBDMA_IO_EXTENT);
        return false;
    }
    if (s->dma == 4) {
        error_setg(errp, "subdma: DMA channel 4 is the cascade between "
                   "the two 8237s and cannot be used");
        return false;
    }
    if (s->dma > 7) {
        error_setg(errp, "subdma: DMA channel %u does not exist "
                   "(use 0-3 for 8-bit, 5-7 for 16-bit)", s->dma);
        return false;
    }
    if (s->irq > 15 || !(irqs_ok & (1u << s->irq))) {
        error_setg(errp, "subdma: IRQ %u cannot be used (choose one of "
                   "3, 4, 5, 7)", s->irq);
        return false;
    }
    if (s->scsi_id >= SUBDMA_MAX_TARGETS) {
        error_setg(errp, "subdma: SCSI id %u is not in 0-7", s->scsi_id);
        return false;
    }
    if (s->isa_rate && s->isa_rate < SUBDMA_PACE_BURST) {
        error_setg(errp, "subdma: isa-rate %u is below %u bytes/s (0 "
                   "moves data as fast as the emulator can)", s->isa_rate,
                   SUBDMA_PACE_BURST);
        return false;
    }
    return true;
}

/* Another device on the ISA bus holding our IRQ, channel or ports? */
static bool subdma_resources_free(SubdmaState *s, Error **errp)
{
    static const char *const dma_props[] = { "dma", "dma16" };
    MemoryRegion *io = isa_address_space_io(ISA_DEVICE(s));
    BusState *bus = qdev_get_parent_bus(DEVICE(s));
    BusChild *kid;
    uint32_t port;
    int i;

    QTAILQ_FOREACH(kid, &bus->children, sibling) {
        Object *obj = OBJECT(kid->child);
        const char *name = object_get_typename(obj);

        if (obj == OBJECT(s)) {
            continue;
        }
        if (object_property_find(obj, "irq") &&
            object_property_get_uint(obj, "irq", NULL) == s->irq) {
            error_setg(errp, "subdma: IRQ %u is already used by %s",
                       s->irq, name);
            return false;
        }
        for (i = 0; i < ARRAY_SIZE(dma_props); i++) {
            if (object_property_find(obj, dma_props[i]) &&
                object_property_get_uint(obj, dma_props[i], NULL) == s->dma) {
                error_setg(errp, "subdma: DMA channel %u is already used "
                           "by %s", s->dma, name);
                return false;
            }
        }
    }
    for (port = s->iobase; port < s->iobase + SUBDMA_IO_EXTENT; port++) {
        MemoryRegionSection sec = memory_region_find(io, port, 1);
        bool taken = sec.mr && sec.mr != io;

        if (taken) {
            error_setg(errp, "subdma: I/O port 0x%x is already used by %s",
                       port, memory_region_name(sec.mr));
        }
        if (sec.mr) {
            memory_region_unref(sec.mr);
        }
        if (taken) {
            return false;
        }
    }
    return true;
}

static void subdma_realize(DeviceState *dev, Error **errp)
{
    ISADevice *isadev = ISA_DEVICE(dev);
    SubdmaState *s = SUBDMA_ISA(dev);
    IsaDmaClass *k;

    if (!subdma_check_config(s, errp) || !subdma_resources_free(s, errp)) {
        return;
    }
    s->isa_dma = isa_get_dma(isa_bus_from_device(isadev), s->dma);
    if (!s->isa_dma) {
        error_setg(errp, "subdma: the ISA bus has no DMA controller");
        return;
    }
    s->wide = s->dma >= 4;

    memory_region_init_io(&s->io, OBJECT(s), &subdma_io_ops, s, "subdma",
                          SUBDMA_IO_EXTENT);
    isa_register_ioport(isadev, &s->io, s->iobase);
    s->irq_line = isa_get_irq(isadev, s->irq);

    k = ISADMA_GET_CLASS(s->isa_dma);
    k->register_channel(s->isa_dma, s->dma, subdma_dma_transfer, s);

    s->bus_reset_bh = qemu_bh_new(subdma_bus_reset_bh, s);
    s->pace_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, subdma_pace_timer, s);
    scsi_bus_init(&s->bus, sizeof(s->bus), dev, &subdma_scsi_info);
    qbus_set_hotplug_handler(BUS(&s->bus), OBJECT(dev));
    qemu_add_vm_change_state_handler(subdma_vm_state_change, s);
}

static void subdma_reset(DeviceState *dev)
{
    SubdmaState *s = SUBDMA_ISA(dev);

    subdma_drop_command(s);
    s->bus_reset_pending = false;   /* the machine's reset resets the bus */
    subdma_clear_registers(s);
    s->ctrl = 0;
    s->win_known = false;
    s->lie_seed = s->prop_lie_seed;
    s->lie_kinds = s->prop_lie_kinds;
    s->lie_told = false;
    s->lie_dreq = false;
    subdma_lie_seed(s);
    subdma_lies_update(s);
}

/* The one channel of the adapter's bus: see subdma_channel() */
static void subdma_scsi_pre_plug(HotplugHandler *hotplug_dev,
                                 DeviceState *dev, Error **errp)
{
    SubdmaState *s = SUBDMA_ISA(hotplug_dev);
    SCSIDevice *sdev = SCSI_DEVICE(dev);

    if (sdev->channel && sdev->channel != subdma_channel(s)) {
        error_setg(errp, "subdma: the adapter's SCSI bus has one channel; "
                   "leave the device's channel unset");
        return;
    }
    sdev->channel = subdma_channel(s);
}

/* The adapter's own SCSI id is not a target's */
static void subdma_scsi_plug(HotplugHandler *hotplug_dev, DeviceState *dev,
                             Error **errp)
{
    SubdmaState *s = SUBDMA_ISA(hotplug_dev);
    SCSIDevice *sdev = SCSI_DEVICE(dev);

    if (sdev->id == s->scsi_id) {
        error_setg(errp, "subdma: SCSI id %d is the adapter's own id; "
                   "give the device another scsi-id", sdev->id);
    }
}

static Aml *subdma_resources_aml(SubdmaState *s)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_io(AML_DECODE16, s->iobase, s->iobase,
                           SUBDMA_IO_EXTENT, SUBDMA_IO_EXTENT));
    aml_append(crs, aml_irq_no_flags(s->irq));
    aml_append(crs, aml_dma(AML_COMPATIBILITY, AML_NOTBUSMASTER,
                            s->wide ? AML_TRANSFER16 : AML_TRANSFER8,
                            s->dma));
    return crs;
}

static void subdma_build_aml(AcpiDevAmlIf *adev, Aml *scope)
{
    SubdmaState *s = SUBDMA_ISA(adev);
    Aml *dev = aml_device("S%03X", s->iobase / SUBDMA_IO_EXTENT);

    aml_append(dev, aml_name_decl("_HID", aml_eisaid(SUBDMA_PNP_ID)));
    aml_append(dev, aml_name_decl("_UID", aml_int(s->iobase)));
    aml_append(dev, aml_name_decl("_CRS", subdma_resources_aml(s)));
    aml_append(scope, dev);
}

static int subdma_pre_save(void *opaque)
{
    SubdmaState *s = opaque;

    s->chunk_valid = s->chunk != NULL;
    return 0;
}

static int subdma_post_save(void *opaque)
{
    SubdmaState *s = opaque;

    s->chunk_valid = false;
    return 0;
}

static int subdma_post_load(void *opaque, int version_id)
{
    SubdmaState *s = opaque;
    IsaDmaClass *k = ISADMA_GET_CLASS(s->isa_dma);

    if (s->phase > PHASE_HUNG || s->cdb_len > SUBDMA_MAX_CDB ||
        s->sense_len > SUBDMA_MAX_SENSE || s->sense_pos > s->sense_len ||
        s->chunk_pos > s->chunk_len ||
        s->win_size > SUBDMA_WINDOW_MAX_16BIT) {
        return -EINVAL;
    }
    /* the 8237 does not migrate its DREQ lines; the rate starts again */
    s->paced = false;
    s->pace_start = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->pace_bytes = 0;
    if (s->dreq) {
        k->hold_DREQ(s->isa_dma, s->dma);
    }
    if (s->bus_reset_pending) {
        qemu_bh_schedule(s->bus_reset_bh);
    }
    return 0;
}

static bool subdma_lies_needed(void *opaque)
{
    SubdmaState *s = opaque;
    int i;

    for (i = 0; i < SUBDMA_LIE_KINDS; i++) {
        if (s->lies[i]) {
            return true;
        }
    }
    return s->lie_seed || s->lie_told || s->win_known ||
           s->stats[STAT_OUTSIDE];
}

static const VMStateDescription vmstate_subdma_lies = {
    .name = "subdma-isa/lies",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = subdma_lies_needed,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(lie_seed, SubdmaState),
        VMSTATE_UINT32(lie_kinds, SubdmaState),
        VMSTATE_UINT64(lie_rng, SubdmaState),
        VMSTATE_UINT8(lie_isr, SubdmaState),
        VMSTATE_UINT8(lie_silent, SubdmaState),
        VMSTATE_BOOL(lie_dreq, SubdmaState),
        VMSTATE_BOOL(lie_told, SubdmaState),
        VMSTATE_UINT32(lie_short, SubdmaState),
        VMSTATE_UINT32(lie_latch, SubdmaState),
        VMSTATE_UINT64_ARRAY(lies, SubdmaState, SUBDMA_LIE_KINDS),
        VMSTATE_UINT64(win_lo, SubdmaState),
        VMSTATE_UINT64(win_hi, SubdmaState),
        VMSTATE_BOOL(win_known, SubdmaState),
        VMSTATE_UINT64_SUB_ARRAY(stats, SubdmaState, STAT_OUTSIDE, 1),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_subdma = {
    .name = "subdma-isa",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = subdma_pre_save,
    .post_save = subdma_post_save,
    .post_load = subdma_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_BOOL(bus_reset_pending, SubdmaState),
        VMSTATE_UINT8(isr, SubdmaState),
        VMSTATE_UINT8(isr_silent, SubdmaState),
        VMSTATE_UINT8(ctrl, SubdmaState),
        VMSTATE_UINT8(target, SubdmaState),
        VMSTATE_UINT8(scsi_status, SubdmaState),
        VMSTATE_UINT8(error, SubdmaState),
        VMSTATE_UINT8(odd_byte, SubdmaState),
        VMSTATE_UINT32(xfer, SubdmaState),
        VMSTATE_UINT32(win_len, SubdmaState),
        VMSTATE_UINT32(win_moved, SubdmaState),
        VMSTATE_UINT32(total, SubdmaState),
        VMSTATE_UINT8_ARRAY(cdb, SubdmaState, SUBDMA_MAX_CDB),
        VMSTATE_UINT8(cdb_len, SubdmaState),
        VMSTATE_UINT8_ARRAY(sense, SubdmaState, SUBDMA_MAX_SENSE),
        VMSTATE_UINT8(sense_len, SubdmaState),
        VMSTATE_UINT8(sense_pos, SubdmaState),
        VMSTATE_BOOL(line, SubdmaState),
        VMSTATE_UINT32(phase, SubdmaState),
        VMSTATE_UINT32(tag, SubdmaState),
        VMSTATE_UINT8(cmd_target, SubdmaState),
        VMSTATE_BOOL(data_in, SubdmaState),
        VMSTATE_UINT32(cmd_xfer, SubdmaState),
        VMSTATE_UINT32(out_len, SubdmaState),
        VMSTATE_UINT32(offered, SubdmaState),
        VMSTATE_BOOL(chunk_valid, SubdmaState),
        VMSTATE_UINT32(chunk_len, SubdmaState),
        VMSTATE_UINT32(chunk_pos, SubdmaState),
        VMSTATE_BOOL(carry_valid, SubdmaState),
        VMSTATE_UINT8(carry, SubdmaState),
        VMSTATE_BOOL(armed, SubdmaState),
        VMSTATE_UINT32(win_size, SubdmaState),
        VMSTATE_BOOL(win_checked, SubdmaState),
        VMSTATE_BOOL(dreq, SubdmaState),
        VMSTATE_BOOL(unarmed_seen, SubdmaState),
        VMSTATE_UINT32(window_index, SubdmaState),
        VMSTATE_BOOL(win_is_last, SubdmaState),
        VMSTATE_UINT32(win_fault_at, SubdmaState),
        VMSTATE_BOOL(win_held, SubdmaState),
        VMSTATE_BOOL(win_held_silent, SubdmaState),
        VMSTATE_UINT32(fault_kind, SubdmaState),
        VMSTATE_UINT32(fault_where, SubdmaState),
        VMSTATE_UINT32(fault_arg, SubdmaState),
        VMSTATE_UINT32(fault_count, SubdmaState),
        VMSTATE_UINT32(strike, SubdmaState),
        VMSTATE_UINT32(strike_where, SubdmaState),
        VMSTATE_UINT8(test_sel, SubdmaState),
        VMSTATE_UINT8(test_byte, SubdmaState),
        VMSTATE_UINT64_SUB_ARRAY(stats, SubdmaState, 0, STAT_COUNT_V1),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * []) {
        &vmstate_subdma_lies,
        NULL
    }
};

static Property subdma_properties[] = {
    DEFINE_PROP_UINT32("iobase", SubdmaState, iobase, 0x340),
    DEFINE_PROP_UINT32("irq", SubdmaState, irq, 5),
    DEFINE_PROP_UINT32("dma", SubdmaState, dma, 1),
    DEFINE_PROP_UINT8("scsi-id", SubdmaState, scsi_id, 7),
    DEFINE_PROP_UINT32("isa-rate", SubdmaState, isa_rate, 0),
    DEFINE_PROP_UINT32("lie-seed", SubdmaState, prop_lie_seed, 0),
    DEFINE_PROP_UINT32("lie-kinds", SubdmaState, prop_lie_kinds,
                       SUBDMA_LIE_ALL),
    DEFINE_PROP_END_OF_LIST(),
};

static void subdma_instance_init(Object *obj)
{
    SubdmaState *s = SUBDMA_ISA(obj);
    int i;

    for (i = 0; i < STAT_COUNT; i++) {
        object_property_add_uint64_ptr(obj, stat_names[i], &s->stats[i],
                                       OBJ_PROP_FLAG_READ);
    }
}

static void subdma_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(klass);
    AcpiDevAmlIfClass *adevc = ACPI_DEV_AML_IF_CLASS(klass);

    dc->desc = "subdma ISA SCSI adapter (subordinate 8237 DMA)";
    dc->realize = subdma_realize;
    dc->reset = subdma_reset;
    dc->vmsd = &vmstate_subdma;
    device_class_set_props(dc, subdma_properties);
    set_bit(DEVICE_CATEGORY_STORAGE, dc->categories);
    hc->pre_plug = subdma_scsi_pre_plug;
    hc->plug = subdma_scsi_plug;
    hc->unplug = qdev_simple_device_unplug_cb;
    adevc->build_dev_aml = subdma_build_aml;
}

static const TypeInfo subdma_info = {
    .name = TYPE_SUBDMA_ISA,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(SubdmaState),
    .instance_init = subdma_instance_init,
    .class_init = subdma_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_HOTPLUG_HANDLER },
        { TYPE_ACPI_DEV_AML_IF },
        { },
    },
};

static void subdma_register_types(void)
{
    type_register_static(&subdma_info);
}

type_init(subdma_register_types)
