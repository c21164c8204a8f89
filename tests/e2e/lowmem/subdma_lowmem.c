// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma_lowmem: a test helper, never shipped.  /dev/subdma_lowmem maps
 * pages from the DMA zone, below 16 MiB, into a process, so that the
 * end-to-end suite can hand the driver buffers the 8237 reaches where
 * they lie (O_DIRECT, SG_IO), whatever the size of the guest's memory.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

static int subdma_lowmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long addr;
	struct page *page;
	int ret;

	if (vma->vm_pgoff)
		return -EINVAL;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		page = alloc_page(GFP_KERNEL | GFP_DMA | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		/* the mapping holds its own reference, and frees the page */
		ret = vm_insert_page(vma, addr, page);
		put_page(page);
		if (ret)
			return ret;
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
