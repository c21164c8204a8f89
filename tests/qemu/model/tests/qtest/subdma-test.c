/*
 * QTest testcase for the subdma ISA SCSI adapter
 *
 * Drives the adapter's ports and the PC's 8237 the way a driver does:
 * one window of the transfer programmed into the DMA controller, the
 * adapter armed for it, against a scsi-hd on an 8-bit and on a 16-bit
 * channel, and the adapter's error paths.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qapi/qmp/qdict.h"
#include "qemu/host-utils.h"
#include "hw/scsi/subdma_regs.h"

#define DISK_SECTORS    2048
#define SECTOR          512
#define BUF_ADDR        0x123400    /* 24-bit, inside a 64 KiB DMA page */
#define BUF2_ADDR       0x140000

static char *disk_path;

typedef struct Adapter {
    QTestState *qts;
    uint16_t base;
    int irq;
    int dma;
} Adapter;

static uint8_t pattern(uint32_t pos)
{
    return (pos * 7 + (pos >> 9)) & 0xff;
}

static void adapter_start_args(Adapter *a, uint16_t base, int irq, int dma,
                               const char *args)
{
    a->base = base;
    a->irq = irq;
    a->dma = dma;
    a->qts = qtest_initf("-M pc -nodefaults "
                         "-device subdma-isa,id=sd0,iobase=0x%x,irq=%d,dma=%d "
                         "-drive if=none,id=d0,file=%s,format=raw "
                         "-device scsi-hd,bus=sd0.0,scsi-id=0,drive=d0 %s",
                         base, irq, dma, disk_path, args);
}

static void adapter_start(Adapter *a, uint16_t base, int irq, int dma)
{
    adapter_start_args(a, base, irq, dma, "");
}

static uint8_t reg_read(Adapter *a, uint16_t reg)
{
    return qtest_inb(a->qts, a->base + reg);
}

static void reg_write(Adapter *a, uint16_t reg, uint8_t val)
{
    qtest_outb(a->qts, a->base + reg, val);
}

static uint32_t reg_read32(Adapter *a, uint16_t reg)
{
    uint32_t val = 0;
    int i;

    for (i = 0; i < 4; i++) {
        val |= (uint32_t)reg_read(a, reg + i) << (8 * i);
    }
    return val;
}

static void reg_write32(Adapter *a, uint16_t reg, uint32_t val)
{
    int i;

    for (i = 0; i < 4; i++) {
        reg_write(a, reg + i, val >> (8 * i));
    }
}

static uint32_t test_reg_read(Adapter *a, uint8_t sel)
{
    uint32_t val = 0;
    int i;

    reg_write(a, SUBDMA_REG_TEST_SEL, sel);
    for (i = 0; i < 4; i++) {
        val |= (uint32_t)reg_read(a, SUBDMA_REG_TEST_DATA) << (8 * i);
    }
    return val;
}

static void test_reg_write(Adapter *a, uint8_t sel, uint32_t val)
{
    int i;

    reg_write(a, SUBDMA_REG_TEST_SEL, sel);
    for (i = 0; i < 4; i++) {
        reg_write(a, SUBDMA_REG_TEST_DATA, val >> (8 * i));
    }
}

/*
 * Program the adapter's 8237 channel for @len bytes at @addr, in single
 * mode; @to_memory: the device writes memory (a SCSI data-in phase).
 */
static void dma_program(Adapter *a, uint32_t addr, uint32_t len,
                        bool to_memory)
{
    int chan = a->dma & 3;
    bool wide = a->dma >= 4;
    /* first controller at 0x00 with byte ports, second at 0xc0 with words */
    uint16_t base = wide ? 0xc0 : 0x00;
    int shift = wide ? 1 : 0;
    static const uint16_t page_ports[8] = {
        0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a,
    };
    uint32_t start = addr >> shift;
    uint32_t count = (len >> shift) - 1;
    uint8_t page = (addr >> 16) & (wide ? 0xfe : 0xff);

    qtest_outb(a->qts, base + (0x0a << shift), 0x04 | chan);     /* mask */
    qtest_outb(a->qts, base + (0x0c << shift), 0);               /* flip-flop */
    qtest_outb(a->qts, base + (0x0b << shift),
               0x40 | (to_memory ? 0x04 : 0x08) | chan);         /* mode */
    qtest_outb(a->qts, base + ((chan * 2) << shift), start & 0xff);
    qtest_outb(a->qts, base + ((chan * 2) << shift), (start >> 8) & 0xff);
    qtest_outb(a->qts, base + ((chan * 2 + 1) << shift), count & 0xff);
    qtest_outb(a->qts, base + ((chan * 2 + 1) << shift), (count >> 8) & 0xff);
    qtest_outb(a->qts, page_ports[a->dma], page);
    qtest_outb(a->qts, base + (0x0a << shift), chan);            /* unmask */
}

