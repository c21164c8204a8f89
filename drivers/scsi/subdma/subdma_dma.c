// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma: the DMA layer.
 *
 * The 8237 moves one physically contiguous window at a time: at most
 * 64 KiB (128 KiB on a 16-bit channel), never across such a page, never
 * above 16 MiB, and in words on a 16-bit channel.  A command whose data
 * the channel can reach where it lies is mapped with dma_map_sg() and
 * moved window by window in place; any other goes through the map
 * registers: two windows of bounce memory below 16 MiB, used in turn.
 * A write's data is copied into one half while the channel drains the
 * other; a read's window is copied back, as far as it really moved, while
 * the channel fills the other half.  The copies run outside the lock that
 * guards the transfer: subdma_dma_copy_next() hands a half to the CPU,
 * subdma_dma_copy_done() gives it back.
 */

#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>

#include "subdma_dma.h"

static u32 subdma_page_size(bool wide)
{
	return wide ? SZ_128K : SZ_64K;
}

/**
 * subdma_window_len() - the longest window the 8237 can run from an address
 * @addr: bus address of the window's first byte
 * @avail: contiguous bytes from @addr that the window may cover
 * @wide: 16-bit channel
 *
 * A window stays inside its 64 KiB (8-bit) or 128 KiB (16-bit) DMA page,
 * and so below 16 MiB; on a 16-bit channel it starts at an even address
 * and moves whole words.
 *
 * Return: the window length in bytes, 0 if no window can start at @addr.
 */
VISIBLE_IF_KUNIT u32 subdma_window_len(dma_addr_t addr, u32 avail, bool wide)
{
	u32 page = subdma_page_size(wide);
	u32 len;

	if (addr >= SUBDMA_DMA_LIMIT || (wide && (addr & 1)))
		return 0;
	len = min_t(u32, avail, page - (addr & (page - 1)));
	return wide ? len & ~1U : len;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_window_len);

/**
 * subdma_window_max() - the longest window a channel is given
 * @wide: 16-bit channel
 * @short_windows: the ISA bridge mishandles full-size transfers
 *
 * A whole DMA page, or half of one where the bridge wraps or hangs on a
 * transfer of the full count (the kernel's isa_dma_bridge_buggy).
 *
 * Return: the length in bytes, a power of two that divides the page.
 */
VISIBLE_IF_KUNIT u32 subdma_window_max(bool wide, bool short_windows)
{
	return subdma_page_size(wide) >> short_windows;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_window_max);

/**
 * subdma_dma_init() - set up a channel and allocate its map registers
 * @d: the channel
 * @dev: device with a 24-bit DMA mask
 * @ops: the 8237
 * @chan: channel number
 * @short_windows: the ISA bridge mishandles full-size transfers: no
 *	window is longer than half a DMA page (subdma_window_max())
 *
 * Return: 0, or -ENOMEM when no suitable memory below 16 MiB is free.
 */
int subdma_dma_init(struct subdma_dma *d, struct device *dev,
		    const struct subdma_isadma_ops *ops, unsigned int chan,
		    bool short_windows)
{
	d->dev = dev;
	d->ops = ops;
	d->chan = chan;
	d->wide = chan >= 4;
	d->mapregs_size = subdma_window_max(d->wide, short_windows);
	d->mapregs = dma_alloc_coherent(dev, 2 * d->mapregs_size,
					&d->mapregs_dma, GFP_KERNEL);
	if (!d->mapregs)
		return -ENOMEM;
	/* A buddy block is aligned to its size; make sure of it anyway */
	if (subdma_window_len(d->mapregs_dma, d->mapregs_size, d->wide) !=
	    d->mapregs_size ||
	    subdma_window_len(d->mapregs_dma + d->mapregs_size,
			      d->mapregs_size, d->wide) != d->mapregs_size) {
		dev_err(dev, "map registers at %pad cross a DMA page\n",
			&d->mapregs_dma);
		subdma_dma_exit(d);
		return -ENOMEM;
	}
	return 0;
}

/**
 * subdma_dma_exit() - free the map registers of a channel
 * @d: the channel
 */
void subdma_dma_exit(struct subdma_dma *d)
{
	if (d->mapregs)
		dma_free_coherent(d->dev, 2 * d->mapregs_size, d->mapregs,
				  d->mapregs_dma);
	d->mapregs = NULL;
}

