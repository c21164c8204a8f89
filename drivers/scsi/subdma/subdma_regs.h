/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma adapter: the register contract.
 *
 * This header is shared, unchanged, by the Linux driver and by the QEMU
 * model of the adapter, so the two can never disagree.  It holds only
 * constants; Documentation/scsi/subdma.rst describes what they mean.
 */
#ifndef SUBDMA_REGS_H
#define SUBDMA_REGS_H

/* ISA PnP identity (EISA-style) and the size of the I/O window */
#define SUBDMA_PNP_ID			"SDM0001"
#define SUBDMA_IO_EXTENT		0x20	/* 32 ports, base aligned to 32 */

/* Register offsets from the I/O base; all registers are 8 bits wide */
#define SUBDMA_REG_ID0			0x00	/* R: SUBDMA_ID0 */
#define SUBDMA_REG_ID1			0x01	/* R: SUBDMA_ID1 */
#define SUBDMA_REG_REV			0x02	/* R: interface revision */
#define SUBDMA_REG_CONFIG		0x03	/* R: IRQ, DMA channel, width */
#define SUBDMA_REG_STATUS		0x04	/* R: SUBDMA_STATUS_* */
#define SUBDMA_REG_CMD			0x04	/* W: SUBDMA_CMD_* */
#define SUBDMA_REG_ISR			0x05	/* R: causes; W: 1 clears */
#define SUBDMA_REG_CTRL			0x06	/* RW: SUBDMA_CTRL_* */
#define SUBDMA_REG_HOSTID		0x07	/* R: adapter's SCSI id */
#define SUBDMA_REG_TARGET		0x08	/* RW: target, LUN, direction */
#define SUBDMA_REG_TEST_SEL		0x09	/* W: test register index */
#define SUBDMA_REG_TEST_DATA		0x0a	/* RW: test register bytes */
#define SUBDMA_REG_SCSI_STATUS		0x0b	/* R: SCSI status byte */
#define SUBDMA_REG_ERROR		0x0c	/* R: SUBDMA_ERR_* */
#define SUBDMA_REG_SENSE_LEN		0x0d	/* R: auto-sense bytes, 0..96 */
#define SUBDMA_REG_ODD_BYTE		0x0e	/* RW: odd trailing byte */
#define SUBDMA_REG_FIFO			0x0f	/* W: CDB bytes; R: sense */
#define SUBDMA_REG_XFER			0x10	/* RW 32-bit LE: data length */
#define SUBDMA_REG_WIN_LEN		0x14	/* RW 32-bit LE: window size */
#define SUBDMA_REG_WIN_MOVED		0x18	/* R 32-bit LE: window bytes */
#define SUBDMA_REG_TOTAL		0x1c	/* R 32-bit LE: command bytes */

#define SUBDMA_ID0			0x53	/* 'S' */
#define SUBDMA_ID1			0x44	/* 'D' */
#define SUBDMA_ID			0x4453	/* ID0 | ID1 << 8, as a word */
#define SUBDMA_REV			0x11	/* 1.1: CTRL.HOLD_LAST */

/* CONFIG */
#define SUBDMA_CONFIG_IRQ_MASK		0x0f
#define SUBDMA_CONFIG_DMA_SHIFT		4
#define SUBDMA_CONFIG_DMA_MASK		0x70
#define SUBDMA_CONFIG_WIDE		0x80	/* 16-bit channel (5..7) */

/* STATUS */
#define SUBDMA_STATUS_BUSY		0x01	/* a command is in progress */
#define SUBDMA_STATUS_DATA_WAIT		0x02	/* data phase, no window */
#define SUBDMA_STATUS_ARMED		0x04	/* a window is armed */
#define SUBDMA_STATUS_IRQ		0x08	/* interrupt line asserted */
#define SUBDMA_STATUS_ODD		0x10	/* odd byte waits in ODD_BYTE */