/* Wait for any of @causes in ISR; returns ISR */
static uint8_t wait_isr(Adapter *a, uint8_t causes)
{
    uint8_t isr = 0;
    int i;

    for (i = 0; i < 5000; i++) {
        isr = reg_read(a, SUBDMA_REG_ISR);
        if (isr & causes) {
            break;
        }
        g_usleep(1000);
    }
    return isr;
}

static void submit(Adapter *a, int target, bool data_in, const uint8_t *cdb,
                   int cdb_len, uint32_t xfer)
{
    int i;

    reg_write(a, SUBDMA_REG_TARGET,
              target | (data_in ? SUBDMA_TARGET_DATA_IN : 0));
    reg_write32(a, SUBDMA_REG_XFER, xfer);
    for (i = 0; i < cdb_len; i++) {
        reg_write(a, SUBDMA_REG_FIFO, cdb[i]);
    }
    reg_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_SUBMIT);
}

/* TEST UNIT READY until GOOD: the disk's power-on unit attention goes */
static void ready(Adapter *a)
{
    static const uint8_t tur[6] = { 0 };
    uint8_t status = 0xff;
    int i;

    for (i = 0; i < 3 && status; i++) {
        submit(a, 0, false, tur, sizeof(tur), 0);
        g_assert_cmphex(wait_isr(a, SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR), ==,
                        SUBDMA_ISR_DONE);
        status = reg_read(a, SUBDMA_REG_SCSI_STATUS);
        reg_write(a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    }
    g_assert_cmphex(status, ==, 0);
}

/* A READ(10) or WRITE(10) of @sectors at @lba through one window at @addr */
static void rw10(Adapter *a, bool data_in, uint32_t lba, int sectors,
                 uint32_t addr)
{
    uint32_t len = sectors * SECTOR;
    uint8_t cdb[10] = {
        data_in ? 0x28 : 0x2a, 0, lba >> 24, lba >> 16, lba >> 8, lba,
        0, sectors >> 8, sectors, 0,
    };
    uint8_t isr;

    submit(a, 0, data_in, cdb, sizeof(cdb), len);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_STATUS) & SUBDMA_STATUS_BUSY, ==,
                    SUBDMA_STATUS_BUSY);
    dma_program(a, addr, len, data_in);
    reg_write32(a, SUBDMA_REG_WIN_LEN, len);
    reg_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);

    isr = wait_isr(a, SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR);
    g_assert_cmphex(isr, ==, SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_SCSI_STATUS), ==, 0);
    g_assert_cmpuint(reg_read32(a, SUBDMA_REG_WIN_MOVED), ==, len);
    g_assert_cmpuint(reg_read32(a, SUBDMA_REG_TOTAL), ==, len);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_STATUS), ==, 0);
    reg_write(a, SUBDMA_REG_ISR, isr);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_ISR), ==, 0);
}

static void check_identity(Adapter *a)
{
    g_assert_cmphex(reg_read(a, SUBDMA_REG_ID0), ==, SUBDMA_ID0);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_ID1), ==, SUBDMA_ID1);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_REV), ==, SUBDMA_REV);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_CONFIG), ==,
                    a->irq | (a->dma << SUBDMA_CONFIG_DMA_SHIFT) |
                    (a->dma >= 4 ? SUBDMA_CONFIG_WIDE : 0));
    g_assert_cmphex(reg_read(a, SUBDMA_REG_HOSTID), ==, 7);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_STATUS), ==, 0);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_ISR), ==, 0);
}

static void test_identify(void)
{
    Adapter a;

    adapter_start(&a, 0x340, 5, 1);
    check_identity(&a);
    qtest_quit(a.qts);

    adapter_start(&a, 0x300, 3, 6);
    check_identity(&a);
    qtest_quit(a.qts);
}

static void check_read(Adapter *a, uint32_t lba, int sectors, uint32_t addr)
{
    uint32_t len = sectors * SECTOR;
    g_autofree uint8_t *buf = g_malloc(len);
    uint32_t i;

    rw10(a, true, lba, sectors, addr);
    qtest_memread(a->qts, addr, buf, len);
    for (i = 0; i < len; i++) {
        g_assert_cmphex(buf[i], ==, pattern(lba * SECTOR + i));
    }
}