/**
 * subdma_dma_mask() - mask the channel, as it is between windows
 * @d: the channel
 *
 * For a channel whose controller may have been reset meanwhile (a
 * resume): whatever it holds, it moves nothing until the next window is
 * programmed and armed.
 */
void subdma_dma_mask(struct subdma_dma *d)
{
	unsigned long flags = d->ops->claim();

	d->ops->disable(d->chan);
	d->ops->release(flags);
}

/*
 * Can the channel move the first @len bytes of the list where they lie?
 * Before mapping, CPU physical addresses are what the 8237 would see; after
 * it, the bus addresses dma_map_sg() returned.
 */
static bool subdma_sg_reachable(struct subdma_dma *d, struct scatterlist *sgl,
				unsigned int nents, u32 len, bool mapped)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(sgl, sg, nents, i) {
		u64 addr = mapped ? sg_dma_address(sg) : sg_phys(sg);
		u32 seg = min_t(u32, mapped ? sg_dma_len(sg) : sg->length, len);

		if (!len)
			break;
		if (addr + seg > SUBDMA_DMA_LIMIT)
			return false;
		len -= seg;
		/* words only; the transfer's own odd last byte goes by hand */
		if (d->wide && ((addr & 1) || ((seg & 1) && len)))
			return false;
	}
	return !len;
}

/*
 * Windows the channel would need for the first @len bytes of the list
 * where they lie, which it reaches (subdma_sg_reachable()): one per run
 * that is contiguous in CPU physical addresses, cut where
 * subdma_window_len() cuts it.  Through the map registers a window takes
 * up to a page of the data, wherever it lies.
 */
static unsigned int subdma_sg_windows(struct subdma_dma *d,
				      struct scatterlist *sgl,
				      unsigned int nents, u32 len)
{
	unsigned int windows = 0, i;
	u32 room = 0;
	struct scatterlist *sg;
	u64 next = 0;

	for_each_sg(sgl, sg, nents, i) {
		u64 addr = sg_phys(sg);
		u32 seg = min_t(u32, sg->length, len);

		len -= seg;
		while (seg) {
			u32 take;

			if (!room || addr != next) {
				windows++;
				room = subdma_window_len(addr, d->mapregs_size,
							 d->wide);
				/* not for a reachable list; never loop on it */
				if (!room)
					return UINT_MAX;
			}
			take = min(seg, room);
			addr += take;
			seg -= take;
			room -= take;
			next = addr;
		}
		if (!len)
			break;
	}
	return windows;
}

/*
 * dma_map_sg(): a real kernel fails a mapping only with a warning of its
 * own, so a test of what the driver does then stands in for it
 */
static unsigned int subdma_map_sg(struct subdma_dma *d,
				  struct scatterlist *sgl, unsigned int nents,
				  enum dma_data_direction dir)
{
	const struct subdma_seams *seams = subdma_seams(d);

	if (seams && seams->map_sg)
		return seams->map_sg(d->dev, sgl, nents, dir);
	return dma_map_sg(d->dev, sgl, nents, dir);
}

/**
 * subdma_dma_map() - prepare a command's data for the channel
 * @d: the channel
 * @t: the transfer to set up
 * @sgl: the command's scatterlist
 * @nents: its entries
 * @len: bytes to move
 * @dir: direction
 *
 * The first half of ScsiPortIoMapTransfer: dma_map_sg() when the channel
 * reaches every byte in place, the map registers otherwise - also when
 * dma_map_sg() fails, or bounces the data out of the channel's reach, as
 * it may where the kernel bounces all DMA.  Data the channel reaches but
 * scattered, so that it would need more windows (an interrupt each) in
 * place than through the map registers, goes through them too.  Nothing
 * is programmed yet.
 */
void subdma_dma_map(struct subdma_dma *d, struct subdma_transfer *t,
		    struct scatterlist *sgl, unsigned int nents, u32 len,
		    enum dma_data_direction dir)
{
	*t = (struct subdma_transfer) {
		.sgl = sgl, .nents = nents, .dir = dir, .len = len,
	};
	if (!len)
		return;
	if (subdma_sg_reachable(d, sgl, nents, len, false) &&
	    subdma_sg_windows(d, sgl, nents, len) <=
	    DIV_ROUND_UP(len, d->mapregs_size)) {
		t->mapped = subdma_map_sg(d, sgl, nents, dir);
		if (t->mapped &&
		    subdma_sg_reachable(d, sgl, t->mapped, len, true)) {
			t->cur = sgl;
			return;
		}
		if (t->mapped)
			dma_unmap_sg(d->dev, sgl, nents, dir);
		t->mapped = 0;
	}
	t->bounce = true;
}