/* CMD */
#define SUBDMA_CMD_NOP			0x00
#define SUBDMA_CMD_SUBMIT		0x01	/* start the command */
#define SUBDMA_CMD_ARM			0x02	/* run one window of WIN_LEN */
#define SUBDMA_CMD_ABORT		0x03	/* terminate the command */
#define SUBDMA_CMD_DEVICE_RESET		0x04	/* reset the TARGET id */
#define SUBDMA_CMD_BUS_RESET		0x05	/* reset the SCSI bus */
#define SUBDMA_CMD_ADAPTER_RESET	0x06	/* return to power-on state */
#define SUBDMA_CMD_CLEAR_FIFO		0x07	/* discard written CDB bytes */

/* ISR: interrupt causes; writing a 1 acknowledges that cause */
#define SUBDMA_ISR_WINDOW		0x01	/* armed window ended */
#define SUBDMA_ISR_DONE			0x02	/* command ended with status */
#define SUBDMA_ISR_ERROR		0x04	/* command ended, see ERROR */
#define SUBDMA_ISR_RESET		0x08	/* abort or reset completed */
#define SUBDMA_ISR_ILLEGAL		0x10	/* command refused, see ERROR */
#define SUBDMA_ISR_ODD			0x20	/* odd byte: use ODD_BYTE */
#define SUBDMA_ISR_ALL			0x3f

/* CTRL */
#define SUBDMA_CTRL_IRQ_ENABLE		0x01
#define SUBDMA_CTRL_HOLD_LAST		0x02	/* write's WINDOW with its end */

/* TARGET */
#define SUBDMA_TARGET_ID_MASK		0x07
#define SUBDMA_TARGET_LUN_SHIFT		4
#define SUBDMA_TARGET_LUN_MASK		0x70
#define SUBDMA_TARGET_DATA_IN		0x80	/* device to host */

/* ERROR: why the last ERROR or ILLEGAL interrupt was raised */
#define SUBDMA_ERR_NONE			0x00
#define SUBDMA_ERR_SELECTION_TIMEOUT	0x01	/* no device at that target */
#define SUBDMA_ERR_BUS_RESET		0x02	/* lost to a SCSI bus reset */
#define SUBDMA_ERR_OVERRUN		0x03	/* target wanted more than XFER */
#define SUBDMA_ERR_PHASE		0x04	/* direction disagrees with CDB */
#define SUBDMA_ERR_TARGET_FAILURE	0x05	/* target could not complete */
#define SUBDMA_ERR_BAD_COMMAND		0x10	/* unknown CMD opcode */
#define SUBDMA_ERR_BUSY			0x11	/* SUBMIT while BUSY */
#define SUBDMA_ERR_BAD_TARGET		0x12	/* TARGET is the adapter's id */
#define SUBDMA_ERR_BAD_CDB		0x13	/* SUBMIT with an empty FIFO */
#define SUBDMA_ERR_BAD_WINDOW		0x14	/* WIN_LEN illegal for channel */
#define SUBDMA_ERR_NOT_DATA_PHASE	0x15	/* ARM with no data to move */
#define SUBDMA_ERR_ALREADY_ARMED	0x16	/* ARM while ARMED */

#define SUBDMA_MAX_CDB			16
#define SUBDMA_MAX_SENSE		96
#define SUBDMA_MAX_TARGETS		8
#define SUBDMA_MAX_LUNS			8
#define SUBDMA_WINDOW_MAX_8BIT		0x10000		/* 64 KiB */
#define SUBDMA_WINDOW_MAX_16BIT		0x20000		/* 128 KiB */

/*
 * Factory test interface: write an index to TEST_SEL, then move the
 * selected 32-bit register through TEST_DATA, least significant byte
 * first; the byte pointer advances on each access and restarts on
 * every TEST_SEL write.
 */