static void test_read_8bit(void)
{
    Adapter a;

    adapter_start(&a, 0x340, 5, 1);
    ready(&a);
    test_reg_write(&a, SUBDMA_TEST_STAT_CLEAR, 0);
    check_read(&a, 3, 8, BUF_ADDR);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_COMMANDS), ==, 1);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_WINDOWS), ==, 1);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_BYTES), ==,
                     8 * SECTOR);
    qtest_quit(a.qts);
}

static void test_write_read_16bit(void)
{
    uint32_t len = 4 * SECTOR;
    g_autofree uint8_t *out = g_malloc(len);
    g_autofree uint8_t *in = g_malloc(len);
    Adapter a;
    uint32_t i;

    adapter_start(&a, 0x300, 3, 5);
    ready(&a);
    check_read(&a, 10, 4, BUF_ADDR);

    for (i = 0; i < len; i++) {
        out[i] = i ^ 0x5a;
    }
    qtest_memwrite(a.qts, BUF2_ADDR, out, len);
    rw10(&a, false, 100, 4, BUF2_ADDR);
    qtest_memset(a.qts, BUF_ADDR, 0, len);
    rw10(&a, true, 100, 4, BUF_ADDR);
    qtest_memread(a.qts, BUF_ADDR, in, len);
    g_assert(memcmp(in, out, len) == 0);
    qtest_quit(a.qts);
}

static void test_errors(void)
{
    static const uint8_t tur[6] = { 0 };
    Adapter a;
    uint8_t sense[18];
    size_t i;

    adapter_start(&a, 0x340, 5, 1);

    /* no device at target 3 */
    submit(&a, 3, false, tur, sizeof(tur), 0);
    g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_ERROR), ==, SUBDMA_ISR_ERROR);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_ERROR), ==,
                    SUBDMA_ERR_SELECTION_TIMEOUT);
    reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);

    /* ARM with no command is refused */
    reg_write32(&a, SUBDMA_REG_WIN_LEN, SECTOR);
    reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_ISR), ==, SUBDMA_ISR_ILLEGAL);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_ERROR), ==,
                    SUBDMA_ERR_NOT_DATA_PHASE);
    reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);

    /* an injected CHECK CONDITION, with its sense data in the FIFO */
    test_reg_write(&a, SUBDMA_TEST_FAULT_KIND, SUBDMA_FAULT_CHECK);
    test_reg_write(&a, SUBDMA_TEST_FAULT_WHERE, SUBDMA_AT_SUBMIT);
    test_reg_write(&a, SUBDMA_TEST_FAULT_ARG, 0x032101);
    test_reg_write(&a, SUBDMA_TEST_FAULT_COUNT, 1);
    g_assert_cmphex(test_reg_read(&a, SUBDMA_TEST_FAULT_ARG), ==, 0x032101);
    submit(&a, 0, false, tur, sizeof(tur), 0);
    g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_DONE), ==, SUBDMA_ISR_DONE);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_SCSI_STATUS), ==, 0x02);
    g_assert_cmpuint(reg_read(&a, SUBDMA_REG_SENSE_LEN), ==, sizeof(sense));
    for (i = 0; i < sizeof(sense); i++) {
        sense[i] = reg_read(&a, SUBDMA_REG_FIFO);
    }
    g_assert_cmphex(sense[0], ==, 0x70);
    g_assert_cmphex(sense[2], ==, 0x03);
    g_assert_cmphex(sense[12], ==, 0x21);
    g_assert_cmphex(sense[13], ==, 0x01);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_FAULT_COUNT), ==, 0);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_FAULTS), ==, 1);
    reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);

    /* the next commands run normally */
    ready(&a);
    check_read(&a, 0, 1, BUF_ADDR);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_PROTOCOL), ==, 1);
    qtest_quit(a.qts);
}

/*
 * A one-window WRITE(10) whose status phase a STALL fault holds forever:
 * ISR once the window has moved every byte, and after ABORT
 */
