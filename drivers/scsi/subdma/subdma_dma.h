/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: the DMA layer, Windows' "adapter object" for a subordinate
 * device.  It plans 8237-legal windows over a command's data, owns the
 * map registers (bounce memory the 8237 can reach, in two halves: the
 * channel moves one while the CPU copies the other), programs a window
 * into the channel and flushes it.  It reaches the 8237 only through
 * struct subdma_isadma_ops.
 */
#ifndef SUBDMA_DMA_H
#define SUBDMA_DMA_H

#include <linux/dma-direction.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/types.h>

struct device;
struct subdma_dma;
struct subdma_transfer;

/* What the page registers reach: 24 address bits */
#define SUBDMA_DMA_LIMIT	SZ_16M

/**
 * struct subdma_isadma_ops - the system DMA controller, one channel at a time
 * @claim: take the controller's global lock (claim_dma_lock())
 * @release: drop it again
 * @disable: mask the channel
 * @enable: unmask the channel
 * @clear_ff: clear the address/count byte flip-flop
 * @set_mode: single transfer, increment, no autoinit; @to_memory picks
 *	the direction (device to memory, or memory to device)
 * @set_addr: bus address of the first byte
 * @set_count: bytes to move
 * @residue: bytes the channel has not moved
 *
 * All but @claim and @release are called with the lock held.
 */
struct subdma_isadma_ops {
	unsigned long (*claim)(void);
	void (*release)(unsigned long flags);
	void (*disable)(unsigned int chan);
	void (*enable)(unsigned int chan);
	void (*clear_ff)(unsigned int chan);
	void (*set_mode)(unsigned int chan, bool to_memory);
	void (*set_addr)(unsigned int chan, unsigned int addr);
	void (*set_count)(unsigned int chan, unsigned int count);
	int (*residue)(unsigned int chan);
};

/**
 * struct subdma_seams - where a KUnit test stands in for the kernel
 * @map_sg: for dma_map_sg()
 * @copy: for a copy through the map registers (subdma_dma_copy())
 * @wake_thread: for irq_wake_thread(), the interrupt thread's wake-up
 * @handing_back: told of a command the interrupt thread let go of,
 *	before it completes it
 *
 * A seam left NULL is the real thing.  Outside KUnit there are none.
 */
struct subdma_seams {
	unsigned int (*map_sg)(struct device *dev, struct scatterlist *sgl,
			       unsigned int nents, enum dma_data_direction dir);
	void (*copy)(struct subdma_dma *d, struct subdma_transfer *t,
		     unsigned int half);
	void (*wake_thread)(void *host);
	void (*handing_back)(void *host, void *cmd);
};

/**
 * struct subdma_dma - one DMA channel and its map registers
 * @dev: device the memory is mapped for (24-bit DMA mask)
 * @ops: the 8237
 * @chan: channel number, 0-3 or 5-7
 * @wide: 16-bit channel
 * @mapregs: map registers: two halves of bounce memory below 16 MiB,
 *	each one window, aligned so that no window crosses a DMA page
 * @mapregs_dma: their bus address
 * @mapregs_size: the size of a half: the largest window of the channel,
 *	a DMA page or half of one (subdma_window_max())
 * @seams: KUnit's stand-ins; NULL outside the tests
 *
 * The host holds one command at a time, and so the map registers are
 * always free for the next.
 */
struct subdma_dma {
	struct device *dev;
	const struct subdma_isadma_ops *ops;
	unsigned int chan;
	bool wide;
	void *mapregs;
	dma_addr_t mapregs_dma;
	u32 mapregs_size;
	const struct subdma_seams *seams;
};

/* The channel's seams, NULL outside KUnit: each one left NULL is real */
static inline const struct subdma_seams *
subdma_seams(const struct subdma_dma *d)
{
	return IS_ENABLED(CONFIG_KUNIT) ? d->seams : NULL;
}