#define SUBDMA_TEST_FAULT_KIND		0x00	/* SUBDMA_FAULT_* */
#define SUBDMA_TEST_FAULT_WHERE		0x01	/* SUBDMA_AT_* */
#define SUBDMA_TEST_FAULT_ARG		0x02	/* kind-specific */
#define SUBDMA_TEST_FAULT_COUNT		0x03	/* commands to strike */
#define SUBDMA_TEST_LIE_SEED		0x04	/* lies' seed; 0: no lies */
#define SUBDMA_TEST_LIE_KINDS		0x05	/* SUBDMA_LIE_* told */
#define SUBDMA_TEST_STAT_COMMANDS	0x10
#define SUBDMA_TEST_STAT_WINDOWS	0x11
#define SUBDMA_TEST_STAT_BYTES		0x12	/* low 32 bits */
#define SUBDMA_TEST_STAT_WRAPPED	0x13	/* windows across a page */
#define SUBDMA_TEST_STAT_UNARMED_DREQ	0x14	/* DACK with no window */
#define SUBDMA_TEST_STAT_PROTOCOL	0x15	/* accesses outside protocol */
#define SUBDMA_TEST_STAT_FAULTS		0x16	/* faults injected */
#define SUBDMA_TEST_STAT_IRQS		0x17	/* interrupts raised */
#define SUBDMA_TEST_STAT_OUTSIDE	0x18	/* transfers off the window */
#define SUBDMA_TEST_STAT_CLEAR		0x1f	/* W: any value clears stats */
#define SUBDMA_TEST_STAT_LIES		0x20	/* + kind's bit: lies told */

#define SUBDMA_FAULT_NONE		0x00
#define SUBDMA_FAULT_STALL		0x01	/* DREQ never comes */
#define SUBDMA_FAULT_SHORT		0x02	/* window ends ARG bytes early */
#define SUBDMA_FAULT_LOST_IRQ		0x03	/* cause set, line stays low */
#define SUBDMA_FAULT_SPURIOUS_IRQ	0x04	/* line pulsed, no cause */
#define SUBDMA_FAULT_SEL_TIMEOUT	0x05	/* target does not answer */
#define SUBDMA_FAULT_BUS_RESET		0x06	/* bus reset strikes */
#define SUBDMA_FAULT_CHECK		0x07	/* CHECK CONDITION, ARG sense */

#define SUBDMA_AT_SUBMIT		0x00	/* before the first window */
#define SUBDMA_AT_FIRST_WINDOW		0x01	/* halfway through window 1 */
#define SUBDMA_AT_LAST_WINDOW		0x02	/* halfway through the last */
#define SUBDMA_AT_STATUS		0x03	/* in the status phase */

/* LIE_KINDS: what a failing adapter lies about, a bit each */
#define SUBDMA_LIE_ISR			0x0001	/* ISR reads random or 0xff */
#define SUBDMA_LIE_STATUS		0x0002	/* STATUS reads bits flipped */
#define SUBDMA_LIE_COUNTS		0x0004	/* WIN_MOVED, TOTAL too big */
#define SUBDMA_LIE_DONE_EARLY		0x0008	/* DONE read for a WINDOW */
#define SUBDMA_LIE_EMPTY_WINDOW		0x0010	/* WINDOW, no data phase */
#define SUBDMA_LIE_DUP_DONE		0x0020	/* DONE again after its ack */
#define SUBDMA_LIE_SPURIOUS_IRQ		0x0040	/* line pulsed, no cause */
#define SUBDMA_LIE_SWALLOW_IRQ		0x0080	/* cause set, line stays low */
#define SUBDMA_LIE_DREQ			0x0100	/* DREQ with no window armed */
#define SUBDMA_LIE_XFER			0x0200	/* target off XFER: more, less */
#define SUBDMA_LIE_KINDS		10
#define SUBDMA_LIE_ALL			0x03ff

/* FAULT_ARG of SUBDMA_FAULT_CHECK: sense key, ASC, ASCQ */
#define SUBDMA_FAULT_ARG_KEY_SHIFT	16
#define SUBDMA_FAULT_ARG_ASC_SHIFT	8

#endif /* SUBDMA_REGS_H */