static void write_stalled(Adapter *a, uint8_t ctrl, uint8_t *isr_after_window,
                          uint8_t *isr_after_abort)
{
    uint32_t len = 2 * SECTOR;
    uint8_t cdb[10] = { 0x2a, 0, 0, 0, 0, 200, 0, 0, 2, 0 };
    int i;

    reg_write(a, SUBDMA_REG_CTRL, ctrl);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_CTRL), ==, ctrl);
    test_reg_write(a, SUBDMA_TEST_FAULT_KIND, SUBDMA_FAULT_STALL);
    test_reg_write(a, SUBDMA_TEST_FAULT_WHERE, SUBDMA_AT_STATUS);
    test_reg_write(a, SUBDMA_TEST_FAULT_COUNT, 1);
    submit(a, 0, false, cdb, sizeof(cdb), len);
    dma_program(a, BUF2_ADDR, len, false);
    reg_write32(a, SUBDMA_REG_WIN_LEN, len);
    reg_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    /* until the target has written the data and the status stalls */
    for (i = 0; i < 5000; i++) {
        if (test_reg_read(a, SUBDMA_TEST_STAT_FAULTS) == 1) {
            break;
        }
        g_usleep(1000);
    }
    g_assert_cmpuint(test_reg_read(a, SUBDMA_TEST_STAT_FAULTS), ==, 1);
    g_assert_cmpuint(reg_read32(a, SUBDMA_REG_TOTAL), ==, len);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_STATUS) & SUBDMA_STATUS_ARMED,
                    ==, 0);
    *isr_after_window = reg_read(a, SUBDMA_REG_ISR);
    g_assert_cmphex(reg_read(a, SUBDMA_REG_STATUS) & SUBDMA_STATUS_BUSY, ==,
                    SUBDMA_STATUS_BUSY);
    reg_write(a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    reg_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_ABORT);
    *isr_after_abort = reg_read(a, SUBDMA_REG_ISR);
    reg_write(a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    reg_write(a, SUBDMA_REG_CTRL, 0);
    test_reg_write(a, SUBDMA_TEST_STAT_CLEAR, 0);
}

/* CTRL.HOLD_LAST: a write's last WINDOW comes with its end, in one IRQ */
static void test_write_hold_last(void)
{
    uint8_t isr_window, isr_abort;
    Adapter a;

    adapter_start(&a, 0x340, 5, 1);
    ready(&a);
    test_reg_write(&a, SUBDMA_TEST_STAT_CLEAR, 0);

    /* without the bit, WINDOW comes while the target still writes */
    write_stalled(&a, 0, &isr_window, &isr_abort);
    g_assert_cmphex(isr_window, ==, SUBDMA_ISR_WINDOW);
    g_assert_cmphex(isr_abort, ==, SUBDMA_ISR_RESET);

    /* with it, WINDOW waits for the end; ABORT discards it */
    write_stalled(&a, SUBDMA_CTRL_HOLD_LAST, &isr_window, &isr_abort);
    g_assert_cmphex(isr_window, ==, 0);
    g_assert_cmphex(isr_abort, ==, SUBDMA_ISR_RESET);

    /* the end brings both at once (rw10 asserts ISR is WINDOW | DONE) */
    reg_write(&a, SUBDMA_REG_CTRL, SUBDMA_CTRL_HOLD_LAST);
    rw10(&a, false, 300, 2, BUF2_ADDR);
    /* reads are as they were: WINDOW with DONE */
    check_read(&a, 310, 2, BUF_ADDR);
    qtest_quit(a.qts);
}

/*
 * isa-rate: the channel moves no faster than the rate in the virtual
 * clock, which stands still under qtest but for clock_step
 */
static void test_isa_rate(void)
{
    static const uint8_t cdb[10] = { 0x28, 0, 0, 0, 0, 40, 0, 0, 8, 0 };
    const uint64_t rate = 1000000, burst = 512;
    uint32_t len = 8 * SECTOR, total = 0, i;
    g_autofree uint8_t *buf = g_malloc(len);
    int64_t t0, t = 0;
    Adapter a;

    adapter_start_args(&a, 0x340, 5, 1, "-global subdma-isa.isa-rate=1000000");
    ready(&a);
    t0 = qtest_clock_step(a.qts, 0);
    submit(&a, 0, true, cdb, sizeof(cdb), len);
    dma_program(&a, BUF_ADDR, len, true);
    reg_write32(&a, SUBDMA_REG_WIN_LEN, len);
    reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    /* the target's data comes in real time; no virtual time has passed */
    g_usleep(100 * 1000);
    g_assert_cmpuint(reg_read32(&a, SUBDMA_REG_TOTAL), <=, burst);
    for (i = 0; i < 2000 && total < len; i++) {
        t = qtest_clock_step(a.qts, 256 * 1000);
        g_usleep(1000);
        total = reg_read32(&a, SUBDMA_REG_TOTAL);
        g_assert_cmpuint(total, <=, (t - t0) * rate / 1000000000 + burst);
    }
    g_assert_cmpuint(total, ==, len);
    g_assert_cmpuint(t - t0, >=, (len - burst) * 1000000000 / rate);
    g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_DONE), ==,
                    SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE);
    qtest_memread(a.qts, BUF_ADDR, buf, len);
    for (i = 0; i < len; i++) {
        g_assert_cmphex(buf[i], ==, pattern(40 * SECTOR + i));
    }
    qtest_quit(a.qts);
}

