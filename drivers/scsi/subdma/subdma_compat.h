/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: the one place that knows kernels differ.
 *
 * The driver is written to the newest kernel's API (7.3); what older
 * kernels (6.1, 6.12) lack is supplied here, under names that say which
 * feature they stand for.  This is the only file that looks at
 * LINUX_VERSION_CODE, and only where no feature can be tested at compile
 * time (a distribution may backport a change; a test of the feature
 * itself follows it).
 *
 * The series for the kernel tree (tests/kernel/series.sh) is made from
 * the same sources: each macro below is replaced by what it is on the
 * newest kernel, and the file goes.  So each is a name, a type or a
 * statement on its own, and the newest kernel's is plain code.
 */
#ifndef SUBDMA_COMPAT_H
#define SUBDMA_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>
#include <scsi/scsi.h>
#include <scsi/scsi_host.h>

/* the kernel is VERSION.PATCHLEVEL or newer (version tests end here) */
#define SUBDMA_KERNEL_AT_LEAST(version, patchlevel)			\
	(KERNEL_VERSION(version, patchlevel, 0) <= LINUX_VERSION_CODE)

/*
 * .queuecommand returns enum scsi_qc_status since 7.0; before, an int,
 * and SCSI_MLQUEUE_HOST_BUSY and its kin were macros rather than the
 * enumerators of that type.
 */
#ifdef SCSI_MLQUEUE_HOST_BUSY
#define SUBDMA_QC_STATUS	int
#else
#define SUBDMA_QC_STATUS	enum scsi_qc_status
#endif

/*
 * .eh_timed_out returns enum scsi_timeout_action since 6.2; before, the
 * block layer's verdict, where BLK_EH_DONE went on to abort a command
 * that scsi_done() had not completed, as SCSI_EH_NOT_HANDLED does since.
 */
#if SUBDMA_KERNEL_AT_LEAST(6, 2)
#define subdma_timeout_action	scsi_timeout_action
#define SUBDMA_EH_NOT_HANDLED	SCSI_EH_NOT_HANDLED
#define SUBDMA_EH_RESET_TIMER	SCSI_EH_RESET_TIMER
#else
#define subdma_timeout_action	blk_eh_timer_return
#define SUBDMA_EH_NOT_HANDLED	BLK_EH_DONE
#define SUBDMA_EH_RESET_TIMER	BLK_EH_RESET_TIMER
#endif

/*
 * platform_driver.remove returns void since 6.11.  The driver's remove
 * callback is written that way; SUBDMA_PLATFORM_REMOVE(fn) names what
 * goes in .remove, and SUBDMA_DEFINE_PLATFORM_REMOVE(fn) defines the
 * wrapper that returns the int older kernels expect.
 */
#if SUBDMA_KERNEL_AT_LEAST(6, 11)
#define SUBDMA_REMOVE_RETURNS_VOID	1
#endif

#ifdef SUBDMA_REMOVE_RETURNS_VOID
#define SUBDMA_PLATFORM_REMOVE(fn)	fn
#define SUBDMA_DEFINE_PLATFORM_REMOVE(fn)
#else
#define SUBDMA_PLATFORM_REMOVE(fn)	(fn##_int)
#define SUBDMA_DEFINE_PLATFORM_REMOVE(fn)				\
	static int fn##_int(struct platform_device *pdev)		\
	{								\
		fn(pdev);						\
		return 0;						\
	}
#endif

/*
 * Symbol namespaces are string literals since 6.13:
 * MODULE_IMPORT_NS("NS").  Before, the macro quoted its bare argument
 * itself; it is given the newer form here.
 */
#if !SUBDMA_KERNEL_AT_LEAST(6, 13)
#undef MODULE_IMPORT_NS
#define MODULE_IMPORT_NS(ns)	MODULE_INFO(import_ns, ns)
#endif

/*
 * A region of a device's dma_range_map (<linux/dma-direct.h>, for the
 * KUnit tests) held the offset of its bus addresses, cpu_start less
 * dma_start, until 6.8, and the translation used it; since, the
 * translation takes it from the two starts.  The last initializer of a
 * region: SUBDMA_BUS_DMA_OFFSET(cpu_start - dma_start).
 */
#if SUBDMA_KERNEL_AT_LEAST(6, 8)
#define SUBDMA_BUS_DMA_OFFSET(cpu_less_bus)
#else
#define SUBDMA_BUS_DMA_OFFSET(cpu_less_bus)	.offset = (cpu_less_bus)
#endif

#endif /* SUBDMA_COMPAT_H */