/**
 * enum subdma_half_state - what one half of the map registers holds
 * @SUBDMA_HALF_FREE: nothing: a read's window may land in it, a write's
 *	data be copied into it
 * @SUBDMA_HALF_COPYING: the CPU copies between it and the buffer
 * @SUBDMA_HALF_STAGED: a write's data, ready for the channel
 * @SUBDMA_HALF_CHANNEL: the channel's window
 * @SUBDMA_HALF_MOVED: what a read's window moved, to be copied back
 */
enum subdma_half_state {
	SUBDMA_HALF_FREE,
	SUBDMA_HALF_COPYING,
	SUBDMA_HALF_STAGED,
	SUBDMA_HALF_CHANNEL,
	SUBDMA_HALF_MOVED,
};

/**
 * struct subdma_half - one half of the map registers
 * @state: what it holds
 * @off: offset in the transfer of its first byte
 * @len: bytes it holds (or, copying, the bytes being copied)
 */
struct subdma_half {
	enum subdma_half_state state;
	u32 off;
	u32 len;
};

/**
 * struct subdma_transfer - the data of one command, window by window
 * @sgl: the command's scatterlist
 * @nents: its entries
 * @mapped: entries dma_map_sg() returned; 0 when through map registers
 * @dir: direction
 * @len: bytes of the transfer
 * @done: bytes moved and flushed so far
 * @bounce: the data goes through the map registers
 * @cur: direct transfers: mapped entry holding byte @done
 * @cur_idx: index of @cur among the mapped entries
 * @cur_off: offset of byte @done in @cur
 * @win_addr: bus address of the window the channel holds
 * @win_len: its length
 * @win_programmed: the channel holds a window that is not flushed yet
 * @odd_pending: a read's odd last byte waits for the unmap
 * @odd_byte: that byte
 * @odd_off: its offset in the buffer
 * @half: through the map registers: what each half holds
 * @win_half: the half of the window the channel holds
 * @copied: through the map registers: bytes of a write copied in (ahead
 *	of @done), or of a read copied back (behind it)
 */
struct subdma_transfer {
	struct scatterlist *sgl;
	unsigned int nents;
	int mapped;
	enum dma_data_direction dir;
	u32 len;
	u32 done;
	bool bounce;
	struct scatterlist *cur;
	unsigned int cur_idx;
	u32 cur_off;
	dma_addr_t win_addr;
	u32 win_len;
	bool win_programmed;
	bool odd_pending;
	u8 odd_byte;
	u32 odd_off;
	struct subdma_half half[2];
	unsigned int win_half;
	u32 copied;
};

int subdma_dma_init(struct subdma_dma *d, struct device *dev,
		    const struct subdma_isadma_ops *ops, unsigned int chan,
		    bool short_windows);
void subdma_dma_exit(struct subdma_dma *d);
void subdma_dma_mask(struct subdma_dma *d);
void subdma_dma_map(struct subdma_dma *d, struct subdma_transfer *t,
		    struct scatterlist *sgl, unsigned int nents, u32 len,
		    enum dma_data_direction dir);
u32 subdma_dma_program(struct subdma_dma *d, struct subdma_transfer *t);
u32 subdma_dma_flush(struct subdma_dma *d, struct subdma_transfer *t,
		     u32 moved);
int subdma_dma_copy_next(struct subdma_dma *d, struct subdma_transfer *t,
			 bool stage);
void subdma_dma_copy(struct subdma_dma *d, struct subdma_transfer *t,
		     unsigned int half);
void subdma_dma_copy_done(struct subdma_transfer *t, unsigned int half);
bool subdma_dma_copy_due(struct subdma_transfer *t, bool stage);
bool subdma_dma_copies_pending(struct subdma_transfer *t);
void subdma_dma_unmap(struct subdma_dma *d, struct subdma_transfer *t);
int subdma_dma_pio_byte(struct subdma_transfer *t, u8 *byte);

#if IS_ENABLED(CONFIG_KUNIT)
u32 subdma_window_len(dma_addr_t addr, u32 avail, bool wide);
u32 subdma_window_max(bool wide, bool short_windows);
#endif

#endif /* SUBDMA_DMA_H */