static uint32_t lies_told(Adapter *a, uint32_t kind)
{
    return test_reg_read(a, SUBDMA_TEST_STAT_LIES + ctz32(kind));
}

static void lies_on(Adapter *a, uint32_t seed, uint32_t kinds)
{
    test_reg_write(a, SUBDMA_TEST_LIE_KINDS, kinds);
    test_reg_write(a, SUBDMA_TEST_LIE_SEED, seed);
}

static void lies_off(Adapter *a)
{
    test_reg_write(a, SUBDMA_TEST_LIE_SEED, 0);
}

/* ISR reads of an idle adapter: 0, or what a lie made of it */
static void read_isr_idle(Adapter *a, uint8_t *vals, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        vals[i] = reg_read(a, SUBDMA_REG_ISR);
    }
}

/*
 * lie-seed and lie-kinds: ISR lies from the first access, the same lies
 * for the same seed, counted; the test interface turns them off
 */
static void test_lies_property(void)
{
    uint8_t first[64], again[64];
    Adapter a;
    uint32_t told;
    int i, bad = 0;

    for (i = 0; i < 2; i++) {
        adapter_start_args(&a, 0x340, 5, 1, "-global subdma-isa.lie-seed=77 "
                           "-global subdma-isa.lie-kinds=1");
        g_assert_cmphex(test_reg_read(&a, SUBDMA_TEST_LIE_SEED), ==, 77);
        g_assert_cmphex(test_reg_read(&a, SUBDMA_TEST_LIE_KINDS), ==,
                        SUBDMA_LIE_ISR);
        read_isr_idle(&a, i ? again : first, sizeof(first));
        told = lies_told(&a, SUBDMA_LIE_ISR);
        qtest_quit(a.qts);
    }
    g_assert(memcmp(first, again, sizeof(first)) == 0);
    for (i = 0; i < sizeof(first); i++) {
        bad += first[i] != 0;
    }
    g_assert_cmpuint(bad, >, 0);
    g_assert_cmpuint(told, >=, bad);
    g_assert_cmpuint(told, <, sizeof(first));

    /* another seed, other lies; none once the seed is 0 */
    adapter_start_args(&a, 0x340, 5, 1, "-global subdma-isa.lie-seed=78 "
                       "-global subdma-isa.lie-kinds=1");
    read_isr_idle(&a, again, sizeof(again));
    g_assert(memcmp(first, again, sizeof(first)) != 0);
    lies_off(&a);
    told = lies_told(&a, SUBDMA_LIE_ISR);
    read_isr_idle(&a, again, sizeof(again));
    for (i = 0; i < sizeof(again); i++) {
        g_assert_cmphex(again[i], ==, 0);
    }
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_ISR), ==, told);
    ready(&a);
    check_read(&a, 0, 2, BUF_ADDR);
    qtest_quit(a.qts);
}