/* Bytes contiguous in bus addresses from the transfer's position */
static u32 subdma_direct_run(struct subdma_transfer *t, u32 limit,
			     dma_addr_t *addr)
{
	struct scatterlist *sg = t->cur;
	unsigned int idx = t->cur_idx;
	u32 run = min(sg_dma_len(sg) - t->cur_off, limit);
	dma_addr_t next;

	*addr = sg_dma_address(sg) + t->cur_off;
	next = *addr + run;
	while (run < limit && ++idx < t->mapped) {
		sg = sg_next(sg);
		if (sg_dma_address(sg) != next)
			break;
		run += min(sg_dma_len(sg), limit - run);
		next = *addr + run;
	}
	return run;
}

static void subdma_advance(struct subdma_transfer *t, u32 n)
{
	t->done += n;
	if (!t->mapped)
		return;
	t->cur_off += n;
	while (t->cur_idx + 1 < t->mapped && t->cur_off >= sg_dma_len(t->cur)) {
		t->cur_off -= sg_dma_len(t->cur);
		t->cur = sg_next(t->cur);
		t->cur_idx++;
	}
}

/*
 * The half for the next window through the map registers: for a read a
 * free one, for a write the one staged with the data at the transfer's
 * position.  -1 when there is none yet.
 */
static int subdma_half_for_window(struct subdma_transfer *t)
{
	bool copying = false;
	int k;

	for (k = 0; k < 2; k++) {
		const struct subdma_half *half = &t->half[k];

		if (t->dir == DMA_FROM_DEVICE ? half->state == SUBDMA_HALF_FREE :
		    half->state == SUBDMA_HALF_STAGED && half->off == t->done)
			return k;
		copying |= half->state == SUBDMA_HALF_COPYING;
	}
	/*
	 * A write's window that moved less than it held leaves what was
	 * staged after it at the wrong offset: stage again from where the
	 * channel stopped, once no copy is under way.
	 */
	if (t->dir == DMA_TO_DEVICE && !copying) {
		for (k = 0; k < 2; k++)
			if (t->half[k].state == SUBDMA_HALF_STAGED)
				t->half[k].state = SUBDMA_HALF_FREE;
		t->copied = t->done;
	}
	return -1;
}

/**
 * subdma_dma_program() - MapTransfer: hand the next window to the channel
 * @d: the channel
 * @t: the transfer
 *
 * Plans the longest 8237-legal window at the transfer's position - in a
 * free half of the map registers for a read through them, in the half
 * staged with its data for a write - and programs the channel under the
 * DMA lock: mask, flip-flop, mode, address, count, unmask.  A window that
 * is still programmed must be flushed first.
 *
 * Return: the window length; 0 when no window is left (or only the odd
 * last byte of a 16-bit transfer, which goes by hand), or when its half
 * of the map registers is not ready yet (subdma_dma_copy_due()).
 */
u32 subdma_dma_program(struct subdma_dma *d, struct subdma_transfer *t)
{
	const struct subdma_isadma_ops *ops = d->ops;
	bool to_memory = t->dir == DMA_FROM_DEVICE;
	u32 left = t->len > t->done ? t->len - t->done : 0;
	unsigned long flags;
	dma_addr_t addr;
	int half = 0;
	u32 len;

	if (t->win_programmed || !left)
		return 0;
	if (t->bounce) {
		half = subdma_half_for_window(t);
		if (half < 0)
			return 0;
		addr = d->mapregs_dma + half * d->mapregs_size;
		len = to_memory ? min(left, d->mapregs_size) : t->half[half].len;
	} else {
		len = subdma_direct_run(t, min(left, d->mapregs_size), &addr);
	}
	len = subdma_window_len(addr, len, d->wide);
	if (!len)
		return 0;
	if (t->bounce) {
		t->win_half = half;
		t->half[half].state = SUBDMA_HALF_CHANNEL;
		t->half[half].off = t->done;
	}

	flags = ops->claim();
	ops->disable(d->chan);
	ops->clear_ff(d->chan);
	ops->set_mode(d->chan, to_memory);
	ops->set_addr(d->chan, addr);
	ops->set_count(d->chan, len);
	ops->enable(d->chan);
	ops->release(flags);

	t->win_addr = addr;
	t->win_len = len;
	t->win_programmed = true;
	dev_dbg_ratelimited(d->dev, "channel %u: window %pad+%u %s\n", d->chan,
			    &addr, len, to_memory ? "in" : "out");
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_program);

