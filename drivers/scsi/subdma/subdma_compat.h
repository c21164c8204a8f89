/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subdma: what differs between the kernels the driver serves.  The driver
 * is written to the newest API; older kernels get it here, by feature,
 * and this is the only file that looks at the kernel's version.
 */
#ifndef SUBDMA_COMPAT_H
#define SUBDMA_COMPAT_H

#include <linux/version.h>
#include <scsi/scsi_host.h>

/*
 * .eh_timed_out: before 6.2 it returned the block layer's verdict, and
 * BLK_EH_DONE went on to abort a command that scsi_done() had not
 * completed, as SCSI_EH_NOT_HANDLED does since.
 */
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
#define subdma_timeout_action	blk_eh_timer_return
#define SUBDMA_EH_NOT_HANDLED	BLK_EH_DONE
#else
#define subdma_timeout_action	scsi_timeout_action
#define SUBDMA_EH_NOT_HANDLED	SCSI_EH_NOT_HANDLED
#endif

#endif /* SUBDMA_COMPAT_H */