/* Run TEST UNIT READY; ISR once it ended, DONE or ERROR, acknowledged */
static uint8_t tur_isr(Adapter *a)
{
    static const uint8_t tur[6] = { 0 };
    uint8_t isr;

    submit(a, 0, false, tur, sizeof(tur), 0);
    isr = wait_isr(a, SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR);
    reg_write(a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    return isr;
}

/* A READ(10) of @sectors through one window, the ISR at its end returned */
static uint8_t read_window(Adapter *a, uint32_t lba, int sectors)
{
    uint32_t len = sectors * SECTOR;
    uint8_t cdb[10] = { 0x28, 0, 0, 0, lba >> 8, lba, 0, 0, sectors, 0 };
    uint8_t isr;

    submit(a, 0, true, cdb, sizeof(cdb), len);
    dma_program(a, BUF_ADDR, len, true);
    reg_write32(a, SUBDMA_REG_WIN_LEN, len);
    reg_write(a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    isr = wait_isr(a, SUBDMA_ISR_DONE | SUBDMA_ISR_ERROR);
    return isr;
}

/* Every kind alone, seen in the registers, counted, and gone when off */
static void test_lies_kinds(void)
{
    uint32_t len = 2 * SECTOR, i, n, before, irqs;
    uint8_t isr, st;
    bool seen;
    Adapter a;

    adapter_start(&a, 0x340, 5, 1);
    ready(&a);

    /* STATUS of an idle adapter is 0 but for a lie */
    lies_on(&a, 1, SUBDMA_LIE_STATUS);
    for (i = 0, n = 0; i < 64; i++) {
        n += reg_read(&a, SUBDMA_REG_STATUS) != 0;
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_STATUS), ==, n);

    /* counts past the window and the transfer */
    lies_on(&a, 2, SUBDMA_LIE_COUNTS);
    reg_write(&a, SUBDMA_REG_ISR, read_window(&a, 0, 2));
    for (i = 0, n = 0; i < 64; i++) {
        n += reg_read32(&a, SUBDMA_REG_WIN_MOVED) > len;
        n += reg_read32(&a, SUBDMA_REG_TOTAL) > len;
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_COUNTS), ==, n);

    /* DONE for the WINDOW of a command that goes on */
    lies_on(&a, 3, SUBDMA_LIE_DONE_EARLY);
    {
        uint8_t cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0 };

        before = test_reg_read(&a, SUBDMA_TEST_STAT_WINDOWS);
        submit(&a, 0, true, cdb, sizeof(cdb), len);
        dma_program(&a, BUF_ADDR, len / 2, true);
        reg_write32(&a, SUBDMA_REG_WIN_LEN, len / 2);
        reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
        for (i = 0; i < 5000; i++) {
            if (test_reg_read(&a, SUBDMA_TEST_STAT_WINDOWS) > before) {
                break;
            }
            g_usleep(1000);
        }
        for (i = 0, n = 0; i < 64; i++) {
            isr = reg_read(&a, SUBDMA_REG_ISR);
            g_assert(isr == SUBDMA_ISR_WINDOW || isr == SUBDMA_ISR_DONE);
            n += isr == SUBDMA_ISR_DONE;
        }
        g_assert_cmpuint(n, >, 0);
        g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_DONE_EARLY), ==, n);
        /* the truth: the command is in its data phase still */
        lies_off(&a);
        g_assert_cmphex(reg_read(&a, SUBDMA_REG_ISR), ==, SUBDMA_ISR_WINDOW);
        reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_WINDOW);
        dma_program(&a, BUF_ADDR + len / 2, len / 2, true);
        reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
        g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_DONE), ==,
                        SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE);
        reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    }

    /* WINDOW for a command with no data phase */
    lies_on(&a, 4, SUBDMA_LIE_EMPTY_WINDOW);
    for (i = 0, n = 0; i < 32; i++) {
        isr = tur_isr(&a);
        g_assert_cmphex(isr & ~SUBDMA_ISR_WINDOW, ==, SUBDMA_ISR_DONE);
        n += !!(isr & SUBDMA_ISR_WINDOW);
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_EMPTY_WINDOW), ==, n);

    /* DONE again once acknowledged */
    lies_on(&a, 5, SUBDMA_LIE_DUP_DONE);
    for (i = 0, n = 0; i < 32; i++) {
        tur_isr(&a);
        isr = reg_read(&a, SUBDMA_REG_ISR);
        g_assert(isr == 0 || isr == SUBDMA_ISR_DONE);
        n += isr == SUBDMA_ISR_DONE;
        reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_DUP_DONE), >=, n);

    /* interrupts with no cause: more raised than commands ended */
    lies_on(&a, 6, SUBDMA_LIE_SPURIOUS_IRQ);
    reg_write(&a, SUBDMA_REG_CTRL, SUBDMA_CTRL_IRQ_ENABLE);
    before = lies_told(&a, SUBDMA_LIE_SPURIOUS_IRQ);
    irqs = test_reg_read(&a, SUBDMA_TEST_STAT_IRQS);
    for (i = 0; i < 32; i++) {
        tur_isr(&a);
    }
    n = lies_told(&a, SUBDMA_LIE_SPURIOUS_IRQ) - before;
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_IRQS) - irqs, ==,
                     32 + n);

    /* a cause with the line low: STATUS.IRQ clear while ISR has DONE */
    lies_on(&a, 7, SUBDMA_LIE_SWALLOW_IRQ);
    for (i = 0, n = 0, seen = false; i < 32; i++) {
        static const uint8_t tur[6] = { 0 };

        submit(&a, 0, false, tur, sizeof(tur), 0);
        g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_DONE), ==, SUBDMA_ISR_DONE);
        st = reg_read(&a, SUBDMA_REG_STATUS);
        n += !(st & SUBDMA_STATUS_IRQ);
        if (!(st & SUBDMA_STATUS_IRQ) && !seen) {
            /* the truth comes out once the lies stop */
            seen = true;
            lies_off(&a);
            g_assert_cmphex(reg_read(&a, SUBDMA_REG_STATUS), ==,
                            SUBDMA_STATUS_IRQ);
            lies_on(&a, 7, SUBDMA_LIE_SWALLOW_IRQ);
        }
        reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_SWALLOW_IRQ), ==, n);
    reg_write(&a, SUBDMA_REG_CTRL, 0);

    /* DREQ with no window: the 8237 sees the request, nothing moves */
    lies_on(&a, 8, SUBDMA_LIE_DREQ);
    test_reg_write(&a, SUBDMA_TEST_STAT_CLEAR, 0);
    qtest_outb(a.qts, 0x0a, 0x04 | 1);  /* channel 1 masked */
    for (i = 0, n = 0; i < 32 && !n; i++) {
        n = tur_isr(&a) && (qtest_inb(a.qts, 0x08) & (0x10 << 1));
    }
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_DREQ), >, 0);
    /* the channel serves it, with count to go: nothing moves */
    qtest_memset(a.qts, BUF2_ADDR, 0x5a, len);
    dma_program(&a, BUF2_ADDR, len, true);
    g_assert_cmphex(qtest_inb(a.qts, 0x08) & (0x10 << 1), ==, 0);
    g_assert_cmphex(qtest_readb(a.qts, BUF2_ADDR), ==, 0x5a);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_BYTES), ==, 0);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_UNARMED_DREQ), ==, 0);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_OUTSIDE), ==, 0);

    /* the target takes more (an overrun) or less (TOTAL short) */
    lies_on(&a, 9, SUBDMA_LIE_XFER);
    for (i = 0, n = 0; i < 32; i++) {
        isr = read_window(&a, 2 * i, 2);
        if (isr & SUBDMA_ISR_ERROR) {
            g_assert_cmphex(reg_read(&a, SUBDMA_REG_ERROR), ==,
                            SUBDMA_ERR_OVERRUN);
            n++;
        } else if (reg_read32(&a, SUBDMA_REG_TOTAL) < len) {
            n++;
        }
        reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(lies_told(&a, SUBDMA_LIE_XFER), ==, n);

    /* all at once, then none: honest I/O, nothing outside a window */
    lies_on(&a, 10, SUBDMA_LIE_ALL);
    for (i = 0; i < 16; i++) {
        read_window(&a, i, 1);
        reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ADAPTER_RESET);
        reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    }
    lies_off(&a);
    reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_ISR), ==, 0);
    ready(&a);
    check_read(&a, 7, 4, BUF_ADDR);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_OUTSIDE), ==, 0);
    qtest_quit(a.qts);
}