/**
 * subdma_dma_flush() - FlushAdapterBuffers: end the window the channel holds
 * @d: the channel
 * @t: the transfer
 * @moved: bytes the adapter says moved in the window; 0 when the window
 *	never started (the ScsiPortFlushDma "cancel" case)
 *
 * Masks the channel and reads its residue under the DMA lock and moves
 * the transfer past the bytes that really moved.  Through the map
 * registers, a read's half then waits for those bytes to be copied back
 * (subdma_dma_copy_next()); a write's is free again.  Does nothing when
 * no window is programmed, so every completion path may call it.
 *
 * Return: bytes the channel moved by its own count.
 */
u32 subdma_dma_flush(struct subdma_dma *d, struct subdma_transfer *t,
		     u32 moved)
{
	const struct subdma_isadma_ops *ops = d->ops;
	u32 page = subdma_page_size(d->wide);
	unsigned long flags;
	u32 by_channel;
	int residue;

	if (!t->win_programmed)
		return 0;
	flags = ops->claim();
	ops->disable(d->chan);
	ops->clear_ff(d->chan);
	residue = ops->residue(d->chan);
	ops->release(flags);
	t->win_programmed = false;

	/*
	 * The count has 16 bits: a window of a full page reads alike done or
	 * not, and only then does the adapter's count decide
	 */
	by_channel = (t->win_len - residue) & (page - 1);
	if (!by_channel && t->win_len == page && moved == t->win_len)
		by_channel = moved;
	moved = min(moved, by_channel);
	dev_dbg_ratelimited(d->dev, "channel %u: flushed, %u of %u moved (channel: %u)\n",
			    d->chan, moved, t->win_len, by_channel);
	if (t->bounce) {
		struct subdma_half *half = &t->half[t->win_half];

		half->state = t->dir == DMA_FROM_DEVICE && moved ?
			      SUBDMA_HALF_MOVED : SUBDMA_HALF_FREE;
		half->len = moved;
	}
	subdma_advance(t, moved);
	return by_channel;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_flush);

/* The half with the next copy, -1 when none is due */
static int subdma_half_to_copy(const struct subdma_transfer *t, bool stage)
{
	int k, pick = -1;

	if (!t->bounce)
		return -1;
	for (k = 0; k < 2; k++) {
		const struct subdma_half *half = &t->half[k];

		if (t->dir == DMA_FROM_DEVICE) {
			/* back in the order the channel moved them */
			if (half->state == SUBDMA_HALF_MOVED &&
			    (pick < 0 || half->off < t->half[pick].off))
				pick = k;
		} else if (stage && half->state == SUBDMA_HALF_FREE &&
			   t->copied < t->len) {
			return k;
		}
	}
	return pick;
}

/**
 * subdma_dma_copy_due() - whether a copy through the map registers is due
 * @t: the transfer
 * @stage: a write's data may still be copied in
 *
 * Return: true when subdma_dma_copy_next() would hand out a half.
 */
bool subdma_dma_copy_due(struct subdma_transfer *t, bool stage)
{
	return subdma_half_to_copy(t, stage) >= 0;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_copy_due);

/**
 * subdma_dma_copies_pending() - whether the buffer still waits for a copy
 * @t: the transfer
 *
 * Return: true while a half is being copied, or a read's half waits to
 * be copied back; the transfer may not be unmapped before.
 */
bool subdma_dma_copies_pending(struct subdma_transfer *t)
{
	int k;

	for (k = 0; k < 2; k++)
		if (t->half[k].state == SUBDMA_HALF_COPYING ||
		    (t->dir == DMA_FROM_DEVICE &&
		     t->half[k].state == SUBDMA_HALF_MOVED))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_copies_pending);

/**
 * subdma_dma_copy_next() - hand the next copy through the map registers
 *	to the CPU
 * @d: the channel
 * @t: the transfer
 * @stage: a write's data may still be copied in; false once the command
 *	ended
 *
 * A read's windows go back in the order the channel moved them; a write's
 * data is copied into a free half ahead of the channel.  The half is the
 * CPU's until subdma_dma_copy_done(): the copy itself, subdma_dma_copy(),
 * needs no lock.
 *
 * Return: the half to copy, or -1 when no copy is due.
 */
