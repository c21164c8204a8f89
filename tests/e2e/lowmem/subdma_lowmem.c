// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma_lowmem: a test helper, never shipped.  /dev/subdma_lowmem maps
 * pages from the DMA zone, below 16 MiB, into a process, so that the
 * end-to-end suite can hand the driver buffers the 8237 reaches where
 * they lie (O_DIRECT, SG_IO), whatever the size of the guest's memory.
 */
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

/*
 * Offset 0 maps memory contiguous in blocks of 128 KiB, each one DMA page
 * of a 16-bit channel and two of an 8-bit one; offset one page maps pages
 * no two of which are adjacent.  Each block is split into pages that the
 * mapping holds its own reference to, and frees.
 */
#define SUBDMA_LOWMEM_BLOCK_ORDER	5

static int subdma_lowmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	bool scattered = vma->vm_pgoff == 1;
	unsigned long addr = vma->vm_start;
	unsigned int order, mapped, i;
	struct page *page;
	int ret = 0;

	if (vma->vm_pgoff > 1)
		return -EINVAL;
	while (addr < vma->vm_end) {
		order = scattered ? 1 : min(SUBDMA_LOWMEM_BLOCK_ORDER,
					    ilog2((vma->vm_end - addr) >> PAGE_SHIFT));
		mapped = scattered ? 1 : 1U << order;
		page = alloc_pages(GFP_KERNEL | GFP_DMA | __GFP_ZERO, order);
		if (!page)
			return -ENOMEM;
		split_page(page, order);
		for (i = 0; i < 1U << order; i++) {
			if (!ret && i < mapped)
				ret = vm_insert_page(vma, addr + i * PAGE_SIZE,
						     page + i);
			put_page(page + i);
		}
		if (ret)
			return ret;
		addr += mapped * PAGE_SIZE;
	}
	return 0;
}

static const struct file_operations subdma_lowmem_fops = {
	.owner = THIS_MODULE,
	.mmap = subdma_lowmem_mmap,
};

static struct miscdevice subdma_lowmem_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "subdma_lowmem",
	.fops = &subdma_lowmem_fops,
};

module_misc_device(subdma_lowmem_dev);

MODULE_DESCRIPTION("subdma test helper: process memory below 16 MiB");
MODULE_LICENSE("GPL");