/*
 * The oracle: a window armed at one address whose transfer the 8237
 * then lands at another is counted, and only that one
 */
static void test_window_outside(void)
{
    uint32_t len = 2 * SECTOR;
    uint8_t cdb[10] = { 0x28, 0, 0, 0, 0, 4, 0, 0, 2, 0 };
    Adapter a;

    adapter_start(&a, 0x340, 5, 1);
    ready(&a);
    test_reg_write(&a, SUBDMA_TEST_STAT_CLEAR, 0);
    check_read(&a, 0, 2, BUF_ADDR);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_OUTSIDE), ==, 0);

    /* programmed at BUF_ADDR and armed, then moved to BUF2_ADDR */
    submit(&a, 0, true, cdb, sizeof(cdb), len);
    dma_program(&a, BUF_ADDR, len, true);
    qtest_outb(a.qts, 0x0a, 0x04 | 1);  /* mask: nothing moves yet */
    reg_write32(&a, SUBDMA_REG_WIN_LEN, len);
    reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    dma_program(&a, BUF2_ADDR, len, true);
    g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_DONE), ==,
                    SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE);
    reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_ALL);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_OUTSIDE), >=, 1);
    g_assert_cmphex(qtest_readb(a.qts, BUF2_ADDR), ==, pattern(4 * SECTOR));

    /* honest windows again: the count stays */
    test_reg_write(&a, SUBDMA_TEST_STAT_CLEAR, 0);
    check_read(&a, 8, 2, BUF_ADDR);
    g_assert_cmpuint(test_reg_read(&a, SUBDMA_TEST_STAT_OUTSIDE), ==, 0);
    qtest_quit(a.qts);
}

static void wait_migration(QTestState *qts)
{
    QDict *rsp = NULL;
    const char *status = NULL;
    int i;

    for (i = 0; i < 5000; i++) {
        rsp = qtest_qmp(qts, "{ 'execute': 'query-migrate' }");
        status = qdict_get_try_str(qdict_get_qdict(rsp, "return"), "status");
        if (status && (!strcmp(status, "completed") ||
                       !strcmp(status, "failed"))) {
            break;
        }
        qobject_unref(rsp);
        rsp = NULL;
        g_usleep(1000);
    }
    g_assert_cmpstr(status, ==, "completed");
    qobject_unref(rsp);
}