int subdma_dma_copy_next(struct subdma_dma *d, struct subdma_transfer *t,
			 bool stage)
{
	int k = subdma_half_to_copy(t, stage);
	struct subdma_half *half;

	if (k < 0)
		return -1;
	half = &t->half[k];
	if (t->dir == DMA_TO_DEVICE) {
		half->off = t->copied;
		half->len = min(t->len - t->copied, d->mapregs_size);
		t->copied += half->len;
	}
	half->state = SUBDMA_HALF_COPYING;
	return k;
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_copy_next);

/**
 * subdma_dma_copy() - copy between a half of the map registers and the buffer
 * @d: the channel
 * @t: the transfer
 * @half: the half subdma_dma_copy_next() handed out
 */
void subdma_dma_copy(struct subdma_dma *d, struct subdma_transfer *t,
		     unsigned int half)
{
	const struct subdma_seams *seams = subdma_seams(d);
	const struct subdma_half *hf = &t->half[half];
	void *buf = d->mapregs + half * d->mapregs_size;

	if (seams && seams->copy) {
		seams->copy(d, t, half);
		return;
	}
	if (t->dir == DMA_FROM_DEVICE)
		sg_pcopy_from_buffer(t->sgl, t->nents, buf, hf->len, hf->off);
	else
		sg_pcopy_to_buffer(t->sgl, t->nents, buf, hf->len, hf->off);
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_copy);

/**
 * subdma_dma_copy_done() - give a copied half back
 * @t: the transfer
 * @half: the half
 *
 * A read's half is free for the channel again, a write's is staged for it.
 */
void subdma_dma_copy_done(struct subdma_transfer *t, unsigned int half)
{
	struct subdma_half *hf = &t->half[half];

	if (t->dir == DMA_FROM_DEVICE) {
		t->copied += hf->len;
		hf->state = SUBDMA_HALF_FREE;
	} else {
		hf->state = SUBDMA_HALF_STAGED;
	}
}
EXPORT_SYMBOL_IF_KUNIT(subdma_dma_copy_done);

/**
 * subdma_dma_unmap() - release a command's data
 * @d: the channel
 * @t: the transfer
 *
 * Flushes a window still programmed (moving nothing), then unmaps the
 * scatterlist or frees the map registers.  A read's data that the channel
 * moved but that was never copied back (the command was stopped first)
 * no longer counts as moved, nor anything after it: the transfer ends
 * where the first such half began, and an odd byte read after it is
 * dropped.  No copy may be under way.  Safe to call twice.
 */
void subdma_dma_unmap(struct subdma_dma *d, struct subdma_transfer *t)
{
	int k;

	subdma_dma_flush(d, t, 0);
	for (k = 0; k < 2; k++) {
		if (t->half[k].state == SUBDMA_HALF_MOVED) {
			t->done = min(t->done, t->half[k].off);
			t->odd_pending = false;
		}
		t->half[k].state = SUBDMA_HALF_FREE;
	}
	if (t->mapped)
		dma_unmap_sg(d->dev, t->sgl, t->nents, t->dir);
	t->mapped = 0;
	/* the CPU owns the buffer again: now the odd byte may land */
	if (t->odd_pending)
		sg_pcopy_from_buffer(t->sgl, t->nents, &t->odd_byte, 1,
				     t->odd_off);
	t->odd_pending = false;
	t->bounce = false;
}

/**
 * subdma_dma_pio_byte() - move the transfer's next byte by hand
 * @t: the transfer
 * @byte: data in: the byte the adapter delivered; data out: receives the
 *	byte to give it
 *
 * The odd last byte of a data phase cannot go through a 16-bit channel.
 * It is the byte where the transfer stands, which is the buffer's last
 * only when the target moves all of it: a shorter data phase ends with
 * its own odd byte.  A byte read is kept until subdma_dma_unmap(), as
 * the buffer may still be mapped for the device.
 *
 * Return: 0, or -EOVERFLOW when the transfer has no byte left for it.
 */
int subdma_dma_pio_byte(struct subdma_transfer *t, u8 *byte)
{
	if (t->done >= t->len)
		return -EOVERFLOW;
	if (t->dir == DMA_FROM_DEVICE) {
		t->odd_byte = *byte;
		t->odd_off = t->done;
		t->odd_pending = true;
	} else {
		sg_pcopy_to_buffer(t->sgl, t->nents, byte, 1, t->done);
	}
	subdma_advance(t, 1);
	return 0;
}