static void wait_running(QTestState *qts)
{
    bool running = false;
    int i;

    for (i = 0; i < 5000 && !running; i++) {
        QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-status' }");

        running = qdict_get_bool(qdict_get_qdict(rsp, "return"), "running");
        qobject_unref(rsp);
        if (!running) {
            g_usleep(1000);
        }
    }
    g_assert(running);
}

/*
 * The adapter's state migrates, with a command in flight: half of a
 * READ(10) moves before the migration, the other half after it.
 */
static void test_migrate(void)
{
    static const uint8_t cdb[10] = { 0x28, 0, 0, 0, 0, 20, 0, 0, 4, 0 };
    uint32_t len = 4 * SECTOR, half = len / 2, i;
    g_autofree char *state = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *incoming = NULL;
    g_autofree uint8_t *buf = g_malloc(len);
    Adapter a;
    QDict *rsp;
    int fd;

    fd = g_file_open_tmp("qtest-subdma-state.XXXXXX", &state, NULL);
    g_assert(fd >= 0);
    close(fd);

    adapter_start(&a, 0x340, 5, 1);
    ready(&a);
    submit(&a, 0, true, cdb, sizeof(cdb), len);
    dma_program(&a, BUF_ADDR, len, true);
    reg_write32(&a, SUBDMA_REG_WIN_LEN, half);
    reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_WINDOW), ==, SUBDMA_ISR_WINDOW);
    reg_write(&a, SUBDMA_REG_ISR, SUBDMA_ISR_WINDOW);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_STATUS), ==,
                    SUBDMA_STATUS_BUSY | SUBDMA_STATUS_DATA_WAIT);

    uri = g_strdup_printf("exec:cat >%s", state);
    rsp = qtest_qmp(a.qts, "{ 'execute': 'migrate', 'arguments': "
                    "{ 'uri': %s } }", uri);
    g_assert(!qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    wait_migration(a.qts);
    qtest_quit(a.qts);

    incoming = g_strdup_printf("-incoming 'exec:cat %s'", state);
    adapter_start_args(&a, 0x340, 5, 1, incoming);
    wait_running(a.qts);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_STATUS), ==,
                    SUBDMA_STATUS_BUSY | SUBDMA_STATUS_DATA_WAIT);
    g_assert_cmpuint(reg_read32(&a, SUBDMA_REG_TOTAL), ==, half);
    reg_write(&a, SUBDMA_REG_CMD, SUBDMA_CMD_ARM);
    g_assert_cmphex(wait_isr(&a, SUBDMA_ISR_DONE), ==,
                    SUBDMA_ISR_WINDOW | SUBDMA_ISR_DONE);
    g_assert_cmphex(reg_read(&a, SUBDMA_REG_SCSI_STATUS), ==, 0);
    g_assert_cmpuint(reg_read32(&a, SUBDMA_REG_TOTAL), ==, len);
    qtest_memread(a.qts, BUF_ADDR, buf, len);
    for (i = 0; i < len; i++) {
        g_assert_cmphex(buf[i], ==, pattern(20 * SECTOR + i));
    }
    qtest_quit(a.qts);
    unlink(state);
}

int main(int argc, char **argv)
{
    g_autofree uint8_t *disk = g_malloc(DISK_SECTORS * SECTOR);
    int fd, ret;
    uint32_t i;

    fd = g_file_open_tmp("qtest-subdma.XXXXXX", &disk_path, NULL);
    g_assert(fd >= 0);
    for (i = 0; i < DISK_SECTORS * SECTOR; i++) {
        disk[i] = pattern(i);
    }
    g_assert(write(fd, disk, DISK_SECTORS * SECTOR) ==
             DISK_SECTORS * SECTOR);
    close(fd);

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("subdma/identify", test_identify);
    qtest_add_func("subdma/read-8bit", test_read_8bit);
    qtest_add_func("subdma/write-read-16bit", test_write_read_16bit);
    qtest_add_func("subdma/errors", test_errors);
    qtest_add_func("subdma/write-hold-last", test_write_hold_last);
    qtest_add_func("subdma/isa-rate", test_isa_rate);
    qtest_add_func("subdma/migrate", test_migrate);
    qtest_add_func("subdma/lies-property", test_lies_property);
    qtest_add_func("subdma/lies-kinds", test_lies_kinds);
    qtest_add_func("subdma/window-outside", test_window_outside);
    ret = g_test_run();

    unlink(disk_path);
    g_free(disk_path);
    return ret;
}
